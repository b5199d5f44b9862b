package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * Engine behaviour that packetdrill runs against the real Linux kernel forced (issue 15;
 * each case is recorded in docs/engine.md, "Checked against the real kernel").
 */
class KernelFindingsTest {

	/**
	 * Linux {@code tcp_push()} marks only the last skb of a write with PSH: a 4000-byte
	 * write with MSS 1460 leaves as ". 1460", ". 1460", "P. 1080" (packetdrill,
	 * linger-default exported, Linux 6.18).
	 */
	// tcpPush · onlyTheSegmentThatEmptiesTheSendQueueCarriesPsh
	@Test
	void shouldSetPshOnlyOnTheSegmentThatEmptiesTheSendQueueInTcpPush() {
		// measured with <mss 1460> and no timestamps (with them a segment holds 1448)
		Fixtures f = Fixtures.established("linux", Map.of("timestamps", false));
		long since = f.sim.nextSeq();
		assertThat(f.send(Side.CLIENT, 4000)).isEqualTo(4000);
		assertThat(f.sentSince(since)).containsExactly("client ACK len=1460", "client ACK len=1460",
				"client PSH,ACK len=1080");
	}

	/**
	 * A retransmitted segment keeps the PSH it had (Linux resends the skb as it was): the
	 * first of two segments is resent without PSH.
	 */
	// tcpRetransmitSkb · resentHeadSegmentHasNoPshWhenMoreDataFollowed
	@Test
	void shouldResendTheHeadSegmentWithoutPshWhenMoreDataFollowedInTcpRetransmitSkb() {
		// measured with <mss 1460> and no timestamps (with them a segment holds 1448)
		Fixtures f = Fixtures.established("linux", Map.of("timestamps", false));
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.DATA, 1);
		long since = f.sim.nextSeq();
		f.send(Side.CLIENT, 2000);
		f.sim.advance(1_000);
		assertThat(f.sentSince(since)).startsWith("client ACK len=1460", "client PSH,ACK len=540");
		assertThat(Fixtures.segments(f.sim.eventsSince(since), "sent")
			.stream()
			.filter(TraceEvent.Segment::retransmission)
			.map(Fixtures::brief)).first().isEqualTo("client ACK len=1460");
	}

	/**
	 * Data reaching an orphan (the application closed; FIN_WAIT_2) draws a reset built
	 * from that segment: Linux {@code tcp_rcv_state_process} aborts (TCPAbortOnData) and
	 * {@code tcp_v4_send_reset} answers {@code <SEQ=SEG.ACK><CTL=RST>} — a bare RST, no
	 * ACK (packetdrill on Linux 6.18: "R 102:102(0)", not "R. … ack 1").
	 */
	// tcpAbortOnData · dataToAnOrphanDrawsABareRstAtSegAck
	@Test
	void shouldAnswerDataToAnOrphanWithABareRstAtSegAckInTcpAbortOnData() {
		Fixtures f = Fixtures.established().finWait2();
		long since = f.sim.nextSeq();
		f.send(Side.SERVER, 10);
		f.sim.advance(50);
		assertThat(f.sentSince(since)).containsExactly("server PSH,ACK len=10", "client RST");
		TraceEvent.Segment rst = Fixtures.segments(f.sim.eventsSince(since), "sent").get(1);
		TraceEvent.Segment data = Fixtures.segments(f.sim.eventsSince(since), "sent").get(0);
		assertThat(rst.tcpSeq()).isEqualTo(data.ack());
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
	}

	/**
	 * A FIN after a gap draws a duplicate ACK at once (issue 14 #11); Linux keeps it in
	 * the out-of-order queue, so when the gap is filled one ACK covers data and FIN
	 * (tcp_ofo_queue; packetdrill fin-after-gap-dup-ack.pkt on Linux 6.18).
	 */
	// tcpOfoQueue · finAfterAGapIsTakenWhenTheGapIsFilled
	@Test
	void shouldTakeAFinAfterAGapWhenTheGapIsFilledInTcpOfoQueue() {
		Fixtures f = Fixtures.established();
		var c = f.ep(Side.CLIENT);
		long since = f.sim.nextSeq();
		f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(TcpFlag.FIN, TcpFlag.ACK), c.sndNxt() + 100, null,
				0));
		f.sim.advance(20);
		f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(TcpFlag.PSH, TcpFlag.ACK), c.sndNxt(), null, 100));
		f.sim.advance(20);
		var acks = Fixtures.segments(f.sim.eventsSince(since), "sent")
			.stream()
			.filter(s -> s.from().equals("server"))
			.toList();
		assertThat(acks).extracting(TraceEvent.Segment::relAck).containsExactly(1L, 102L);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
	}

	/**
	 * Linux {@code tcp_oow_rate_limited} exempts segments with seq != end_seq: every
	 * retransmitted FIN reaching CLOSE_WAIT is ACKed, however close together
	 * (packetdrill, linger-timeout server side: FINs at +220 and +440 ms both draw an
	 * ACK).
	 */
	// tcpOowRateLimited · retransmittedFinsAreAlwaysAcked
	@Test
	void shouldAlwaysAckRetransmittedFinsInTcpOowRateLimited() {
		Fixtures f = Fixtures.established().finWait2();
		var c = f.ep(Side.CLIENT);
		long since = f.sim.nextSeq();
		for (int i = 0; i < 3; i++) {
			f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(TcpFlag.FIN, TcpFlag.ACK), c.sndNxt() - 1, null,
					0));
			f.sim.advance(200);
		}
		assertThat(Fixtures.segments(f.sim.eventsSince(since), "sent")
			.stream()
			.filter(s -> s.from().equals("server"))
			.map(Fixtures::brief)).containsExactly("server ACK", "server ACK", "server ACK");
	}

	/**
	 * The client injects a segment in sequence whose ACK (5101) acknowledges 100 bytes
	 * the server never sent (pinned ISNs: client 1000, server 5000), then 100 ms pass.
	 */
	private static void ackOfUnsentData(Fixtures f, TcpFlag... flags) {
		f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(flags), 1001L, 5101L, 0));
		f.sim.advance(100);
	}

	/**
	 * RFC 9293 §3.10.7.4 fifth: "If the ACK acks something not yet sent (SEG.ACK &gt;
	 * SND.NXT), then send an ACK, drop the segment, and return." Linux {@code tcp_ack}
	 * does exactly that, as a challenge ACK rate-limited to one per 500 ms
	 * ({@code tcp_send_challenge_ack}; packetdrill
	 * established-ack-of-unsent-data-answered.pkt with --strict_segments on Linux 6.18):
	 * a second such ACK, even one carrying a FIN, draws nothing, and the FIN is not
	 * taken.
	 */
	// tcpAck · tcpSendChallengeAck · ackOfUnsentDataIsAnsweredOncePer500ms
	@Test
	void shouldAnswerAnAckOfUnsentDataOncePer500msInTcpAckOnLinux() {
		Fixtures f = Fixtures.established("linux", java.util.Map.of());
		long since = f.sim.nextSeq();
		// pinned ISNs: client 1000, server 5000; the server has sent nothing yet
		ackOfUnsentData(f, TcpFlag.ACK);
		ackOfUnsentData(f, TcpFlag.FIN, TcpFlag.ACK);
		assertThat(f.sentSince(since)).containsExactly("client ACK", "server ACK", "client FIN,ACK");
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.ESTABLISHED);
		f.sim.advance(500);
		ackOfUnsentData(f, TcpFlag.ACK);
		assertThat(f.sentSince(since)).endsWith("client ACK", "server ACK");
	}

	/**
	 * The same on rfc9293, whose challenge ACKs have no rate limit: every one is
	 * answered.
	 */
	// RFC 9293 §3.10.7.4 fifth · ackOfUnsentDataIsAnswered
	@Test
	void shouldAnswerEveryAckOfUnsentDataOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", java.util.Map.of());
		long since = f.sim.nextSeq();
		ackOfUnsentData(f, TcpFlag.ACK);
		ackOfUnsentData(f, TcpFlag.ACK);
		assertThat(f.sentSince(since)).containsExactly("client ACK", "server ACK", "client ACK", "server ACK");
	}

	/**
	 * RFC 9293 §3.10.7.4 second for CLOSE-WAIT as Linux {@code tcp_reset} does it: an RST
	 * at RCV.NXT after the peer's FIN leaves EPIPE (not ECONNRESET) for the next write(),
	 * and read() keeps returning 0, the EOF having been seen ({@code tcp_recvmsg_locked}
	 * checks SOCK_DONE before sk_err); packetdrill close-wait-rst-epipe.pkt on Linux
	 * 6.18.
	 */
	// tcpReset · closeWait · epipeForWriteZeroForRead
	@Test
	void shouldLeaveEpipeForWriteAndZeroForReadAfterRstInCloseWaitInTcpResetOnLinux() {
		Fixtures f = Fixtures.established().finWait2();
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
		f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(TcpFlag.RST, TcpFlag.ACK), null, null, 0));
		f.sim.advance(20);
		assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		assertThat(f.send(Side.SERVER, 10)).isEqualTo("EPIPE");
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		assertThat(f.send(Side.SERVER, 10)).isEqualTo("EPIPE");
	}

	/** The same on rfc9293: the next call gets the "reset" response, ECONNRESET. */
	// RFC 9293 §3.10.7.4 second · closeWait · resetResponse
	@Test
	void shouldAnswerEconnresetToTheNextCallAfterRstInCloseWaitOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", java.util.Map.of()).finWait2();
		assertThat(f.recv(Side.SERVER)).isEqualTo(0);
		f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(TcpFlag.RST, TcpFlag.ACK), null, null, 0));
		f.sim.advance(20);
		assertThat(f.recv(Side.SERVER)).isEqualTo("ECONNRESET");
		assertThat(f.send(Side.SERVER, 10)).isEqualTo("EPIPE");
	}

	/**
	 * After an RST in ESTABLISHED the error is reported once (Linux {@code tcp_reset}
	 * sets sk_err = ECONNRESET, {@code sock_error} clears it): write() → ECONNRESET, then
	 * EPIPE; read() → 0; shutdown() → ENOTCONN. packetdrill
	 * established-rst-errno-once.pkt.
	 */
	// tcpReset · established · errorReportedOnce
	@Test
	void shouldReportEconnresetOnceThenEpipeAfterRstInEstablishedInTcpReset() {
		for (String profile : StackConstants.PROFILES) {
			Fixtures f = Fixtures.established(profile, java.util.Map.of());
			f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(TcpFlag.RST, TcpFlag.ACK), null, null, 0));
			f.sim.advance(20);
			assertThat(f.send(Side.SERVER, 10)).as(profile).isEqualTo("ECONNRESET");
			assertThat(f.send(Side.SERVER, 10)).as(profile).isEqualTo("EPIPE");
			assertThat(f.recv(Side.SERVER)).as(profile).isEqualTo(0);
			assertThat(f.shutdown(Side.SERVER, "SHUT_RDWR")).as(profile).isEqualTo("ENOTCONN");
		}
	}

	/**
	 * An orphaned FIN_WAIT_2 is a timewait mini-socket on Linux
	 * ({@code tcp_timewait_state_process}): an RST in the window but not at RCV.NXT kills
	 * it with no challenge ACK, and the peer's next FIN draws RST. An open FIN_WAIT_2
	 * (after shutdown(SHUT_WR)) keeps RFC 5961 §3.2. packetdrill
	 * orphan-fin-wait-2-rst-kills.pkt, open-fin-wait-2-rst-challenge.pkt.
	 */
	// tcpTimewaitStateProcess · orphanFinWait2 · inWindowRstKills
	@Test
	void shouldKillAnOrphanedFinWait2OnAnyInWindowRstInTcpTimewaitStateProcessOnLinux() {
		Fixtures f = Fixtures.established().finWait2();
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
		long since = f.sim.nextSeq();
		var c = f.ep(Side.CLIENT);
		f.apply(new PairEvent.Inject(Side.SERVER, java.util.List.of(TcpFlag.RST, TcpFlag.ACK), c.rcvNxt() + 100, null,
				0));
		f.sim.advance(20);
		assertThat(f.sentSince(since)).containsExactly("server RST,ACK");
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		f.apply(new PairEvent.Inject(Side.SERVER, java.util.List.of(TcpFlag.FIN, TcpFlag.ACK), c.rcvNxt(), null, 0));
		f.sim.advance(20);
		assertThat(f.sentSince(since)).endsWith("server FIN,ACK", "client RST");
	}

	/** RFC 5961 §3.2 in an open FIN_WAIT_2 (shutdown only), on every profile. */
	// RFC 5961 §3.2 · openFinWait2 · challengeAck
	@Test
	void shouldAnswerAnInWindowRstWithAChallengeAckInAnOpenFinWait2() {
		for (String profile : StackConstants.PROFILES) {
			Fixtures f = Fixtures.established(profile, java.util.Map.of());
			f.shutdown(Side.CLIENT, "SHUT_WR");
			f.sim.advance(300);
			assertThat(f.state(Side.CLIENT)).as(profile).isEqualTo(TcpState.FIN_WAIT_2);
			long since = f.sim.nextSeq();
			var c = f.ep(Side.CLIENT);
			f.apply(new PairEvent.Inject(Side.SERVER, java.util.List.of(TcpFlag.RST, TcpFlag.ACK), c.rcvNxt() + 100,
					null, 0));
			f.sim.advance(20);
			assertThat(f.sentSince(since)).as(profile).containsExactly("server RST,ACK", "client ACK");
			assertThat(f.state(Side.CLIENT)).as(profile).isEqualTo(TcpState.FIN_WAIT_2);
		}
	}

	/**
	 * Linux {@code __tcp_ack_snd_check} for a FIN carrying data on a fresh connection:
	 * {@code tcp_fin} makes the connection interactive, so only "more than one full frame
	 * with a window that did not shrink" sends the ACK at once. A FIN on a full 1460-byte
	 * segment qualifies (the window Linux computes grows), one on 100 or 1000 bytes does
	 * not and waits for the 40 ms delayed ACK; a bare FIN is ACKed at once (no data came
	 * yet, ATO 0). The kernel's threshold lies between 1160 and 1170 bytes. packetdrill
	 * fin-on-full-segment-acked-at-once.pkt, fin-with-data-delayed-ack.pkt.
	 */
	// tcpAckSndCheck · finWithData · fullSegmentAckedAtOnce
	@Test
	void shouldAckAFinOnAFullSegmentAtOnceButDelayOneOnAShortSegmentInTcpAckSndCheckOnLinux() {
		for (int len : new int[] { 0, 100, 1000, 1160, 1170, 1460 }) {
			Fixtures f = Fixtures.established();
			long since = f.sim.nextSeq();
			double t0 = f.sim.nowMs();
			f.apply(new PairEvent.Inject(Side.CLIENT, java.util.List.of(TcpFlag.FIN, TcpFlag.PSH, TcpFlag.ACK), null,
					null, len));
			f.sim.advance(200);
			TraceEvent.Segment ack = Fixtures.segments(f.sim.eventsSince(since), "sent")
				.stream()
				.filter(g -> g.from().equals("server"))
				.findFirst()
				.orElseThrow();
			double delay = ack.timeMs() - (t0 + 10);
			assertThat(delay).as("FIN with " + len + " bytes").isEqualTo(len == 0 || len >= 1170 ? 0.0 : 40.0);
			assertThat(ack.relAck()).isEqualTo(len + 2);
			assertThat(f.state(Side.SERVER)).isEqualTo(TcpState.CLOSE_WAIT);
		}
	}

}
