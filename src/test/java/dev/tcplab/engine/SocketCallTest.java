package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * User calls (RFC 9293 §3.10.1–3.10.6) and their errno results; SO_LINGER (Stevens UNP
 * §7.5).
 */
class SocketCallTest {

	// RFC 9293 §3.10.3
	@Test
	void shouldBlockRecvUntilDataArrivesThenComplete() {
		Fixtures f = Fixtures.established();
		EventResult r = f.apply(new PairEvent.Recv(Side.SERVER, 50));
		assertThat(r.result()).isEqualTo("pending");
		TraceEvent.Call blocked = (TraceEvent.Call) r.trace().get(r.trace().size() - 1);
		assertThat(blocked.blocking()).isTrue();
		assertThat(blocked.result()).isNull();
		assertThat(f.ep(Side.SERVER).pendingCall()).isEqualTo("recv");
		f.send(Side.CLIENT, 80);
		EventResult adv = f.sim.advance(20);
		TraceEvent.Call done = Fixtures.firstCompletedCall(adv.trace());
		assertThat(done.result()).isEqualTo(50);
		assertThat(f.ep(Side.SERVER).recvBuffered()).isEqualTo(30);
		assertThat(f.recv(Side.SERVER)).isEqualTo(30);
		assertThat(f.ep(Side.SERVER).pendingCall()).isNull();
	}

	@Test
	void shouldReturnZeroFromRecvAfterFinOnceTheBufferIsDrained() {
		Fixtures f = Fixtures.established();
		f.send(Side.CLIENT, 10);
		f.close(Side.CLIENT);
		f.sim.advance(50);
		assertThat(f.recv(Side.SERVER)).isEqualTo(10);
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
	}

	@Test
	void shouldAnswerEbadfToCallsAfterClose() {
		Fixtures f = Fixtures.established();
		f.close(Side.CLIENT);
		assertThat(f.close(Side.CLIENT)).isEqualTo("EBADF");
		assertThat(f.send(Side.CLIENT, 1)).isEqualTo("EBADF");
		assertThat(f.recv(Side.CLIENT)).isEqualTo("EBADF");
		assertThat(f.shutdown(Side.CLIENT, "SHUT_WR")).isEqualTo("EBADF");
	}

	@Test
	void shouldAnswerEpipeToSendAfterShutdownWr() {
		Fixtures f = Fixtures.established();
		assertThat(f.shutdown(Side.CLIENT, "SHUT_WR")).isEqualTo(0);
		assertThat(f.send(Side.CLIENT, 5)).isEqualTo("EPIPE");
	}

