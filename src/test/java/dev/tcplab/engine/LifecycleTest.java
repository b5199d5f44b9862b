package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Smoke scenarios: handshake and the normal four-way close (article situation 1). */
class LifecycleTest {

	@Test
	void shouldEstablishBothEndsAndAcceptInTheHandshake() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		var pair = sim.openPair(80, null, false, true);
		assertThat(pair.client().state()).isEqualTo(TcpState.ESTABLISHED);
		assertThat(pair.server().state()).isEqualTo(TcpState.ESTABLISHED);
		assertThat(pair.client().iss()).isEqualTo(1000L);
		assertThat(pair.server().iss()).isEqualTo(5000L);
		assertThat(pair.listener().state()).isEqualTo(TcpState.LISTEN);
		Fixtures f = new Fixtures(sim, pair.id());
		assertThat(f.sentSince(0)).containsExactly("client SYN", "server SYN,ACK", "client ACK");
		assertThat(sim.nowMs()).isEqualTo(30.0);
		Fixtures.assertContiguous(sim.eventsSince(0));
	}

	// RFC 9293 §3.6
	@Test
	void shouldCloseInFourSegmentsWhenTheClientClosesFirst() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		assertThat(f.close(Side.CLIENT)).isEqualTo(0);
		f.sim.advance(100);
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		assertThat(f.close(Side.SERVER)).isEqualTo(0);
		f.sim.runUntilIdle(1_000_000);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server ACK", "server FIN,ACK", "client ACK");
		assertThat(f.statesSince(since)).containsExactly("client ESTABLISHED>FIN_WAIT_1",
				"server ESTABLISHED>CLOSE_WAIT", "client FIN_WAIT_1>FIN_WAIT_2", "server CLOSE_WAIT>LAST_ACK",
				"client FIN_WAIT_2>TIME_WAIT", "server LAST_ACK>CLOSED", "client TIME_WAIT>CLOSED");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		Fixtures.assertContiguous(f.sim.eventsSince(0));
	}

}
