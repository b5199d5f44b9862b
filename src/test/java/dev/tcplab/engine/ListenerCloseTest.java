package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * close() on a listening socket at packet level (Linux {@code inet_csk_listen_stop}):
 * completed connections the application never accepted are reset, requests in
 * SYN_RECEIVED are dropped, accepted ones live on, and later SYNs draw RST (RFC 9293
 * §3.10.7.1). Measured on Linux 6.18 with packetdrill: listener-close-*.pkt
 * (docs/engine.md).
 */
class ListenerCloseTest {

	// inet_csk_listen_stop -> tcp_disconnect -> tcp_send_active_reset: RST,ACK from
	// SND.NXT with ACK = RCV.NXT; the peer's next call fails with ECONNRESET
	@Test
	void shouldResetAConnectionAcceptNeverTookInInetCskListenStop() {
		Fixtures f = Fixtures.established();
		f.send(Side.CLIENT, 100);
		f.sim.advance(100);
		var server = f.ep(Side.SERVER);
		long since = f.sim.nextSeq();
		f.sim.closeListener(80, List.of(f.pair));
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("server RST,ACK");
		assertThat(sent.get(0).tcpSeq()).isEqualTo(server.sndNxt());
		assertThat(sent.get(0).ack()).isEqualTo(server.rcvNxt());
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("RST_LISTENER_CLOSED");
		f.sim.advance(100);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(f.recv(Side.CLIENT)).isEqualTo("ECONNRESET");
	}

	// inet_csk_listen_stop leaves accepted sockets alone
	@Test
	void shouldKeepAConnectionTheApplicationAcceptedWhenTheListenerCloses() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		f.sim.closeListener(80, List.of());
		assertThat(f.sentSince(since)).isEmpty();
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.ESTABLISHED);
		f.send(Side.CLIENT, 100);
		f.sim.advance(100);
		assertThat(f.recv(Side.SERVER)).isEqualTo(100);
	}

	// RFC 9293 §3.10.7.1: with no listener a SYN draws
	// <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>
	// (the facade's openPair would make a new listener: the SYN is injected on the
	// tuple of the connection that was reset)
	@Test
	void shouldAnswerALaterSynWithRstAfterTheListenerClosed() {
		Fixtures f = Fixtures.established();
		f.sim.closeListener(80, List.of(f.pair));
		f.sim.advance(100);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.SYN), 777_777L, null, 0));
		f.sim.advance(100);
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("client SYN", "server RST,ACK");
		assertThat(sent.get(1).tcpSeq()).isZero();
		assertThat(sent.get(1).ack()).isEqualTo(777_778L);
	}

	// inet_csk_listen_stop: a request still in SYN_RECEIVED is dropped without a word
	// (no SYN,ACK retransmission); its late ACK finds no socket and draws a bare RST
	@Test
	void shouldDropARequestInSynReceivedWhenTheListenerClosesInInetCskListenStop() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		int p = sim.openPair(80, 40000, false, false).id();
		sim.apply(p, new PairEvent.Fault(Side.CLIENT, FaultAction.HOLD, SegmentMatch.ACK, 1, 0, 0));
		sim.advance(25);
		assertThat(sim.pair(p).server().state()).isEqualTo(TcpState.SYN_RECEIVED);
		long since = sim.nextSeq();
		sim.closeListener(80, List.of());
		assertThat(sim.pair(p).server().state()).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.notes(sim.eventsSince(since))).contains("REQUEST_DROPPED");
		sim.advance(2_000);
		assertThat(Fixtures.segments(sim.eventsSince(since), "sent")).isEmpty();
		sim.apply(p, new PairEvent.Release(Side.CLIENT));
		sim.advance(100);
		assertThat(Fixtures.segments(sim.eventsSince(since), "sent")).extracting(Fixtures::brief)
			.containsExactly("server RST");
	}

}