	@Test
	void shouldAnswerEnotconnToCallsOnTheServerBeforeAccept() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		int id = sim.openPair(80, 40000, false, false).id();
		assertThat(sim.apply(id, new PairEvent.Close(Side.SERVER)).result()).isEqualTo("ENOTCONN");
		assertThat(sim.apply(id, new PairEvent.Shutdown(Side.SERVER, "SHUT_WR")).result()).isEqualTo("ENOTCONN");
		// (the connecting client's shutdown aborts the connect: ConformanceTest, issue 14
		// #15)
	}

	@Test
	void shouldRejectMalformedArgumentsAndLeaveTheSimulationUntouched() {
		Fixtures f = Fixtures.established();
		long seq = f.sim.nextSeq();
		assertThatThrownBy(() -> f.send(Side.CLIENT, -1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("bytes");
		assertThatThrownBy(() -> f.shutdown(Side.CLIENT, "SHUT_SIDEWAYS")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("SHUT_RD, SHUT_WR or SHUT_RDWR");
		assertThatThrownBy(() -> f.apply(new PairEvent.SetLinger(Side.CLIENT, 2, 0)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> f.apply(new PairEvent.Fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ACK, 0, 0, 0)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> f.sim.advance(-1)).isInstanceOf(IllegalArgumentException.class);
		assertThat(f.sim.nextSeq()).isEqualTo(seq);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.ESTABLISHED);
		assertThatThrownBy(() -> f.sim.apply(99, new PairEvent.Close(Side.CLIENT)))
			.isInstanceOf(NoSuchElementException.class);
		assertThatThrownBy(() -> f.sim.openPair(0, null, false, true)).isInstanceOf(IllegalArgumentException.class);
	}

	// RFC 1122 §4.2.2.13
	@Test
	void shouldSendRstOnCloseWithUnreadDataSoThePeersRecvFailsWithEconnreset() {
		Fixtures f = Fixtures.established();
		f.send(Side.CLIENT, 1);
		f.sim.advance(20);
		long since = f.sim.nextSeq();
		assertThat(f.close(Side.SERVER)).isEqualTo(0);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(f.sentSince(since)).containsExactly("server RST,ACK");
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("RST_UNREAD_DATA");
		f.sim.advance(20);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(f.recv(Side.CLIENT)).isEqualTo("ECONNRESET");
		assertThat(f.recv(Side.CLIENT)).isEqualTo(0);
	}

	// RFC 9293 §3.10.5 ABORT
	@Test
	void shouldAbortWithRstAndNoTimeWaitOnLingerZeroWhileThePeerReadsBufferedDataThenEconnreset() {
		Fixtures f = Fixtures.established();
		f.send(Side.SERVER, 100);
		f.sim.advance(20);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.SetLinger(Side.SERVER, 1, 0));
		assertThat(f.close(Side.SERVER)).isEqualTo(0);
		f.sim.runUntilIdle(1e9);
		assertThat(f.sentSince(since)).containsExactly("server RST,ACK");
		assertThat(f.statesSince(since)).containsExactly("server ESTABLISHED>CLOSED", "client ESTABLISHED>CLOSED");
		assertThat(f.recv(Side.CLIENT)).isEqualTo(100);
		assertThat(f.recv(Side.CLIENT)).isEqualTo("ECONNRESET");
		assertThat(f.sim.eventsSince(0))
			.noneMatch(e -> e instanceof TraceEvent.State s && s.to() == TcpState.TIME_WAIT);
	}

	@Test
	void shouldRecordAbortAsLingerZeroPlusClose() {
		Fixtures f = Fixtures.established();
		EventResult r = f.apply(new PairEvent.Abort(Side.CLIENT));
		assertThat(r.result()).isEqualTo(0);
		assertThat(r.trace()).filteredOn(e -> e instanceof TraceEvent.Call)
			.extracting(e -> ((TraceEvent.Call) e).call())
			.containsExactly("setsockopt", "close");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
	}

	@Test
	void shouldBlockCloseWithLingerUntilTheFinIsAckedThenReturnZero() {
		Fixtures f = Fixtures.established();
		f.apply(new PairEvent.SetLinger(Side.CLIENT, 1, 2));
		assertThat(f.close(Side.CLIENT)).isEqualTo("pending");
		assertThat(f.ep(Side.CLIENT).pendingCall()).isEqualTo("close");
		assertThat(f.ep(Side.CLIENT).timers()).extracting(t -> t.timer()).contains("LINGER");
		EventResult r = f.sim.advance(30);
		TraceEvent.Call done = Fixtures.firstCompletedCall(r.trace());
		assertThat(done.result()).isEqualTo(0);
		// when the ACK of the FIN arrived
		assertThat(done.timeMs()).isEqualTo(f.sim.nowMs() - 10);
		assertThat(Fixtures.timers(r.trace(), "LINGER")).extracting(TraceEvent.Timer::action)
			.containsExactly("cancelled");
	}

	@Test
	void shouldReturnZeroAfterTheLingerTimeoutOnLinuxAndKeepRetransmittingInFinWait1() {
		Fixtures f = Fixtures.established();
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.FIN, 100);
		f.apply(new PairEvent.SetLinger(Side.CLIENT, 1, 2));
		double closedAt = f.sim.nowMs();
		assertThat(f.close(Side.CLIENT)).isEqualTo("pending");
		EventResult r = f.sim.advance(2_500);
		TraceEvent.Call done = Fixtures.firstCompletedCall(r.trace());
		assertThat(done.result()).isEqualTo(0);
		assertThat(done.timeMs()).isEqualTo(closedAt + 2_000);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_1);
		assertThat(f.ep(Side.CLIENT).orphan()).isTrue();
		List<Double> fins = Fixtures.finsSent(f.sim, null, closedAt);
		// the tail loss probe clamped to the RTO (220 ms), then RTO doubling from 220 ms
		// (SACK negotiated, docs/tcp-facts.md corrected 2026-12-06)
		assertThat(fins).startsWith(0.0, 220.0, 440.0, 880.0, 1760.0);
	}

	@Test
	void shouldReturnEwouldblockAfterTheLingerTimeoutOnBsd() {
		Fixtures f = Fixtures.established("bsd", Map.of());
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.FIN, 100);
		f.apply(new PairEvent.SetLinger(Side.CLIENT, 1, 2));
		f.close(Side.CLIENT);
		EventResult r = f.sim.advance(2_500);
		TraceEvent.Call done = Fixtures.firstCompletedCall(r.trace());
		assertThat(done.result()).isEqualTo("EWOULDBLOCK");
	}

	// RFC 1122 §4.2.2.13 half-duplex close
	@Test
	void shouldSendFinOnShutdownWrAndKeepReceiving() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		assertThat(f.shutdown(Side.CLIENT, "SHUT_WR")).isEqualTo(0);
		f.sim.advance(20);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
		assertThat(f.send(Side.SERVER, 300)).isEqualTo(300);
		f.sim.advance(20);
		assertThat(f.recv(Side.CLIENT)).isEqualTo(300);
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		f.close(Side.SERVER);
		f.sim.advance(20);
		assertThat(f.recv(Side.CLIENT)).isEqualTo(0);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		assertThat(f.close(Side.CLIENT)).isEqualTo(0);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server ACK", "server PSH,ACK len=300",
				"client ACK", "server FIN,ACK", "client ACK");
	}

	@Test
	void shouldReturnZeroFromRecvAfterShutdownRd() {
		Fixtures f = Fixtures.established();
		assertThat(f.recv(Side.CLIENT)).isEqualTo("pending");
		assertThat(f.shutdown(Side.CLIENT, "SHUT_RD")).isEqualTo(0);
		assertThat(f.recv(Side.CLIENT)).isEqualTo(0);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.ESTABLISHED);
	}

	@Test
	void shouldKeepANeverClosedCloseWaitForeverWhileTheOrphanFinWait2TimesOut() {
		Fixtures f = Fixtures.established().finWait2();
		f.sim.advance(59_000);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		f.sim.advance(2_000);
		// Linux tcp_fin_timeout: the orphaned FIN_WAIT_2 is gone after 60 s
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
		assertThat(Fixtures.notes(f.sim.eventsSince(0))).contains("FIN_WAIT_2_TIMEOUT");
		// late data from the CLOSE_WAIT side draws a bare RST; the peer goes CLOSE_WAIT
		// -> CLOSED
		long since = f.sim.nextSeq();
		f.send(Side.SERVER, 10);
		f.sim.advance(50);
		assertThat(f.sentSince(since)).containsExactly("server PSH,ACK len=10", "client RST");
		assertThat(f.statesSince(since)).containsExactly("server CLOSE_WAIT>CLOSED");
		// Linux tcp_reset: an RST in CLOSE_WAIT leaves EPIPE (closeWaitRstEpipe)
		assertThat(f.send(Side.SERVER, 1)).isEqualTo("EPIPE");
		f.sim.advance(3_600_000);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
	}

	@Test
	void shouldKeepTheServerInCloseWaitWhenItNeverCloses() {
		Fixtures f = Fixtures.established().finWait2();
		f.sim.runUntilIdle(24 * 3_600_000.0);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
		assertThat(f.sim.nextEventAtMs()).isNull();
	}

	@Test
	void shouldWaitForeverInFinWait2AfterOnlyShutdown() {
		Fixtures f = Fixtures.established();
		f.shutdown(Side.CLIENT, "SHUT_WR");
		f.sim.runUntilIdle(24 * 3_600_000.0);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		assertThat(f.ep(Side.CLIENT).timers()).isEmpty();
		assertThat(f.sim.eventsSince(0))
			.noneMatch(e -> e instanceof TraceEvent.Timer t && t.timer().equals("FIN_WAIT_2"));
		// closing later turns it into an orphan with the timer
		f.close(Side.CLIENT);
		assertThat(f.ep(Side.CLIENT).timers()).extracting(t -> t.timer()).containsExactly("FIN_WAIT_2");
	}

	// RFC 9293 §3.8.3 R2, Linux tcp_retries2
	@Test
	void shouldGiveUpALiveConnectionAfterRetries2WithEtimedout() {
		Fixtures f = Fixtures.established("linux", Map.of("retries2", 3));
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ANY, 100);
		f.recv(Side.CLIENT);
		f.send(Side.CLIENT, 10);
		f.sim.runUntilIdle(1e9);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		// the first transmission, the tail loss probe (not counted: RFC 8985 §7.3) and
		// retries2 = 3 retransmissions
		assertThat(Fixtures.segments(ev, "sent").stream().filter(s -> s.from().equals("client") && s.len() == 10))
			.hasSize(5);
		assertThat(Fixtures.notes(ev)).contains("RETRANSMISSION_LIMIT");
		TraceEvent.Call done = Fixtures.lastCompletedCall(ev);
		assertThat(done.call()).isEqualTo("recv");
		assertThat(done.result()).isEqualTo("ETIMEDOUT");
	}

	// Linux tcp_orphan_retries
	@Test
	void shouldGiveUpAnOrphanAfterOrphanRetries() {
		Fixtures f = Fixtures.established("linux", Map.of("orphanRetries", 2));
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.FIN, 100);
		f.close(Side.CLIENT);
		f.sim.runUntilIdle(1e9);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		// the FIN, the tail loss probe (not counted: RFC 8985 §7.3) and orphanRetries = 2
		// retransmissions
		assertThat(Fixtures.segments(ev, "sent").stream().filter(s -> s.flags().contains("FIN"))).hasSize(4);
		assertThat(Fixtures.notes(ev)).containsOnlyOnce("TAIL_LOSS_PROBE");
		assertThat(f.statesSince(0)).contains("client FIN_WAIT_1>CLOSED");
	}

	@Test
	void shouldGiveUpConnectAfterSynRetries() {
		Simulation sim = Fixtures.simulation("linux", Map.of("synRetries", 2));
		int id = sim.openPair(80, 40000, false, false).id();
		// the SYN is already on its way: lose every SYN,ACK instead
		sim.apply(id, new PairEvent.Fault(Side.SERVER, FaultAction.DROP, SegmentMatch.SYN, 10, 0, 0));
		sim.runUntilIdle(1e9);
		List<TraceEvent> ev = sim.eventsSince(0);
		List<Double> syns = Fixtures.segments(ev, "sent")
			.stream()
			.filter(s -> s.from().equals("client"))
			.map(TraceEvent.Segment::timeMs)
			.toList();
		assertThat(syns).containsExactly(0.0, 1000.0, 3000.0);
		assertThat(sim.pair(id).client().state()).isEqualTo(TcpState.CLOSED);
		TraceEvent.Call connect = Fixtures.firstCompletedCall(ev);
		assertThat(connect.result()).isEqualTo("ETIMEDOUT");
		assertThat(connect.timeMs()).isEqualTo(7000.0);
		assertThat(sim.pair(id).server().state()).isEqualTo(TcpState.CLOSED);
	}

}
