package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * Packet-level tests, one per transition: fixture state + arriving segment or user call →
 * segments sent and the state that follows. Each test names the RFC 9293 section it
 * checks. Profile linux, pinned ISNs, 10 ms latency.
 */
class TransitionTest {

	// ---- §3.10.1 OPEN, §3.10.7.3 SYN-SENT, §3.10.7.2 LISTEN ----

	// RFC 9293 §3.10.1 OPEN
	@Test
	void shouldSendSynAndEnterSynSentOnConnect() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		var p = sim.openPair(80, 40000, false, false);
		assertThat(p.client().state()).isEqualTo(TcpState.SYN_SENT);
		assertThat(p.server().state()).isEqualTo(TcpState.CLOSED);
		Fixtures f = new Fixtures(sim, p.id());
		assertThat(f.sentSince(0)).containsExactly("client SYN");
		assertThat(p.client().timers()).extracting(t -> t.timer()).containsExactly("RETRANSMIT");
		// RFC 6298 §2.1 initial RTO 1 s
		assertThat(p.client().timers().get(0).expiresAtMs()).isEqualTo(1000.0);
	}

	// RFC 9293 §3.10.7.2 LISTEN
	@Test
	void shouldCreateAChildInSynReceivedAndAnswerSynAckWhenASynReachesAListener() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		int id = sim.openPair(80, 40000, false, false).id();
		sim.advance(10);
		Fixtures f = new Fixtures(sim, id);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.SYN_RECEIVED);
		List<TraceEvent.Segment> sent = f.sent();
		assertThat(Fixtures.brief(sent.get(1))).isEqualTo("server SYN,ACK");
		assertThat(sent.get(1).ack()).isEqualTo(1001L);
		assertThat(sent.get(1).answers()).isEqualTo(sent.get(0).id());
		assertThat(f.statesSince(0)).contains("server LISTEN>SYN_RECEIVED");
	}

	// RFC 9293 §3.10.7.3 SYN-SENT
	@Test
	void shouldEstablishAndAckOnSynAckInSynSent() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		int id = sim.openPair(80, 40000, false, false).id();
		sim.advance(20);
		Fixtures f = new Fixtures(sim, id);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.ESTABLISHED);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.SYN_RECEIVED);
		assertThat(f.sentSince(0)).containsExactly("client SYN", "server SYN,ACK", "client ACK");
		sim.advance(10);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.ESTABLISHED);
	}

	// RFC 9293 §3.10.7.3 SYN-SENT
	@Test
	void shouldRefuseTheConnectionOnRstWithAnAcceptableAckInSynSent() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		int id = sim.openPair(80, 40000, false, false).id();
		Fixtures f = new Fixtures(sim, id);
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.SYN, 1);
		// the SYN is already in flight; inject an RST,ACK from the server acknowledging
		// the SYN
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST, TcpFlag.ACK), 0L, 1001L, 0));
		sim.advance(10);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.notes(sim.eventsSince(0))).contains("CONNECTION_REFUSED");
		assertThat(sim.eventsSince(0)).anySatisfy(e -> {
			assertThat(e).isInstanceOf(TraceEvent.Call.class);
			TraceEvent.Call c = (TraceEvent.Call) e;
			assertThat(c.call()).isEqualTo("connect");
			assertThat(c.completed()).isTrue();
			assertThat(c.result()).isEqualTo("ECONNREFUSED");
		});
	}

	// RFC 9293 §3.10.7.2 LISTEN (a SYN to a port without listener cannot be made through
	// the API)
	@Test
	void shouldAnswerAnAckToAListenerWithRst() {
		Fixtures f = Fixtures.established();
		// an ACK for a tuple the server does not know, delivered to the listener:
		// <SEQ=SEG.ACK><CTL=RST>
		Simulation sim = f.sim;
		int other = sim.openPair(80, 40001, false, true).id();
		sim.apply(other, new PairEvent.Abort(Side.SERVER));
		sim.advance(100);
		long since = sim.nextSeq();
		sim.apply(other, new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.ACK), null, null, 0));
		sim.advance(20);
		assertThat(new Fixtures(sim, other).sentSince(since)).containsExactly("client ACK", "server RST");
	}

	// ---- §3.10.4 CLOSE and the teardown states ----

	// RFC 9293 §3.10.4 CLOSE
	@Test
	void shouldSendFinAndEnterFinWait1OnCloseInEstablished() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		assertThat(f.close(Side.CLIENT)).isEqualTo(0);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_1);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK");
		assertThat(f.ep(Side.CLIENT).orphan()).isTrue();
	}

	// RFC 9293 §3.10.7.4, Linux quick-ACK mode
	@Test
	void shouldEnterCloseWaitOnFinAndQuickAckOnAFreshLinuxConnection() {
		Fixtures f = Fixtures.established().finWait1();
		long since = f.sim.nextSeq();
		f.sim.advance(10);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
		// quick-ACK mode: the ACK leaves in the same instant the FIN arrived
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		assertThat(sent).hasSize(1);
		assertThat(Fixtures.brief(sent.get(0))).isEqualTo("server ACK");
		assertThat(sent.get(0).timeMs()).isEqualTo(f.sim.nowMs());
	}

	// RFC 9293 §3.10.7.4, RFC 1122 §4.2.3.2 delayed ACK
	@Test
	void shouldAckAFinAfterTheDelayedAckTimeoutOnceDataHasFlowed() {
		Fixtures f = Fixtures.established().afterData();
		long since = f.sim.nextSeq();
		double finSent = f.sim.nowMs();
		f.finWait1();
		f.sim.advance(100);
		List<TraceEvent> ev = f.sim.eventsSince(since);
		List<TraceEvent.Segment> sent = Fixtures.segments(ev, "sent");
		assertThat(Fixtures.brief(sent.get(1))).isEqualTo("server ACK");
		// RFC 1122 §4.2.3.2, Linux ~40 ms
		assertThat(sent.get(1).timeMs()).isEqualTo(finSent + 10 + 40);
		assertThat(Fixtures.timers(ev, "DELAYED_ACK")).extracting(TraceEvent.Timer::action)
			.containsExactly("armed", "fired");
	}

	// RFC 9293 §3.10.7.4 FIN-WAIT-1
	@Test
	void shouldEnterFinWait2OnTheAckOfTheFin() {
		Fixtures f = Fixtures.established().finWait1();
		f.sim.advance(20);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		assertThat(f.statesSince(0)).contains("client FIN_WAIT_1>FIN_WAIT_2");
	}

	// RFC 9293 §3.10.7.4 FIN-WAIT-2
	@Test
	void shouldEnterTimeWaitAndAckAtOnceOnAFinInFinWait2() {
		Fixtures f = Fixtures.established().finWait2();
		long since = f.sim.nextSeq();
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		assertThat(f.close(Side.SERVER)).isEqualTo(0);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.LAST_ACK);
		f.sim.advance(10);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("server FIN,ACK", "client ACK");
		assertThat(sent.get(1).timeMs()).isEqualTo(sent.get(0).timeMs() + 10);
		assertThat(f.ep(Side.CLIENT).timers()).extracting(t -> t.timer()).containsExactly("TIME_WAIT");
		assertThat(f.ep(Side.CLIENT).timers().get(0).expiresAtMs()).isEqualTo(f.sim.nowMs() + 60_000);
	}

	// RFC 9293 §3.10.7.4 LAST-ACK
	@Test
	void shouldCloseOnTheAckOfTheFinInLastAck() {
		Fixtures f = Fixtures.established().timeWait();
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(f.statesSince(0)).contains("server LAST_ACK>CLOSED");
	}

	// RFC 9293 §3.10.8 TIME-WAIT timeout
	@Test
	void shouldExpireTimeWaitIntoClosedAfter2Msl() {
		Fixtures f = Fixtures.established().timeWait();
		double enteredAt = f.ep(Side.CLIENT).timers().get(0).expiresAtMs() - 60_000;
		f.sim.advance(59_000);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		f.sim.advance(2_000);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		TraceEvent.State last = (TraceEvent.State) f.sim.eventsSince(0)
			.stream()
			.filter(e -> e instanceof TraceEvent.State)
			.reduce((a, b) -> b)
			.orElseThrow();
		assertThat(last.cause()).isEqualTo("TIME_WAIT timer");
		assertThat(last.timeMs()).isEqualTo(enteredAt + 60_000);
	}

	// RFC 9293 §3.4.1 (MSL 2 min)
	@Test
	void shouldLastFourMinutesInTimeWaitOnTheRfc9293Profile() {
		Fixtures f = Fixtures.established("rfc9293", Map.of()).timeWait();
		f.sim.advance(239_000);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		f.sim.advance(2_000);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
	}

	// RFC 9293 §3.10.4 CLOSE
	@Test
	void shouldSendFinAndEnterLastAckOnCloseInCloseWait() {
		Fixtures f = Fixtures.established().finWait2();
		long since = f.sim.nextSeq();
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.LAST_ACK);
		assertThat(f.sentSince(since)).containsExactly("server FIN,ACK");
	}

	// RFC 9293 §3.10.7.4 (three-segment close)
	@Test
	void shouldSendOneFinAckWhenThePassiveSideClosesBeforeTheDelayedAck() {
		Fixtures f = Fixtures.established().afterData().finWait1();
		f.sim.advance(10); // FIN arrives; the delayed ACK is pending
		long since = f.sim.nextSeq();
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		assertThat(f.close(Side.SERVER)).isEqualTo(0);
		f.sim.advance(10);
		List<TraceEvent> ev = f.sim.eventsSince(since);
		assertThat(Fixtures.segments(ev, "sent")).extracting(Fixtures::brief)
			.containsExactly("server FIN,ACK", "client ACK");
		assertThat(Fixtures.timers(ev, "DELAYED_ACK")).extracting(TraceEvent.Timer::action)
			.containsExactly("cancelled");
		// ACK bit before FIN bit: FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT in the same
		// instant
		List<TraceEvent.State> client = ev.stream()
			.filter(e -> e instanceof TraceEvent.State s && s.endpoint().equals("client"))
			.map(e -> (TraceEvent.State) e)
			.toList();
		assertThat(client).extracting(s -> s.from() + ">" + s.to())
			.containsExactly("FIN_WAIT_1>FIN_WAIT_2", "FIN_WAIT_2>TIME_WAIT");
		assertThat(client.get(0).timeMs()).isEqualTo(client.get(1).timeMs());
		// the FIN,ACK answers the client's FIN
		TraceEvent.Segment finAck = Fixtures.segments(ev, "sent").get(0);
		TraceEvent.Segment clientFin = Fixtures.segments(f.sim.eventsSince(0), "sent")
			.stream()
			.filter(s -> s.from().equals("client") && s.flags().contains("FIN"))
			.findFirst()
			.orElseThrow();
		assertThat(finAck.answers()).isEqualTo(clientFin.id());
	}

	// RFC 9293 §3.10.7.4 (simultaneous close, §3.6)
	@Test
	void shouldTakeBothSidesThroughClosingToTimeWaitInASimultaneousClose() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		f.close(Side.CLIENT);
		f.close(Side.SERVER);
		f.sim.advance(25);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.TIME_WAIT);
		// the client's FIN left first, so it arrives first
		assertThat(f.statesSince(since)).containsExactly("client ESTABLISHED>FIN_WAIT_1",
				"server ESTABLISHED>FIN_WAIT_1", "server FIN_WAIT_1>CLOSING", "client FIN_WAIT_1>CLOSING",
				"client CLOSING>TIME_WAIT", "server CLOSING>TIME_WAIT");
		f.sim.runUntilIdle(1e9);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
	}

	// ---- TIME-WAIT segment processing (§3.10.7.4) ----

	// RFC 9293 §3.10.7.4 TIME-WAIT
	@Test
	void shouldAckAResentFinInTimeWaitAndRestartTheTimer() {
		Fixtures f = Fixtures.established().finWait2();
		f.lose(Side.CLIENT, SegmentMatch.ACK);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		double finAt = f.sim.nowMs();
		f.sim.advance(1_000);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		List<TraceEvent.Segment> serverFins = Fixtures.segments(ev, "sent")
			.stream()
			.filter(s -> s.from().equals("server") && s.flags().contains("FIN"))
			.toList();
		assertThat(serverFins).hasSize(2);
		assertThat(serverFins.get(1).retransmission()).isTrue();
		// Linux: RTO = SRTT + max(RTO_min, 4 RTTVAR) = 20 + 200 ms with 10 ms latency
		assertThat(serverFins.get(1).timeMs() - finAt).isEqualTo(220.0);
		assertThat(Fixtures.segments(ev, "dropped")).extracting(Fixtures::brief).containsExactly("client ACK");
		assertThat(Fixtures.timers(ev, "TIME_WAIT")).extracting(TraceEvent.Timer::action)
			.containsExactly("armed", "restarted");
		assertThat(Fixtures.notes(ev)).contains("TIME_WAIT_ACK_RESENT_FIN");
		assertThat(f.ep(Side.CLIENT).timers().get(0).expiresAtMs()).isEqualTo(finAt + 220 + 10 + 60_000);
	}

	// RFC 9293 §3.10.8, RFC 8985 §7 (Linux tcp_schedule_loss_probe)
	@Test
	// RFC 9293 §3.10.8, RFC 6298 §5.5
	void shouldBackOffExponentiallyAfterATailLossProbeClampedToTheRtoInLastAckOnLinux() {
		// docs/tcp-facts.md (Linux 6.18, packetdrill, 10 ms RTT, corrected 2026-12-06):
		// with SACK +213, +216, +436, +864 ms between sends: the tail loss probe (2·SRTT
		// +
		// RTO_min) is clamped to the RTO and not backed off, then the RTO doubles. Here
		// RTO
		// = 200 ms + 2 x 10 ms latency. (Without SACK no probe: TcpOptionsTest.)
		Fixtures f = Fixtures.established().finWait2();

		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ACK, 4);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		double finAt = f.sim.nowMs();

		f.sim.advance(10_000);
		List<Double> at = Fixtures.finsSent(f.sim, "server", finAt);

		assertThat(at).containsExactly(0.0, 220.0, 440.0, 880.0, 1760.0);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
	}

	// RFC 6298 §2.1
	@Test
	void shouldRetransmitTheFinAfterOneSecondInLastAckOnTheRfc9293Profile() {
		Fixtures f = Fixtures.established("rfc9293", Map.of()).finWait2();
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ACK, 2);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		double finAt = f.sim.nowMs();
		f.sim.advance(10_000);
		List<Double> at = Fixtures.finsSent(f.sim, "server", finAt);
		assertThat(at).containsExactly(0.0, 1000.0, 3000.0);
	}

	@Test
	void shouldDrawRstForAResentFinWithoutTimeWaitSoTheLastAckSideCloses() {
		Fixtures f = Fixtures.established("linux", Map.of("timeWaitMs", 0)).finWait2();
		f.lose(Side.CLIENT, SegmentMatch.ACK);
		f.recv(Side.SERVER);
		f.apply(new PairEvent.SetLinger(Side.SERVER, 1, 10));
		assertThat(f.close(Side.SERVER)).isEqualTo(CallResult.PENDING.wire());
		f.sim.advance(1_000);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.segments(ev, "sent")).extracting(Fixtures::brief)
			.endsWith("server FIN,ACK", "client ACK", "server FIN,ACK", "client RST");
		assertThat(Fixtures.notes(ev)).contains("RST_NO_CONNECTION");
		assertThat(f.statesSince(0)).endsWith("client FIN_WAIT_2>TIME_WAIT", "client TIME_WAIT>CLOSED",
				"server LAST_ACK>CLOSED");
		TraceEvent.Call closeDone = Fixtures.lastCompletedCall(ev);
		assertThat(closeDone.call()).isEqualTo("close");
		// the lingering close() ends with the RST but reports no error (Linux measured
		// with packetdrill, docs/tcp-facts.md; issue 14 #5)
		assertThat(closeDone.result()).isEqualTo(0);
	}

	// RFC 9293 §3.10.7.4 TIME-WAIT, second check
	@Test
	void shouldCloseTimeWaitOnRstOnTheRfc9293Profile() {
		Fixtures f = Fixtures.established().timeWait();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), null, null, 0));
		f.sim.advance(10);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.notes(f.sim.eventsSince(0))).contains("TIME_WAIT_ASSASSINATED");
	}

	// RFC 1337
	@Test
	void shouldIgnoreRstInTimeWaitWithRfc1337Protection() {
		Fixtures f = Fixtures.established("linux", Map.of("rfc1337", true)).timeWait();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), null, null, 0));
		f.sim.advance(10);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		assertThat(Fixtures.notes(f.sim.eventsSince(0))).contains("RFC1337_RST_IGNORED");
	}

	// RFC 9293 §3.10.7.4 CLOSING
	@Test
	void shouldEnterTimeWaitOnTheAckOfTheFinInClosing() {
		Fixtures f = Fixtures.established();
		f.close(Side.CLIENT);
		f.close(Side.SERVER);
		f.sim.advance(10);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSING);
		f.sim.advance(10);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
	}

	// ---- lost FIN (§3.10.8 retransmission timeout) ----

	// RFC 9293 §3.10.8 retransmission timeout
	@Test
	void shouldRetransmitALostFinInFinWait1UntilItIsAcked() {
		Fixtures f = Fixtures.established();
		f.lose(Side.CLIENT, SegmentMatch.FIN);
		f.close(Side.CLIENT);
		double finAt = f.sim.nowMs();
		f.sim.advance(500);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		List<TraceEvent.Segment> fins = Fixtures.segments(ev, "sent")
			.stream()
			.filter(s -> s.from().equals("client") && s.flags().contains("FIN"))
			.toList();
		assertThat(fins).hasSize(2);
		assertThat(fins.get(1).timeMs() - finAt).isEqualTo(220.0);
		assertThat(fins.get(1).retransmission()).isTrue();
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
	}

	// ---- RST processing (§3.10.7.4 second) ----

	// RFC 9293 §3.10.7.4, second check
	@Test
	void shouldResetTheConnectionOnRstAtRcvNxt() {
		Fixtures f = Fixtures.established();
		assertThat(f.recv(Side.SERVER)).isEqualTo(CallResult.PENDING.wire());
		f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.RST), null, null, 0));
		f.sim.advance(10);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		TraceEvent.Call done = Fixtures.lastCompletedCall(f.sim.eventsSince(0));
		assertThat(done.call()).isEqualTo("recv");
		assertThat(done.result()).isEqualTo("ECONNRESET");
	}

	// RFC 5961 §3.2
	@Test
	void shouldAnswerARstInTheWindowButNotAtRcvNxtWithAChallengeAck() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.RST), 1001L + 10, null, 0));
		f.sim.advance(10);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.ESTABLISHED);
		assertThat(f.sentSince(since)).containsExactly("client RST", "server ACK");
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("CHALLENGE_ACK");
	}

	// RFC 9293 §3.10.7.1 CLOSED
	@Test
	void shouldAnswerASegmentForAnUnknownConnectionWithRst() {
		Fixtures f = Fixtures.established();
		f.apply(new PairEvent.Abort(Side.SERVER));
		f.sim.advance(20);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.PSH, TcpFlag.ACK), null, null, 10));
		f.sim.advance(20);
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("client PSH,ACK len=10", "server RST");
		// <SEQ=SEG.ACK><CTL=RST>: a bare RST (no ACK bit)
		assertThat(sent.get(1).tcpSeq()).isEqualTo(sent.get(0).ack());
	}

}
