package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Packet-level checks of the engine defects of issue 14 and of the packetdrill-measured
 * facts of docs/tcp-facts.md: given this state and this segment (or call), this segment
 * goes out and this state follows. Each test names the RFC section or the Linux function
 * whose behaviour it checks. Pinned ISNs: client 1000, server 5000; 10 ms one-way
 * latency.
 */
class ConformanceTest {

	/** The client's RCV.NXT in TIME_WAIT after {@link Fixtures#timeWait()}: SYN + FIN. */
	private static final long CLIENT_TW_RCV_NXT = 5002;

	/**
	 * Server child in SYN_RECEIVED (RCV.NXT 1001): the client's ACK of the SYN,ACK was
	 * lost; the client is ESTABLISHED.
	 */
	private static Fixtures synReceived(String profile) {
		Simulation sim = Fixtures.simulation(profile, Map.of());
		int id = sim.openPair(80, 40000, false, false).id();
		Fixtures f = new Fixtures(sim, id);
		f.lose(Side.CLIENT, SegmentMatch.ACK);
		sim.advance(30);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.SYN_RECEIVED);
		return f;
	}

	private static List<String> inject(Fixtures f, Side from, long seq, Long ack, int len, TcpFlag... flags) {
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(from, List.of(flags), seq, ack, len));
		f.sim.advance(20);
		return f.sentSince(since);
	}

	// ---- 1. RST in TIME_WAIT: Linux kills only at exactly RCV.NXT ----

	// timeWait · linux · tcpTimewaitStateProcess · rstInWindowNotAtRcvNxtIsIgnored
	@Test
	void shouldIgnoreAnInWindowRstNotAtRcvNxtInTimeWaitOnLinux() {
		Fixtures f = Fixtures.established().timeWait();
		assertThat(inject(f, Side.SERVER, CLIENT_TW_RCV_NXT + 100, null, 0, TcpFlag.RST)).containsExactly("server RST");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		// exactly at RCV.NXT it is the TIME-WAIT assassination of tcp_rfc1337 = 0
		assertThat(inject(f, Side.SERVER, CLIENT_TW_RCV_NXT, null, 0, TcpFlag.RST)).containsExactly("server RST");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
	}

	// timeWait · rfc9293 · 3 · 10 · 7 · 4 · rfc5961 · 3 · 2 ·
	// rstInWindowNotAtRcvNxtDrawsChallengeAck
	@Test
	void shouldAnswerAnInWindowRstNotAtRcvNxtWithAChallengeAckInTimeWaitOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", Map.of()).timeWait();
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), CLIENT_TW_RCV_NXT + 100, null, 0));
		f.sim.advance(15);
		assertThat(f.sentSince(since)).containsExactly("server RST", "client ACK");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		// the challenge ACK reaches the server, which has no connection any more: its RST
		// carries SEG.ACK = RCV.NXT exactly and ends TIME_WAIT (what RFC 5961 counts on)
		f.sim.advance(20);
		assertThat(f.sentSince(since)).containsExactly("server RST", "client ACK", "server RST");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
	}

	// ---- 3. ABORT in LAST_ACK / CLOSING deletes the TCB without RST ----

	// abort · 3 · 10 · 5 · linux · tcpNeedReset · lingerZeroCloseInLastAckSendsNoRst
	@Test
	void shouldSendNoRstOnALingerZeroCloseInLastAckOnLinux() {
		Fixtures f = Fixtures.established().finWait2();
		f.shutdown(Side.SERVER, "SHUT_WR");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.LAST_ACK);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Abort(Side.SERVER));
		assertThat(f.sentSince(since)).isEmpty();
		assertThat(f.statesSince(since)).containsExactly("server LAST_ACK>CLOSED");
	}

	// abort · 3 · 10 · 5 · linux · tcpNeedReset · lingerZeroCloseInClosingSendsNoRst
	@Test
	void shouldSendNoRstOnALingerZeroCloseInClosingOnLinux() {
		Fixtures f = Fixtures.established();
		f.shutdown(Side.CLIENT, "SHUT_WR");
		f.shutdown(Side.SERVER, "SHUT_WR");
		f.sim.advance(10); // the FINs cross: both CLOSING, their ACKs in flight
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSING);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Abort(Side.CLIENT));
		assertThat(f.sentSince(since)).isEmpty();
		assertThat(f.statesSince(since)).containsExactly("client CLOSING>CLOSED");
	}

	// ---- 5. a lingering close() answered by RST returns 0 ----

	// lingerN · linux · tcpClose · lingeringCloseAnsweredByRstReturnsZero
	@Test
	void shouldReturnZeroFromALingeringCloseAnsweredByRstOnLinux() {
		Fixtures f = Fixtures.established();
		f.apply(new PairEvent.SetLinger(Side.CLIENT, 1, 5));
		assertThat(f.close(Side.CLIENT)).hasToString(CallResult.PENDING.toString());
		// the peer answers the FIN with an RST at exactly RCV.NXT
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), 5001L, null, 0));
		f.sim.advance(20);
		List<TraceEvent> ev = f.sim.eventsSince(since);
		assertThat(Fixtures.states(ev)).contains("client FIN_WAIT_1>CLOSED");
		TraceEvent.Call done = Fixtures.firstCompletedCall(ev);
		assertThat(done.call()).isEqualTo("close");
		assertThat(done.result()).isEqualTo(0);
	}

	// ---- 6. shutdown(SHUT_RD) keeps the data already received (Linux) ----

	// shutdownRd · linux · tcpShutdown · queuedDataIsStillReadThenZero
	@Test
	void shouldStillReadQueuedDataThenZeroAfterShutdownRdOnLinux() {
		Fixtures f = Fixtures.established();
		f.send(Side.CLIENT, 300);
		f.sim.advance(20);
		assertThat(f.shutdown(Side.SERVER, "SHUT_RD")).isEqualTo(0);
		assertThat(f.recv(Side.SERVER)).isEqualTo(300);
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
	}

	// shutdownRd · bsd · sorflush · queuedDataIsDiscardedAndCloseSendsFin
	@Test
	void shouldDiscardQueuedDataOnShutdownRdSoCloseSendsFinOnBsd() {
		Fixtures f = Fixtures.established("bsd", Map.of());
		f.send(Side.CLIENT, 300);
		f.sim.advance(200);
		assertThat(f.shutdown(Side.SERVER, "SHUT_RD")).isEqualTo(0);
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		long since = f.sim.nextSeq();
		f.close(Side.SERVER);
		assertThat(f.sentSince(since)).containsExactly("server FIN,ACK");
	}

	// ---- 7. data after shutdown(SHUT_RDWR) in FIN_WAIT_1/2 draws RST (Linux) ----

	// finWait2 · linux · tcpRcvStateProcess · dataAfterShutdownRdwrDrawsBareRstAndResets
	@Test
	void shouldResetWithABareRstOnDataAfterShutdownRdwrInFinWait2OnLinux() {
		Fixtures f = Fixtures.established();
		f.shutdown(Side.CLIENT, "SHUT_RDWR");
		f.sim.advance(300);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		long since = f.sim.nextSeq();
		f.send(Side.SERVER, 100);
		f.sim.advance(10);
		assertThat(f.sentSince(since)).containsExactly("server PSH,ACK len=100", "client RST");
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		// tcp_v4_send_reset: <SEQ=SEG.ACK><CTL=RST>
		assertThat(sent.get(1).tcpSeq()).isEqualTo(sent.get(0).ack());
		assertThat(f.statesSince(since)).containsExactly("client FIN_WAIT_2>CLOSED");
		assertThat(f.recv(Side.CLIENT)).isEqualTo("ECONNRESET");
	}

	// finWait1 · rfc1122 · 4 · 2 · 2 · 13 · dataReachingAnOrphanDrawsBareRst
	@Test
	void shouldAnswerDataReachingAnOrphanWithABareRstInFinWait1() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		f.close(Side.CLIENT);
		f.send(Side.SERVER, 100);
		f.sim.advance(10);
		// (the server's ACK of the FIN crosses the data)
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server PSH,ACK len=100", "server ACK",
				"client RST");
		assertThat(f.statesSince(since)).contains("client FIN_WAIT_1>CLOSED");
	}

	// finWait2 · rfc9293 · 3 · 10 · 7 · 4 · dataAfterShutdownRdwrIsAckedNotReset
	@Test
	void shouldAckNotResetDataAfterShutdownRdwrInFinWait2OnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", Map.of());
		f.shutdown(Side.CLIENT, "SHUT_RDWR");
		f.sim.advance(300);
		f.send(Side.SERVER, 100);
		f.sim.advance(300);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
	}

	// ---- 10. RST or SYN reaching a passive SYN_RECEIVED ----

	// synReceived · linux · tcpCheckReq ·
	// rstNotAtRcvNxtDrawsChallengeAckExactRstDropsTheRequest
	@Test
	void shouldChallengeAnRstNotAtRcvNxtAndDropTheRequestOnAnExactRstInSynReceivedOnLinux() {
		// measured on Linux 6.18 with packetdrill
		Fixtures f = synReceived("linux");
		assertThat(inject(f, Side.CLIENT, 1001 + 100, null, 0, TcpFlag.RST)).containsExactly("client RST",
				"server ACK");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.SYN_RECEIVED);
		long since = f.sim.nextSeq();
		assertThat(inject(f, Side.CLIENT, 1001, null, 0, TcpFlag.RST)).containsExactly("client RST");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("BACK_TO_LISTEN");
		assertThat(f.sim.pair(f.pair).listener().state()).isEqualTo(TcpState.LISTEN);
	}

	// synReceived · linux · tcpCheckReq · inWindowSynDrawsRstAndDropsTheRequest
	@Test
	void shouldAnswerAnInWindowSynWithRstAndDropTheRequestInSynReceivedOnLinux() {
		Fixtures f = synReceived("linux");
		assertThat(inject(f, Side.CLIENT, 1001 + 100, null, 0, TcpFlag.SYN)).containsExactly("client SYN",
				"server RST,ACK");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
	}

	// synReceived · rfc9293 · 3 · 10 · 7 · 4 · rfc5961 ·
	// rstNotAtRcvNxtDrawsChallengeAckAndExactRstReturnsToListen
	@Test
	void shouldChallengeAnRstNotAtRcvNxtAndReturnToListenOnAnExactRstInSynReceivedOnRfc9293() {
		Fixtures f = synReceived("rfc9293");
		assertThat(inject(f, Side.CLIENT, 1001 + 100, null, 0, TcpFlag.RST)).containsExactly("client RST",
				"server ACK");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.SYN_RECEIVED);
		long since = f.sim.nextSeq();
		assertThat(inject(f, Side.CLIENT, 1001, null, 0, TcpFlag.RST)).containsExactly("client RST");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("BACK_TO_LISTEN");
		assertThat(f.sim.pair(f.pair).listener().state()).isEqualTo(TcpState.LISTEN);
	}

	// synReceived · rfc9293 · 3 · 10 · 7 · 4 · fourth ·
	// synReturnsPassiveOpenToListenWithoutReply
	@Test
	void shouldReturnAPassiveOpenToListenWithoutReplyOnASynInSynReceivedOnRfc9293() {
		Fixtures f = synReceived("rfc9293");
		long since = f.sim.nextSeq();
		assertThat(inject(f, Side.CLIENT, 1001 + 100, null, 0, TcpFlag.SYN)).containsExactly("client SYN");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("BACK_TO_LISTEN").doesNotContain("CHALLENGE_ACK");
	}

	// ---- 11. a FIN after a gap draws an immediate duplicate ACK ----

	// established · 3 · 10 · 7 · 4 · rfc5681 · 4 · 2 ·
	// finAfterGapDrawsImmediateDuplicateAck
	@Test
	void shouldAnswerAFinAfterAGapWithAnImmediateDuplicateAckInEstablished() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.FIN, TcpFlag.ACK), 5001L + 100, 1001L, 0));
		f.sim.advance(10);
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("server FIN,ACK", "client ACK");
		assertThat(sent.get(1).ack()).isEqualTo(5001L);
		assertThat(sent.get(1).timeMs()).isEqualTo(sent.get(0).timeMs() + 10);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.ESTABLISHED);
	}

	// ---- 13. TIME_WAIT is restarted by ACK-bearing segments (Linux) ----

	private static double timeWaitDeadline(Fixtures f) {
		return f.ep(Side.CLIENT).timers().get(0).expiresAtMs();
	}

	// timeWait · linux · tcpTimewaitStateProcess · bareAckAtRcvNxtRestartsTimerSilently
	@Test
	void shouldRestartTheTimerSilentlyOnABareAckAtRcvNxtInTimeWaitOnLinux() {
		Fixtures f = Fixtures.established().timeWait();
		f.sim.advance(1_000);
		assertThat(inject(f, Side.SERVER, CLIENT_TW_RCV_NXT, 1002L, 0, TcpFlag.ACK)).containsExactly("server ACK");
		assertThat(timeWaitDeadline(f)).isEqualTo(f.sim.nowMs() - 10 + 60_000);
	}

	// timeWait · linux · tcpTimewaitStateProcess ·
	// outOfWindowAckIsAnsweredAndRestartsTimer
	@Test
	void shouldAnswerAnOutOfWindowAckAndRestartTheTimerInTimeWaitOnLinux() {
		Fixtures f = Fixtures.established().timeWait();
		f.sim.advance(1_000);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.ACK), CLIENT_TW_RCV_NXT + 70_000, 1002L, 0));
		// (the reply then reaches the closed server, whose RST would end it)
		f.sim.advance(15);
		assertThat(f.sentSince(since)).containsExactly("server ACK", "client ACK");
		assertThat(timeWaitDeadline(f)).isEqualTo(f.sim.nowMs() - 5 + 60_000);
	}

	// timeWait · rfc9293 · 3 · 10 · 7 · 4 · bareAckDoesNotRestartTimer
	@Test
	void shouldNotRestartTheTimerOnABareAckInTimeWaitOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", Map.of()).timeWait();
		double deadline = timeWaitDeadline(f);
		f.sim.advance(1_000);
		assertThat(inject(f, Side.SERVER, CLIENT_TW_RCV_NXT, 1002L, 0, TcpFlag.ACK)).containsExactly("server ACK");
		assertThat(timeWaitDeadline(f)).isEqualTo(deadline);
	}

	// ---- 14. a SYN reopening TIME_WAIT starts the new sequence space above the old ----

	/** ISS of the server's SYN,ACK when the client reconnects from port 40000. */
	private static long reopenedIss(String profile) {
		Fixtures f = Fixtures.established(profile, Map.of());
		f.close(Side.SERVER);
		f.sim.advance(300);
		f.recv(Side.CLIENT);
		f.close(Side.CLIENT);
		f.sim.advance(100);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.TIME_WAIT);
		long since = f.sim.nextSeq();
		f.sim.openPair(80, 40000, false, true);
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("TIME_WAIT_REOPENED");
		return Fixtures.segments(f.sim.eventsSince(since), "sent")
			.stream()
			.filter(s -> Fixtures.brief(s).equals("server SYN,ACK"))
			.findFirst()
			.orElseThrow()
			.tcpSeq();
	}

	// timeWaitReopen · linux · tcpTimewaitStateProcess · issIsOldSndNxtPlus65537
	@Test
	void shouldChooseTheOldSndNxtPlus65537AsIssInTimeWaitReopenOnLinux() {
		// the old server SND.NXT: ISS 5000 + SYN + FIN
		assertThat(reopenedIss("linux")).isEqualTo(5002 + 65537);
	}

	// timeWaitReopen · rfc1122 · 4 · 2 · 2 · 13 · issIsAboveTheOldSndNxt
	@Test
	void shouldChooseAnIssAboveTheOldSndNxtInTimeWaitReopen() {
		assertThat(reopenedIss("rfc9293")).isGreaterThan(5002);
	}

	// ---- 2. no retransmission timer with nothing outstanding ----

	// finWait2 · rfc6298 · 5 · 2 · finResentAfterItsAckArmsNoTimerAndHalfCloseLivesOn
	@Test
	void shouldArmNoTimerForAFinResentAfterItsAckSoTheHalfCloseLivesOnInFinWait2() {
		Fixtures f = Fixtures.established();
		f.shutdown(Side.CLIENT, "SHUT_WR");
		f.sim.advance(300);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		long since = f.sim.nextSeq();
		assertThat(f.apply(new PairEvent.ResendFin(Side.CLIENT)).result()).isEqualTo("ok");
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK");
		assertThat(f.ep(Side.CLIENT).timers()).isEmpty();
		f.sim.advance(2_000_000);
		// shutdown(SHUT_WR) only: FIN_WAIT_2 waits for the peer's FIN forever
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
	}

	// ---- 4. close() during connect() does not report the connect as successful ----

	// synSent · 3 · 10 · 4 · closeWhileConnectBlocksFailsTheConnect
	@Test
	void shouldFailABlockedConnectWhenCloseIsCalledInSynSent() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		Fixtures f = new Fixtures(sim, sim.openPair(80, 40000, false, false).id());
		long since = sim.nextSeq();
		assertThat(f.close(Side.CLIENT)).isEqualTo(0);
		List<TraceEvent> ev = sim.eventsSince(since);
		TraceEvent.Call connect = Fixtures.firstCompletedCall(ev);
		assertThat(connect.call()).isEqualTo("connect");
		assertThat(connect.result()).isEqualTo("ECONNABORTED");
		assertThat(Fixtures.states(ev)).containsExactly("client SYN_SENT>CLOSED");
	}

	// ---- 15. shutdown(SHUT_WR) in SYN_SENT aborts the connect ----

	// synSent · linux · inetShutdown · shutdownWrAbortsTheConnectAndReturnsZero
	@Test
	void shouldAbortTheConnectAndReturnZeroOnShutdownWrInSynSentOnLinux() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		Fixtures f = new Fixtures(sim, sim.openPair(80, 40000, false, false).id());
		long since = sim.nextSeq();
		assertThat(f.shutdown(Side.CLIENT, "SHUT_WR")).isEqualTo(0);
		List<TraceEvent> ev = sim.eventsSince(since);
		assertThat(Fixtures.states(ev)).containsExactly("client SYN_SENT>CLOSED");
		TraceEvent.Call connect = Fixtures.firstCompletedCall(ev);
		assertThat(connect.call()).isEqualTo("connect");
		assertThat(connect.result()).isEqualTo("ECONNRESET");
		// the SYN still reaches the server; its SYN,ACK finds no connection: RST
		sim.advance(30);
		assertThat(f.sentSince(since)).containsExactly("server SYN,ACK", "client RST");
	}

	// ---- 9. tcp_synack_retries = 5 ----

	// synReceived · linux · tcpSynackRetries ·
	// synAckIsRetransmittedFiveTimesThenTheRequestIsDropped
	@Test
	void shouldRetransmitTheSynAckFiveTimesThenDropTheRequestInSynReceivedOnLinux() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		Fixtures f = new Fixtures(sim, sim.openPair(80, 40000, false, false).id());
		f.apply(new PairEvent.Fault(Side.SERVER, PairEvent.FaultAction.DROP, SegmentMatch.SYN, 100, 0, 0));
		f.apply(new PairEvent.Fault(Side.CLIENT, PairEvent.FaultAction.DROP, SegmentMatch.SYN, 100, 0, 0));
		sim.advance(10);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.SYN_RECEIVED);
		sim.advance(70_000);
		// 1 + 5 retransmissions at +1, +3, +7, +15, +31 s; given up at +63 s
		assertThat(Fixtures.finsSent(sim, null, 0)).isEmpty();
		List<Double> synAcks = Fixtures.segments(sim.eventsSince(0), "sent")
			.stream()
			.filter(s -> Fixtures.brief(s).equals("server SYN,ACK"))
			.map(s -> s.timeMs() - 10)
			.toList();
		assertThat(synAcks).containsExactly(0.0, 1_000.0, 3_000.0, 7_000.0, 15_000.0, 31_000.0);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(Fixtures.states(sim.eventsSince(0))).contains("server SYN_RECEIVED>CLOSED");
	}

	// ---- 17. one timer event per RTO/TLP firing ----

	// lastAck · rfc6298 · 5 · 5 · eachRetransmissionTimeoutLogsFiredThenOneArmed
	@Test
	void shouldLogFiredThenOneArmedForEachRetransmissionTimeoutInLastAck() {
		Fixtures f = Fixtures.established().finWait2();
		f.recv(Side.SERVER);
		f.fault(Side.SERVER, PairEvent.FaultAction.DROP, SegmentMatch.FIN, 3);
		long since = f.sim.nextSeq();
		f.close(Side.SERVER);
		f.sim.advance(3_000);
		List<String> actions = Fixtures.timers(f.sim.eventsSince(since), "RETRANSMIT")
			.stream()
			.filter(t -> t.endpoint().equals("server"))
			.map(TraceEvent.Timer::action)
			.toList();
		assertThat(actions).containsExactly("armed", "fired", "armed", "fired", "armed", "fired", "armed", "cancelled");
	}

	// ---- docs/tcp-facts.md: tail loss probe only when it comes before the RTO ----

	/** Offsets of the server's FIN sends in LAST_ACK while every FIN is lost. */
	private static List<Double> lostFinSchedule(double latencyMs) {
		Simulation sim = new Simulation(
				SimulationConfig.of("linux", 7, Map.of()).withPinnedIsn(true).withLatencyMs(latencyMs));
		Fixtures f = new Fixtures(sim, sim.openPair(80, 40000, false, true).id());
		f.sim.advance(100);
		f.close(Side.CLIENT);
		f.sim.advance(300);
		f.recv(Side.SERVER);
		f.fault(Side.SERVER, PairEvent.FaultAction.DROP, SegmentMatch.FIN, 10);
		double t0 = sim.nowMs();
		f.close(Side.SERVER);
		sim.advance(4_000);
		return Fixtures.finsSent(sim, "server", t0);
	}

	// lastAck · linux · tcpScheduleLossProbe · with20msRttTheProbeIsClampedToTheRto
	@Test
	void shouldClampTheProbeToTheRtoThenDoubleWithA20msRttInLastAckOnLinux() {
		// RTT 20 ms, SACK negotiated: PTO = 2·20 + 200 = 240 ms > RTO = 20 + 200 = 220
		// ms,
		// so the probe is clamped to the RTO and does not back it off (docs/tcp-facts.md,
		// corrected 2026-12-06): 220, 220, then doubling
		assertThat(lostFinSchedule(10)).containsExactly(0.0, 220.0, 440.0, 880.0, 1760.0, 3520.0);
	}

	// lastAck · linux · tcpScheduleLossProbe · onLoopbackTheProbeFiresThenTheRtoDoubles
	@Test
	void shouldFireTheProbeThenDoubleTheRtoOnLoopbackInLastAckOnLinux() {
		// RTT 0: PTO = 200 ms = RTO: the probe at +200, then RTOs 200, 400, 800, 1600 ms
		assertThat(lostFinSchedule(0)).containsExactly(0.0, 200.0, 400.0, 800.0, 1600.0, 3200.0);
	}

	// ---- 12. challenge ACKs are rate-limited (Linux: one per 500 ms per socket) ----

	// established · linux · tcpSendChallengeAck · rfc5961 · 7 · oneChallengeAckPer500ms
	@Test
	void shouldSendAtMostOneChallengeAckPer500msInEstablishedOnLinux() {
		Fixtures f = Fixtures.established();
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), 5001L + 100, null, 0));
		f.sim.advance(100);
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), 5001L + 200, null, 0));
		f.sim.advance(100);
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.SYN), 5001L + 300, null, 0));
		f.sim.advance(400);
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), 5001L + 400, null, 0));
		f.sim.advance(100);
		assertThat(f.sentSince(since)).containsExactly("server RST", "client ACK", "server RST", "server SYN",
				"server RST", "client ACK");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.ESTABLISHED);
	}

	// established · rfc9293 · everyInWindowRstDrawsAChallengeAck
	@Test
	void shouldAnswerEveryInWindowRstWithAChallengeAckInEstablishedOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", Map.of());
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), 5001L + 100, null, 0));
		f.sim.advance(100);
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.RST), 5001L + 200, null, 0));
		f.sim.advance(100);
		assertThat(f.sentSince(since)).containsExactly("server RST", "client ACK", "server RST", "client ACK");
	}

	// timeWait · linux · tcpTimewaitCheckOowRateLimit · oneAckPer500ms
	@Test
	void shouldSendAtMostOneAckPer500msInTimeWaitOnLinux() {
		Fixtures f = Fixtures.established().timeWait();
		long since = f.sim.nextSeq();
		// out-of-window SYNs below RCV.NXT: TIME_WAIT answers the first with its ACK only
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.SYN), CLIENT_TW_RCV_NXT - 10, null, 0));
		f.sim.advance(15);
		f.apply(new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.SYN), CLIENT_TW_RCV_NXT - 20, null, 0));
		f.sim.advance(15);
		// the second SYN (at +15 ms) draws nothing; the RST is the closed server's answer
		// to the first ACK
		assertThat(f.sentSince(since)).containsExactly("server SYN", "client ACK", "server SYN", "server RST");
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("ACK_RATE_LIMITED");
	}

	// ---- 18. SND.WL1/SND.WL2 guard the send-window update ----

	// established · 3 · 10 · 7 · 4 · fifth · olderSegmentDoesNotResetTheSendWindow
	@Test
	void shouldKeepTheSendWindowWhenAnOlderSegmentArrivesInEstablished() {
		Fixtures f = Fixtures.established("linux", Map.of("windowBytes", 2000, "mss", 1000));
		f.send(Side.CLIENT, 2000); // fills the server's window: it advertises 0
		f.sim.advance(100);
		assertThat(f.ep(Side.CLIENT).sndWnd()).isZero();
		// A (data, window 0) is delayed; B (window update 2000, later sequence) overtakes
		f.apply(new PairEvent.Fault(Side.SERVER, PairEvent.FaultAction.DELAY, SegmentMatch.DATA, 1, 0, 50));
		f.send(Side.SERVER, 100);
		assertThat(f.recv(Side.SERVER)).isEqualTo(2000);
		f.sim.advance(20);
		assertThat(f.ep(Side.CLIENT).sndWnd()).isEqualTo(2000);
		f.sim.advance(60); // A arrives: SEG.SEQ < SND.WL1, the window stays
		assertThat(f.recv(Side.CLIENT)).isEqualTo(100);
		assertThat(f.ep(Side.CLIENT).sndWnd()).isEqualTo(2000);
		long since = f.sim.nextSeq();
		f.send(Side.CLIENT, 500);
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=500");
	}

	// ---- 8 (part). a bare FIN at RCV.NXT is accepted at zero window (Linux) ----

	// established · linux · tcpDataQueue · bareFinAtZeroWindowIsAccepted
	@Test
	void shouldAcceptABareFinAtAZeroWindowInEstablishedOnLinux() {
		Fixtures f = Fixtures.established("linux", Map.of("windowBytes", 1000, "mss", 1000));
		f.send(Side.CLIENT, 1000); // the server does not read: its window is 0
		f.sim.advance(100);
		// a Linux sender would hold its FIN (below); "some stacks are known to send bare
		// FIN packets in a loop even if we send RWIN 0"
		inject(f, Side.CLIENT, 2001, 5001L, 0, TcpFlag.FIN, TcpFlag.ACK);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
	}

	// established · rfc9293 · 3 · 10 · 7 · 4 · first · bareFinAtZeroWindowIsNotAcceptable
	@Test
	void shouldRefuseABareFinAtAZeroWindowInEstablishedOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", Map.of("windowBytes", 1000, "mss", 1000));
		f.send(Side.CLIENT, 1000);
		f.sim.advance(300);
		f.close(Side.CLIENT);
		f.sim.advance(10);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.ESTABLISHED);
	}

	// ---- 16. Linux quick-ACK mode and interactive (pingpong) mode ----

	/**
	 * Injects {@code count} back-to-back client data segments of {@code len} bytes from
	 * SEQ {@code seq}, 11 ms apart (each arrives before the next leaves); answers, per
	 * segment, whether the server's ACK left before the next one.
	 */
	private static List<Boolean> ackedAtOnce(Fixtures f, long seq, int count, int len, TcpFlag... flags) {
		List<Boolean> out = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			long since = f.sim.nextSeq();
			f.apply(new PairEvent.Inject(Side.CLIENT, List.of(flags), seq + (long) i * len, 5001L, len));
			f.sim.advance(11);
			out.add(f.sentSince(since).contains("server ACK"));
		}
		return out;
	}

	// established · linux · tcpIncrQuickack · tcpInQuickackMode ·
	// sixteenQuickAcksThenDelayed (packetdrill quick-ack-sixteen-then-delayed.pkt passes
	// on the kernel)
	@Test
	void shouldQuickAckSixteenSegmentsThenDelayTheSeventeenthInEstablishedOnLinux() {
		Fixtures f = Fixtures.established();
		List<Boolean> acked = ackedAtOnce(f, 1001, 17, 1000, TcpFlag.ACK);
		assertThat(acked.subList(0, 16)).as("TCP_MAX_QUICKACKS immediate ACKs").containsOnly(true);
		assertThat(acked.get(16)).as("the 17th waits for the delayed-ACK timer").isFalse();
		long since = f.sim.nextSeq();
		f.sim.advance(40);
		assertThat(f.sentSince(since)).containsExactly("server ACK");
		assertThat(Fixtures.timers(f.sim.eventsSince(since), "DELAYED_ACK"))
			.extracting(t -> t.endpoint() + " " + t.action())
			.contains("server fired");
	}

	// established · rfc1122 · 4 · 2 · 3 · 2 · everySecondSegment (no quick ACKs off
	// linux)
	@Test
	void shouldAckEverySecondSegmentFromTheFirstInEstablishedOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", Map.of());
		assertThat(ackedAtOnce(f, 1001, 4, 1000, TcpFlag.ACK)).containsExactly(false, true, false, true);
	}

	/**
	 * One request/response exchange: the server replies 1 ms after the request arrived,
	 * within the ACK timeout, so the connection is interactive (Linux
	 * tcp_event_data_sent).
	 */
	private static Fixtures interactive(Fixtures f) {
		f.send(Side.CLIENT, 100);
		f.sim.advance(11);
		f.recv(Side.SERVER);
		f.send(Side.SERVER, 100);
		f.sim.advance(100);
		f.recv(Side.CLIENT);
		return f;
	}

	// established · linux · tcpEventDataSent · pingpong · nextRequestAckIsDelayed
	// (packetdrill pingpong-delayed-ack.pkt passes on the kernel)
	@Test
	void shouldDelayTheAckOfTheNextRequestAfterAReplyInEstablishedOnLinux() {
		Fixtures f = interactive(Fixtures.established());
		long since = f.sim.nextSeq();
		f.send(Side.CLIENT, 100);
		f.sim.advance(11);
		assertThat(f.sentSince(since)).as("interactive: the ACK waits to ride on a reply")
			.containsExactly("client PSH,ACK len=100");
		// until the ACK is back: a second short write before it would be held (Nagle)
		f.sim.advance(50);
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100", "server ACK");
		// the delayed ACK that had to fire ends interactive mode
		// (tcp_delack_timer_handler)
		long next = f.sim.nextSeq();
		f.recv(Side.SERVER);
		f.send(Side.CLIENT, 100);
		f.sim.advance(11);
		assertThat(f.sentSince(next)).containsExactly("client PSH,ACK len=100", "server ACK");
	}

	// established · linux · tcpEventDataSent · pingpong · replyCarriesTheAck
	@Test
	void shouldCarryTheAckOnAReplyWithinTheDelayInEstablishedOnLinux() {
		Fixtures f = interactive(Fixtures.established());
		long since = f.sim.nextSeq();
		f.send(Side.CLIENT, 100);
		f.sim.advance(20);
		f.recv(Side.SERVER);
		f.send(Side.SERVER, 100);
		f.sim.advance(100);
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100", "server PSH,ACK len=100",
				"client ACK");
	}

	// established · linux · tcpCleanupRbuf · readEmptyingPushedDataAcksAtOnce
	// (packetdrill ack-at-read-after-quick-acks.pkt passes on the kernel)
	@Test
	void shouldAckWhenTheReadEmptiesPushedDataInEstablishedOnLinux() {
		Fixtures f = Fixtures.established();
		assertThat(ackedAtOnce(f, 1001, 16, 1000, TcpFlag.ACK)).containsOnly(true);
		f.recv(Side.SERVER);
		assertThat(ackedAtOnce(f, 17001, 1, 100, TcpFlag.PSH, TcpFlag.ACK)).containsExactly(false);
		long since = f.sim.nextSeq();
		f.recv(Side.SERVER);
		assertThat(f.sentSince(since)).containsExactly("server ACK");
	}

	// established · linux · tcpDataQueue · gapFilledAcksAtOnce · rfc5681 · 4 · 2
	@Test
	void shouldAckAtOnceWhenTheGapBeforeAFinIsFilledInEstablishedOnLinux() {
		Fixtures f = Fixtures.established().afterData();
		long seq = 1101; // after the request of afterData
		inject(f, Side.CLIENT, seq + 100, 5201L, 0, TcpFlag.FIN, TcpFlag.ACK);
		f.sim.advance(100); // past the duplicate ACK
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.PSH, TcpFlag.ACK), seq, 5201L, 100));
		f.sim.advance(11);
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100", "server ACK");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
	}

	// ---- 8 (rest). zero window: the ACK field still counts; the sender probes ----

	// established · rfc9293 · 3 · 10 · 7 · 4 · first ·
	// ackFieldOfDataAtZeroWindowIsProcessed ("special allowance should be made to accept
	// valid ACKs"; BSD tcp_input, Linux tcp_data_queue zero-window drop)
	@Test
	void shouldProcessTheAckFieldOfDataAtAZeroWindowInEstablished() {
		for (String profile : List.of("linux", "rfc9293")) {
			Fixtures f = Fixtures.established(profile, Map.of("windowBytes", 1000, "mss", 1000));
			f.send(Side.CLIENT, 1000); // the server does not read: its window is 0
			f.sim.advance(300);
			f.lose(Side.CLIENT, SegmentMatch.ACK);
			f.send(Side.SERVER, 100); // the client's ACK of it is lost
			f.sim.advance(15);
			long since = f.sim.nextSeq();
			// the client's next data carries the ACK; the server has no room for the text
			f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.PSH, TcpFlag.ACK), 2001L, 5101L, 100));
			f.sim.advance(5000);
			assertThat(f.ep(Side.SERVER).sndUna()).as(profile + ": SND.UNA after the ACK field").isEqualTo(5101L);
			assertThat(f.sentSince(since)).as(profile + ": no retransmission of acknowledged data")
				.doesNotContain("server PSH,ACK len=100");
			assertThat(f.ep(Side.SERVER).rcvNxt()).as(profile + ": the text is dropped").isEqualTo(2001L);
			assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("ZERO_WINDOW_DROP");
		}
	}

	// finWait1 · linux · tcpSndWndTest · tcpProbeTimer · finWaitsBehindZeroWindow
	// (packetdrill zero-window-fin-waits-for-probe.pkt passes on the kernel)
	@Test
	void shouldHoldTheFinBehindAZeroWindowAndProbeInFinWait1OnLinux() {
		Fixtures f = Fixtures.established("linux", Map.of("windowBytes", 1000, "mss", 1000));
		f.send(Side.CLIENT, 1000);
		f.sim.advance(300); // ACKed with window 0
		long since = f.sim.nextSeq();
		f.close(Side.CLIENT);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_1);
		f.sim.advance(1000);
		List<String> sent = f.sentSince(since);
		assertThat(sent).as("no FIN while the window is 0; probes answered with window 0")
			.doesNotContain("client FIN,ACK")
			.containsSubsequence("client ACK", "server ACK", "client ACK");
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("WINDOW_PROBE");
		assertThat(Fixtures.timers(f.sim.eventsSince(since), "PERSIST")).isNotEmpty();
		// the server reads: its window update lets the FIN out
		long read = f.sim.nextSeq();
		f.recv(Side.SERVER);
		f.sim.advance(100);
		assertThat(f.sentSince(read)).containsSubsequence("server ACK", "client FIN,ACK");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
	}

	// established · rfc9293 · 3 · 8 · 6 · 1 · zeroWindowProbingSurvivesALostWindowUpdate
	@Test
	void shouldProbeAZeroWindowWhenTheWindowUpdateIsLostInEstablished() {
		for (String profile : StackConstants.PROFILES) {
			Fixtures f = Fixtures.established(profile, Map.of("windowBytes", 1000, "mss", 1000));
			f.send(Side.CLIENT, 2000); // 1000 leave, 1000 wait for window
			f.sim.advance(1500);
			assertThat(f.ep(Side.CLIENT).sendBuffered()).as(profile).isEqualTo(1000);
			f.lose(Side.SERVER, SegmentMatch.ACK);
			f.recv(Side.SERVER); // the window update is lost
			f.sim.advance(60_000);
			assertThat(f.ep(Side.SERVER).recvBuffered()).as(profile + ": the probe found the open window")
				.isEqualTo(1000);
			assertThat(f.ep(Side.CLIENT).sendBuffered()).as(profile).isZero();
		}
	}

	// ---- bsd: FreeBSD's RTO keeps tcp_rexmit_slop above the peer's delayed ACK ----

	// established · bsd · freebsd · TCPT_RANGESET · tcpRexmitSlop ·
	// noSpuriousRetransmission
	@Test
	void shouldNotRetransmitBeforeTheDelayedAckInEstablishedOnBsd() {
		Fixtures f = Fixtures.established("bsd", Map.of());
		long since = f.sim.nextSeq();
		f.send(Side.CLIENT, 100);
		f.sim.advance(400);
		// RTO = max(30 ms, SRTT 20 + 4·RTTVAR 40 + slop 200) = 260 ms > delayed ACK 100
		// ms
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100", "server ACK");
		assertThat(f.sent()).noneMatch(TraceEvent.Segment::retransmission);
	}

	// ---- out-of-order data is held for later ----

	// established · rfc9293 · 3 · 10 · 7 · 4 · seventh · heldForLaterProcessing · rfc5681
	// · 4 · 2 · linux · tcpDataQueueOfo (packetdrill out-of-order-data-queued.pkt passes
	// on the kernel)
	@Test
	void shouldHoldDataAfterAGapAndAckItAllWhenTheGapIsFilledInEstablished() {
		for (String profile : StackConstants.PROFILES) {
			Fixtures f = Fixtures.established(profile, Map.of());
			long since = f.sim.nextSeq();
			f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.PSH, TcpFlag.ACK), 1101L, 5001L, 100));
			f.sim.advance(11);
			assertThat(f.sentSince(since)).as(profile + ": an immediate duplicate ACK")
				.containsExactly("client PSH,ACK len=100", "server ACK");
			assertThat(f.ep(Side.SERVER).rcvNxt()).isEqualTo(1001L);
			long fill = f.sim.nextSeq();
			f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.PSH, TcpFlag.ACK), 1001L, 5001L, 100));
			f.sim.advance(11);
			assertThat(f.sentSince(fill)).as(profile + ": the gap filled is ACKed at once")
				.containsExactly("client PSH,ACK len=100", "server ACK");
			assertThat(f.ep(Side.SERVER).rcvNxt()).as(profile).isEqualTo(1201L);
			assertThat(f.recv(Side.SERVER)).as(profile).hasToString("200");
		}
	}

}
