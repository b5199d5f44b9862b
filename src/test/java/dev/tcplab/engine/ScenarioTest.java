package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * Whole scenarios (the article's situations) asserting the complete flag and state
 * sequences, for the linux and rfc9293 profiles (RFC 9293 §3.6, §3.10.7.4;
 * docs/tcp-facts.md).
 */
class ScenarioTest {

	private static Fixtures established(String profile) {
		return Fixtures.established(profile, Map.of());
	}

	private static double timeWaitMs(String profile) {
		return "linux".equals(profile) ? 60_000 : 240_000;
	}

	// the article's situation 1
	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldCloseInFourSegmentsWhenTheClientClosesFirst(String profile) {
		Fixtures f = established(profile);
		long since = f.sim.nextSeq();
		f.close(Side.CLIENT);
		// longer than any delayed ACK: the server's ACK goes out alone
		f.sim.advance(300);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		double lastFin = f.sim.nowMs();
		f.sim.runUntilIdle(1e9);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server ACK", "server FIN,ACK", "client ACK");
		assertThat(f.statesSince(since)).containsExactly("client ESTABLISHED>FIN_WAIT_1",
				"server ESTABLISHED>CLOSE_WAIT", "client FIN_WAIT_1>FIN_WAIT_2", "server CLOSE_WAIT>LAST_ACK",
				"client FIN_WAIT_2>TIME_WAIT", "server LAST_ACK>CLOSED", "client TIME_WAIT>CLOSED");
		assertThat(f.sim.nowMs()).isEqualTo(lastFin + 10 + timeWaitMs(profile));
		// when the server's ACK of the FIN left: linux quick-ACKs a fresh connection,
		// rfc9293 delays it 200 ms
		TraceEvent.Segment ack = Fixtures.segments(f.sim.eventsSince(since), "sent").get(1);
		assertThat(ack.timeMs() - 10 - f.sim.eventsSince(since).get(0).timeMs())
			.isEqualTo("linux".equals(profile) ? 0.0 : 200.0);
	}

	// the article's situation 4
	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldKeepTheTimeWaitOnTheServerWhenItClosesFirst(String profile) {
		Fixtures f = established(profile);
		long since = f.sim.nextSeq();
		f.close(Side.SERVER);
		f.sim.advance(300);
		f.recv(Side.CLIENT);
		f.close(Side.CLIENT);
		f.sim.advance(100);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.TIME_WAIT);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(f.sentSince(since)).containsExactly("server FIN,ACK", "client ACK", "client FIN,ACK", "server ACK");
	}

	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldCloseInThreeSegmentsWhenTheFinRidesOnTheAck(String profile) {
		Fixtures f = established(profile).afterData();
		long since = f.sim.nextSeq();
		f.close(Side.CLIENT);
		f.sim.advance(10);
		f.recv(Side.SERVER); // blocked reader sees EOF and closes at once
		f.close(Side.SERVER);
		f.sim.runUntilIdle(1e9);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server FIN,ACK", "client ACK");
		assertThat(f.statesSince(since)).containsExactly("client ESTABLISHED>FIN_WAIT_1",
				"server ESTABLISHED>CLOSE_WAIT", "server CLOSE_WAIT>LAST_ACK", "client FIN_WAIT_1>FIN_WAIT_2",
				"client FIN_WAIT_2>TIME_WAIT", "server LAST_ACK>CLOSED", "client TIME_WAIT>CLOSED");
	}

	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldCloseSimultaneouslyThroughClosing(String profile) {
		Fixtures f = established(profile);
		long since = f.sim.nextSeq();
		f.close(Side.CLIENT);
		f.close(Side.SERVER);
		f.sim.runUntilIdle(1e9);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server FIN,ACK", "server ACK", "client ACK");
		assertThat(f.statesSince(since)).containsExactly("client ESTABLISHED>FIN_WAIT_1",
				"server ESTABLISHED>FIN_WAIT_1", "server FIN_WAIT_1>CLOSING", "client FIN_WAIT_1>CLOSING",
				"client CLOSING>TIME_WAIT", "server CLOSING>TIME_WAIT", "client TIME_WAIT>CLOSED",
				"server TIME_WAIT>CLOSED");
	}

	// the article's situation 2
	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldResendTheFinWhenTheLastAckIsLost(String profile) {
		Fixtures f = established(profile).finWait2();
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ACK, 2, 0, 0));
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		double finAt = f.sim.nowMs();
		f.sim.runUntilIdle(1e9);
		List<TraceEvent> ev = f.sim.eventsSince(since);
		assertThat(f.sentSince(since)).containsExactly("server FIN,ACK", "client ACK", "server FIN,ACK", "client ACK",
				"server FIN,ACK", "client ACK");
		double rto = "linux".equals(profile) ? 220 : 1000;
		// RTO, then 2·RTO; linux: the tail loss probe clamped to the RTO, then the RTO
		// not
		// backed off by it (SACK negotiated, docs/tcp-facts.md corrected 2026-12-06)
		double second = "linux".equals(profile) ? 2 * rto : 3 * rto;
		assertThat(Fixtures.segments(ev, "sent")
			.stream()
			.filter(s -> s.from().equals("server"))
			.map(s -> s.timeMs() - finAt)).containsExactly(0.0, rto, second);
		assertThat(Fixtures.timers(ev, "TIME_WAIT")).extracting(TraceEvent.Timer::action)
			.containsExactly("armed", "restarted", "restarted", "fired");
		assertThat(f.statesSince(since)).containsExactly("server CLOSE_WAIT>LAST_ACK", "client FIN_WAIT_2>TIME_WAIT",
				"server LAST_ACK>CLOSED", "client TIME_WAIT>CLOSED");
		// the 2MSL timer restarted with the last resent FIN
		assertThat(f.sim.nowMs()).isEqualTo(finAt + second + 10 + timeWaitMs(profile));
	}

	// the article's situation 2
	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldDrawRstForTheResentFinWithoutTimeWait(String profile) {
		Fixtures f = Fixtures.established(profile, Map.of("timeWaitMs", 0)).finWait2();
		long since = f.sim.nextSeq();
		f.lose(Side.CLIENT, SegmentMatch.ACK);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		f.sim.runUntilIdle(1e9);
		assertThat(f.sentSince(since)).containsExactly("server FIN,ACK", "client ACK", "server FIN,ACK", "client RST");
		assertThat(f.statesSince(since)).containsExactly("server CLOSE_WAIT>LAST_ACK", "client FIN_WAIT_2>TIME_WAIT",
				"client TIME_WAIT>CLOSED", "server LAST_ACK>CLOSED");
	}

	// the article's situation 5
	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldCloseAbortivelyWithRst(String profile) {
		Fixtures f = established(profile);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Abort(Side.CLIENT));
		f.sim.runUntilIdle(1e9);
		assertThat(f.sentSince(since)).containsExactly("client RST,ACK");
		assertThat(f.statesSince(since)).containsExactly("client ESTABLISHED>CLOSED", "server ESTABLISHED>CLOSED");
		assertThat(f.recv(Side.SERVER)).isEqualTo("ECONNRESET");
	}

	// the article's situation 6
	@ParameterizedTest
	@ValueSource(strings = { "linux", "rfc9293" })
	void shouldCloseGracefullyWithShutdown(String profile) {
		Fixtures f = established(profile);
		long since = f.sim.nextSeq();
		f.shutdown(Side.CLIENT, "SHUT_WR");
		f.sim.advance(300);
		f.send(Side.SERVER, 500);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		f.sim.advance(300);
		assertThat(f.recv(Side.CLIENT)).isEqualTo(500);
		assertThat(f.recv(Side.CLIENT)).isEqualTo(0);
		assertThat(f.close(Side.CLIENT)).isEqualTo(0);
		// linux quick-ACKs the first data at once; rfc9293 delays it and the ACK of the
		// FIN covers both
		if ("linux".equals(profile)) {
			assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server ACK", "server PSH,ACK len=500",
					"server FIN,ACK", "client ACK", "client ACK");
		}
		else {
			assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server ACK", "server PSH,ACK len=500",
					"server FIN,ACK", "client ACK");
		}
		assertThat(f.statesSince(since)).containsExactly("client ESTABLISHED>FIN_WAIT_1",
				"server ESTABLISHED>CLOSE_WAIT", "client FIN_WAIT_1>FIN_WAIT_2", "server CLOSE_WAIT>LAST_ACK",
				"client FIN_WAIT_2>TIME_WAIT", "server LAST_ACK>CLOSED");
	}

}
