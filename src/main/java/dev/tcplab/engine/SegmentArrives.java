package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.FIN;
import static dev.tcplab.engine.Segment.RST;
import static dev.tcplab.engine.Segment.SYN;
import static dev.tcplab.engine.tcb.Seq.ge;
import static dev.tcplab.engine.tcb.Seq.gt;
import static dev.tcplab.engine.tcb.Seq.le;
import static dev.tcplab.engine.tcb.Seq.lt;

import java.util.Map;

/**
 * SEGMENT ARRIVES, RFC 9293 §3.10.7, in the RFC's order: {@link #closed} (§3.10.7.1),
 * {@link #listen} and {@link #passiveOpen} (§3.10.7.2), {@link #synSent} (§3.10.7.3) and,
 * for the synchronized states, one method per step of §3.10.7.4 ({@link #first} sequence
 * number, {@link #second} RST, {@link #fourth} SYN, {@link #fifth} ACK, {@link #seventh}
 * segment text, {@link #eighth} FIN; third (security) and sixth (URG) are not modelled).
 * A step returns whether processing goes on. TIME-WAIT is {@link TimeWait#arrives}; the
 * engine's demultiplexing picks which of these applies.
 */
final class SegmentArrives {

	private SegmentArrives() {
	}

	/**
	 * §3.10.7 for a TCB: SYN-SENT (§3.10.7.3) or a synchronized state (§3.10.7.4); the
	 * workload, if any, acts on the result.
	 */
	static void arrives(Tcb t, Segment s) {
		switch (t.state) {
			case SYN_SENT -> synSent(t, s);
			case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK -> otherStates(t, s);
			// TIME_WAIT is handled by the compact record (TimeWait.arrives);
			// CLOSED/LISTEN never reach a Tcb
			default -> {
			}
		}
		if (t.app != null && t.state != TcpState.CLOSED) {
			t.app.afterSegment(t);
		}
	}

	/**
	 * §3.10.7.1 CLOSED: "all data in the incoming segment is discarded ... an incoming
	 * segment not containing a RST causes a RST to be sent".
	 */
	static void closed(Context cx, Network net, int host, Segment s) {
		if (s.has(RST)) {
			return;
		}
		if (cx.rec.states) {
			cx.note(s.pair, Host.role(host), "RST_NO_CONNECTION",
					"no connection for " + net.address(host, s.client) + ":" + s.dstPort + ": RST");
		}
		net.reply(s, s.pair, s.pairNo, Reply.reset(s));
	}

	/**
	 * §3.10.7.2 LISTEN, first to third: an RST is ignored, an ACK draws
	 * {@code <SEQ=SEG.ACK><CTL=RST>}, a SYN (while the backlog has room) makes a child
	 * connection: true, and the engine makes it and calls {@link #passiveOpen}.
	 */
	static boolean listen(Context cx, Network net, Listener l, Segment s) {
		// first: check for a RST — ignore it
		if (s.has(RST)) {
			return false;
		}
		// second: an ACK on a listener is bad: <SEQ=SEG.ACK><CTL=RST>
		if (s.has(ACK)) {
			cx.note(s.pair, "server", "RST_NO_CONNECTION", "ACK on a listening port: RST");
			net.reply(s, s.pair, s.pairNo, Reply.reset(s));
			return false;
		}
		// third: a SYN creates a child connection in SYN-RECEIVED
		if (!s.has(SYN)) {
			return false;
		}
		if (l.backlogFull()) {
			cx.note(s.pair, "listener", "SYN_DROPPED_BACKLOG", "listen backlog full: SYN dropped");
			return false;
		}
		return true;
	}

	/**
	 * §3.10.7.2 third for {@code child}, the new connection of listener {@code l}: "Set
	 * RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be selected and a SYN
	 * segment sent ... The connection state should be changed to SYN-RECEIVED". The ISS
	 * is {@code iss} when given (a SYN reopening TIME_WAIT), else the ISN generator's.
	 */
	static void passiveOpen(Tcb child, Listener l, Segment s, Integer iss) {
		Context cx = child.cx;
		child.listener = l;
		child.state = TcpState.LISTEN;
		child.irs = s.seq;
		child.rcvNxt = s.seq + 1;
		child.sndWnd = s.window;
		child.sndWl1 = s.seq;
		child.iss = iss != null ? iss : cx.isn.next(cx.now, Host.SERVER, s.client, l.port, s.srcPort);
		child.sndUna = child.iss;
		child.sndNxt = child.iss;
		child.synchronizedVars = true;
		child.answerId = s.id;
		child.negotiate(s);
		cx.setState(child, TcpState.SYN_RECEIVED, "rcv SYN");
		child.emit(SYN | ACK, child.iss, 0, false);
		child.sndNxt = child.iss + 1;
	}

	/** §3.10.7.3 SYN-SENT. */
	static void synSent(Tcb t, Segment s) {
		boolean ackOk = false;
		// first: check the ACK bit
		if (s.has(ACK)) {
			if (le(s.ack, t.iss) || gt(s.ack, t.sndNxt)) {
				// "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST
				// bit is set, if so drop the segment and return)"
				if (!s.has(RST)) {
					t.reply(s, Reply.reset(s, t.iss));
				}
				long retryMs = t.c.synSentBadAckRetryMs();
				if (retryMs > 0 && t.retransmissions == 0) {
					// Linux tcp_rcv_synsent_state_process: "Previous FIN/ACK or RST/ACK
					// might be ignored", so the SYN is resent after TCP_TIMEOUT_MIN
					// (packetdrill syn-sent-bad-ack-resends-syn.pkt)
					t.cx.note(t, "SYN_RETRY_SOON", "unacceptable ACK in SYN_SENT: the SYN is resent in " + retryMs
							+ " ms (Linux TCP_TIMEOUT_MIN)");
					t.arm(Timer.RETRANSMIT, retryMs * 1000);
				}
				return;
			}
			ackOk = true;
		}
		// second: check the RST bit
		if (s.has(RST)) {
			if (ackOk) {
				t.softError = Errno.ECONNREFUSED;
				t.cx.note(t, "CONNECTION_REFUSED", "RST in SYN_SENT: connection refused");
				t.cx.setState(t, TcpState.CLOSED, "rcv RST");
			}
			return;
		}
		// third: check the security — not modelled (no security compartments) fourth:
		// check the SYN bit; fifth: "if neither of the SYN or RST bits is set, then drop
		// the segment and return"
		if (!s.has(SYN)) {
			return;
		}
		t.irs = s.seq;
		t.rcvNxt = s.seq + 1;
		t.sndWnd = s.window;
		t.sndWl1 = s.seq;
		t.sndWl2 = s.ack;
		t.answerId = s.id;
		t.negotiate(s);
		if (ackOk) {
			t.ackAdvance(s.ack);
		}
		if (gt(t.sndUna, t.iss)) {
			// our SYN has been ACKed: ESTABLISHED, send ACK
			t.cx.setState(t, TcpState.ESTABLISHED, "rcv SYN,ACK");
			t.sendAck();
			t.completeConnect();
			t.output();
		}
		else {
			// simultaneous open: SYN-RECEIVED, send SYN,ACK
			t.cx.setState(t, TcpState.SYN_RECEIVED, "rcv SYN");
			t.emit(SYN | ACK, t.iss, 0, true);
		}
	}

	/**
	 * §3.10.7.4 "Otherwise": SYN-RECEIVED through LAST-ACK (TIME-WAIT in
	 * {@link TimeWait#arrives}), step by step.
	 */
	static void otherStates(Tcb t, Segment s) {
		// A retransmitted SYN while in SYN-RECEIVED: answer with our SYN,ACK again (as
		// Linux's request socks do)
		if (t.state == TcpState.SYN_RECEIVED && s.has(SYN) && !s.has(ACK) && s.seq == t.irs) {
			t.emit(SYN | ACK, t.iss, 0, true);
			return;
		}
		if (simultaneousOpenCompleted(t, s) || pawsRejects(t, s)) {
			return;
		}
		// "If the RCV.WND is zero, no segments will be acceptable, but special allowance
		// should be made to accept valid ACKs": a segment at the window's edge goes on
		// for its ACK field, its text is dropped in the seventh step (BSD tcp_input
		// "window is closed", Linux tcp_data_queue zero-window drop)
		boolean atClosedWindow = t.rcvWnd() == 0 && s.len > 0 && s.seq == t.rcvNxt && !s.has(SYN) && !s.has(RST);
		if (!first(t, s, atClosedWindow)) {
			return;
		}
		if (t.tsOk && s.optTs && ge(s.tsVal, t.tsRecent) && le(s.seq, t.lastAckSent)) {
			// RFC 7323 §4.3 (2): TS.Recent follows the segment that Last.ACK.sent reached
			// (Linux tcp_replace_ts_recent, with rcv_wup)
			t.tsRecent = s.tsVal;
			t.tsRecentUs = t.cx.now;
		}
		if (!second(t, s) || !fourth(t, s) || !fifth(t, s)) {
			return;
		}
		// third (security) is not modelled (no security compartments), nor sixth (URG: no
		// urgent data)
		int fresh = seventh(t, s, atClosedWindow);
		if (fresh >= 0) {
			eighth(t, s, fresh);
		}
	}

	/**
	 * Linux {@code tcp_validate_incoming}: in a simultaneous open (an active open in
	 * SYN-RECEIVED after crossed SYNs) the peer's SYN,ACK that acknowledges our SYN
	 * completes the handshake; its SYN, already taken, is answered with an ACK at once
	 * (packetdrill simultaneous-open.pkt). Elsewhere it is an old SYN: the first step
	 * answers it with an ACK, and the peer's ACK completes the handshake.
	 */
	private static boolean simultaneousOpenCompleted(Tcb t, Segment s) {
		if (t.state != TcpState.SYN_RECEIVED || t.listener != null || !s.has(SYN) || !s.has(ACK) || s.has(RST)
				|| !t.c.synAckCompletesSimultaneousOpen() || s.seq + 1 != t.rcvNxt || s.ack != t.sndNxt) {
			return false;
		}
		t.cx.note(t, "SIMULTANEOUS_OPEN", "the peer's SYN,ACK acknowledges our SYN: the simultaneous open is"
				+ " complete, the SYN is ACKed (Linux tcp_validate_incoming)");
		t.cx.setState(t, TcpState.ESTABLISHED, "rcv SYN,ACK");
		t.sndWnd = t.peerWindow(s);
		t.sndWl1 = s.seq;
		t.sndWl2 = s.ack;
		t.ackAdvance(s.ack);
		t.sendAck();
		t.completeConnect();
		t.output();
		return true;
	}

	/**
	 * PAWS (RFC 7323 §5.3 R1, before the sequence number check; Linux
	 * {@code tcp_validate_incoming}, {@code tcp_paws_discard}): with timestamps
	 * negotiated, a segment other than an RST whose TSval is older than TS.Recent is an
	 * old duplicate: dropped, and answered with an ACK (a duplicate ACK for data; a pure
	 * ACK's answer is rate-limited as an out-of-window ACK).
	 */
	private static boolean pawsRejects(Tcb t, Segment s) {
		if (!t.tsOk || !s.optTs || s.has(RST) || !lt(s.tsVal, t.tsRecent)) {
			return false;
		}
		boolean other = t.pair != null && s.pairNo != 0 && s.pairNo != t.pair.id;
		t.cx.note(t, "PAWS_REJECTED",
				"TSval " + Integer.toUnsignedString(s.tsVal) + " is older than TS.Recent "
						+ Integer.toUnsignedString(t.tsRecent) + ": an old duplicate, dropped (RFC 7323 §5.3 PAWS)"
						+ (other ? "; pair " + s.pairNo + " sent it, " + TraceEvent.Note.OTHER_CONNECTION : ""));
		if (!oowAckLimited(t, s, false)) {
			t.sendAck();
		}
		return true;
	}

	/**
	 * First: check the sequence number. An unacceptable segment draws an ACK (unless it
	 * is an RST, or RFC 5961 §7's rate limit holds it back) and is dropped.
	 */
	static boolean first(Tcb t, Segment s, boolean atClosedWindow) {
		if (atClosedWindow || acceptable(t, s)) {
			return true;
		}
		if (!s.has(RST) && !oowAckLimited(t, s, false)) {
			if (s.len > 0 && lt(s.seq, t.rcvNxt)) {
				// Linux tcp_send_dupack: old data means our ACK was lost
				t.ack.enterQuickAckMode();
			}
			if (t.sackOk && s.segLen() > 0 && lt(s.seq, t.rcvNxt)) {
				// RFC 2883 D-SACK (Linux tcp_send_dupack, tcp_dsack_set): the duplicate
				// ACK
				// names the duplicate, a retransmitted FIN too
				int end = s.seq + s.segLen();
				t.dsack = new int[] { s.seq, le(end, t.rcvNxt) ? end : t.rcvNxt };
			}
			t.sendAck();
		}
		return false;
	}

	/** The four cases of the acceptability test (the table of "first"). */
	private static boolean acceptable(Tcb t, Segment s) {
		int segLen = s.segLen();
		int wnd = t.rcvWnd();
		int rcvNxt = t.rcvNxt;
		if (wnd == 0 && t.c.acceptFinAtZeroWindow() && s.len == 0 && s.has(FIN) && !s.has(SYN) && s.seq == rcvNxt) {
			// Linux tcp_data_queue: a bare FIN at RCV.NXT is taken even at zero window
			return true;
		}
		if (segLen == 0) {
			if (wnd == 0) {
				return s.seq == rcvNxt;
			}
			return le(rcvNxt, s.seq) && lt(s.seq, rcvNxt + wnd);
		}
		if (wnd == 0) {
			return false;
		}
		int last = s.seq + segLen - 1;
		return (le(rcvNxt, s.seq) && lt(s.seq, rcvNxt + wnd)) || (le(rcvNxt, last) && lt(last, rcvNxt + wnd));
	}

	/**
	 * Second: check the RST bit. RFC 5961 §3.2: only an RST exactly at RCV.NXT resets,
	 * one elsewhere in the window draws a challenge ACK.
	 */
	static boolean second(Tcb t, Segment s) {
		if (!s.has(RST)) {
			return true;
		}
		Context cx = t.cx;
		if (s.seq != t.rcvNxt) {
			if (t.state == TcpState.FIN_WAIT_2 && t.orphan() && t.c.orphanFinWait2AsTimeWait()) {
				// Linux keeps an orphaned FIN-WAIT-2 as a timewait mini-socket, which any
				// RST in the window kills (tcp_timewait_state_process; packetdrill
				// orphan-fin-wait-2-rst-kills.pkt)
				cx.note(t, "FIN_WAIT_2_RST_KILLED", "RST in the window reaches an orphaned FIN_WAIT_2, a timewait"
						+ " mini-socket on Linux: the connection is gone, no challenge ACK");
				cx.setState(t, TcpState.CLOSED, "rcv RST");
				return false;
			}
			return challengeAck(t, s, "RST inside the window but not at RCV.NXT: challenge ACK (RFC 5961 §3.2)");
		}
		switch (t.state) {
			case SYN_RECEIVED -> {
				// "If this connection was initiated with a passive OPEN ..., then return
				// this connection to LISTEN state": the child is deleted, the listener
				// goes on listening (Linux 6.18 measured: an RST at RCV.NXT drops the
				// request silently, one elsewhere in the window draws a challenge ACK)
				if (t.listener != null) {
					cx.note(t, "BACK_TO_LISTEN",
							"RST in SYN_RECEIVED of a passive open: the connection returns to LISTEN"
									+ " (RFC 9293 §3.10.7.4)");
				}
				cx.setState(t, TcpState.CLOSED, "rcv RST");
			}
			case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
				// "any outstanding RECEIVEs and SEND should receive 'reset' responses";
				// Linux tcp_reset: EPIPE in CLOSE_WAIT (packetdrill
				// close-wait-rst-epipe.pkt)
				t.softError = t.state == TcpState.CLOSE_WAIT && t.c.closeWaitRstEpipe() ? Errno.EPIPE
						: Errno.ECONNRESET;
				t.sendQueue = 0;
				cx.setState(t, TcpState.CLOSED, "rcv RST");
			}
			default -> {
				// CLOSING, LAST_ACK
				if (t.pendingCall != Socket.CALL_NONE) {
					t.softError = Errno.ECONNRESET;
				}
				cx.setState(t, TcpState.CLOSED, "rcv RST");
			}
		}
		return false;
	}

	/**
	 * Fourth: check the SYN bit. In a synchronized state it draws a challenge ACK (RFC
	 * 5961 §4); a passive SYN-RECEIVED connection goes back to LISTEN (RFC 9293), or, as
	 * a Linux request socket, answers RST and is dropped.
	 */
	static boolean fourth(Tcb t, Segment s) {
		if (!s.has(SYN)) {
			return true;
		}
		Context cx = t.cx;
		if (t.state == TcpState.SYN_RECEIVED && t.listener != null) {
			if (t.c.requestSockets()) {
				// Linux tcp_check_req "embryonic_reset": RST to the SYN, request dropped
				cx.note(t, "REQUEST_DROPPED",
						"SYN reaches a SYN_RECEIVED request socket: RST, the request is dropped (Linux tcp_check_req)");
				t.reply(s, Reply.reset(s, t.iss));
			}
			else {
				// §3.10.7.4 fourth, SYN-RECEIVED: "If the connection was initiated with a
				// passive OPEN, then return this connection to the LISTEN state and
				// return"
				cx.note(t, "BACK_TO_LISTEN",
						"SYN in SYN_RECEIVED of a passive open: the connection returns to LISTEN (RFC 9293 §3.10.7.4)");
			}
			cx.setState(t, TcpState.CLOSED, "rcv SYN");
			return false;
		}
		return challengeAck(t, s, "SYN in a synchronized state: challenge ACK (RFC 5961 §4)");
	}

	/**
	 * RFC 5961's challenge ACK (an ACK for RCV.NXT, rate-limited like an out-of-window
	 * ACK); the segment is dropped.
	 */
	private static boolean challengeAck(Tcb t, Segment s, String why) {
		if (!oowAckLimited(t, s, true)) {
			t.cx.note(t, "CHALLENGE_ACK", why);
			t.sendAck();
		}
		return false;
	}

	/**
	 * Fifth: check the ACK field. SYN-RECEIVED becomes ESTABLISHED; SND.UNA advances and
	 * the send window is updated (SND.WL1/SND.WL2 keep an old segment from resetting it);
	 * FIN-WAIT-1, CLOSING and LAST-ACK act on the ACK of their FIN. Queued data or FIN
	 * the window now lets out is sent.
	 */
	static boolean fifth(Tcb t, Segment s) {
		if (!s.has(ACK)) {
			return false;
		}
		Context cx = t.cx;
		if (t.state == TcpState.SYN_RECEIVED) {
			if (gt(s.ack, t.sndUna) && le(s.ack, t.sndNxt)) {
				cx.setState(t, TcpState.ESTABLISHED, "rcv ACK of SYN");
				t.sndWnd = t.peerWindow(s);
				t.sndWl1 = s.seq;
				t.sndWl2 = s.ack;
				t.ackAdvance(s.ack);
				if (t.listener != null) {
					accepted(t);
				}
				else {
					// a simultaneous open: connect() returns
					t.completeConnect();
				}
				t.output();
			}
			else {
				// "If the segment acknowledgment is not acceptable, form a reset segment
				// <SEQ=SEG.ACK><CTL=RST> and send it"
				t.reply(s, Reply.reset(s, t.iss));
				return false;
			}
		}
		if (gt(s.ack, t.sndNxt)) {
			// acks something not yet sent: "send an ACK, drop the segment, and return" (a
			// FIN or data on it is not taken). Linux tcp_ack sends it as a challenge ACK,
			// rate-limited (tcp_send_challenge_ack), which keeps two desynchronised ends
			// from an ACK war at full speed; packetdrill
			// established-ack-of-unsent-data-answered.pkt
			if (t.c.ackOfUnsentDataDropped()) {
				cx.note(t, "ACK_OF_UNSENT_DATA", "the segment acknowledges data never sent: dropped without an answer");
				return false;
			}
			if (!oowAckLimited(t, s, true)) {
				cx.note(t, "ACK_OF_UNSENT_DATA",
						"the segment acknowledges data never sent: ACK for RCV.NXT, segment dropped (RFC 9293 §3.10.7.4)");
				t.sendAck();
			}
			return false;
		}
		int priorInFlight = t.sndNxt - t.sndUna;
		if (gt(s.ack, t.sndUna)) {
			t.ackAdvance(s.ack);
		}
		if (ge(s.ack, t.sndUna) && (lt(t.sndWl1, s.seq) || (t.sndWl1 == s.seq && le(t.sndWl2, s.ack)))) {
			// "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If
			// (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set
			// SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK": an
			// old, reordered segment cannot reset the window
			t.sndWnd = t.peerWindow(s);
			t.sndWl1 = s.seq;
			t.sndWl2 = s.ack;
		}
		if (priorInFlight == 0) {
			t.windowProbeAnswered();
		}
		switch (t.state) {
			case FIN_WAIT_1 -> {
				// "if the FIN segment is now acknowledged, then enter FIN-WAIT-2"
				if (t.finAcked()) {
					cx.setState(t, TcpState.FIN_WAIT_2, "rcv ACK of FIN");
					t.finAckedForLinger();
					if (t.appClosed) {
						t.armFinWait2();
					}
				}
			}
			case CLOSING -> {
				// "if the ACK acknowledges our FIN, then enter the TIME-WAIT state"
				if (t.finAcked()) {
					t.finAckedForLinger();
					t.enterTimeWait("rcv ACK of FIN");
					return false;
				}
				t.output(); // a FIN still held behind a zero window may go now
				return false;
			}
			case LAST_ACK -> {
				// "if our FIN is now acknowledged, delete the TCB, enter the CLOSED
				// state"
				if (t.finAcked()) {
					t.finAckedForLinger();
					cx.setState(t, TcpState.CLOSED, "rcv ACK of FIN");
				}
				else {
					t.output();
				}
				return false;
			}
			default -> {
			}
		}
		t.output();
		return true;
	}

	/**
	 * A passive open's child reached ESTABLISHED: accept() returns it (auto-accept), and
	 * it no longer counts against the listener's backlog.
	 */
	private static void accepted(Tcb t) {
		if (!t.accepted) {
			t.accepted = true;
			Listener l = t.listener;
			l.pendingChildren--;
			t.cx.callEvent(t, "server", "accept", t.localPort == l.port ? l.acceptArgs : Map.of("port", t.localPort),
					CallResult.ZERO);
			if (t.app != null) {
				t.app.established(t);
			}
		}
	}

	/**
	 * Seventh: process the segment text. Returns the new bytes taken in sequence (0 for
	 * none), or −1 when processing ends here: text at a closed window is dropped with an
	 * ACK, text after close() (or SHUT_RD on Linux) resets the connection, and text after
	 * a gap is held for later with an immediate duplicate ACK.
	 */
	static int seventh(Tcb t, Segment s, boolean atClosedWindow) {
		Context cx = t.cx;
		boolean receiving = t.state == TcpState.ESTABLISHED || t.state == TcpState.FIN_WAIT_1
				|| t.state == TcpState.FIN_WAIT_2;
		if (atClosedWindow && receiving) {
			// no room: the text (and a FIN behind it) is dropped, the ACK tells the
			// window
			cx.note(t, "ZERO_WINDOW_DROP", "data at RCV.NXT while RCV.WND = 0: its ACK field is processed,"
					+ " its text dropped, and an ACK repeats the closed window (RFC 9293 §3.10.7.4)");
			t.ack.enterQuickAckMode();
			t.sendAck();
			return -1;
		}
		if (s.len == 0 || !receiving) {
			// CLOSE-WAIT, CLOSING, LAST-ACK: the peer already sent FIN; the text is
			// ignored
			return 0;
		}
		// data after a gap "SHOULD be held for later processing" (Linux
		// tcp_data_queue_ofo, BSD tcp_reass)
		boolean ahead = gt(s.seq, t.rcvNxt);
		int skip = ahead ? 0 : t.rcvNxt - s.seq;
		int fresh = ahead ? 0 : Math.min(s.len - skip, t.rcvWnd());
		if (fresh > 0 || ahead) {
			boolean afterShutRd = t.shutRd && !t.appClosed && t.c.rstOnDataAfterShutRd()
					&& t.state != TcpState.ESTABLISHED;
			if ((t.appClosed && t.c.rstOnUnreadClose()) || afterShutRd) {
				// RFC 1122 §4.2.2.13: new data after CLOSE -> RST (Linux: data to an
				// orphan, or to FIN_WAIT_1/2 after SHUT_RD). The reset answers the
				// segment: <SEQ=SEG.ACK><CTL=RST> (tcp_v4_send_reset, BSD dropwithreset)
				if (afterShutRd) {
					cx.note(t, "RST_DATA_AFTER_SHUTDOWN",
							"data arrived after shutdown(SHUT_RD) in " + t.state + ": RST (Linux)");
					t.softError = Errno.ECONNRESET;
				}
				else {
					cx.note(t, "RST_DATA_AFTER_CLOSE", "data arrived after the application closed: RST");
				}
				resetInReplyTo(t, s);
				cx.setState(t, TcpState.CLOSED, afterShutRd ? "rcv data after shutdown()" : "rcv data after close()");
				return -1;
			}
		}
		if (ahead) {
			holdOutOfOrder(t, s);
			return -1;
		}
		if (fresh <= 0) {
			return 0;
		}
		if (s.pairNo != 0 && s.pairNo != t.pairNo()) {
			noteDataFromOtherConnection(t, s, skip, fresh);
		}
		t.rcvNxt += fresh;
		int held = 0;
		if (t.reassembly != null && !t.reassembly.isEmpty()) {
			// filling a gap is ACKed at once (RFC 5681 §4.2; Linux ICSK_ACK_NOW)
			t.ack.gapFilled();
			int before = t.rcvNxt;
			t.rcvNxt = t.reassembly.advance(before);
			held = t.rcvNxt - before;
		}
		if (!t.shutRd || t.c.shutRdKeepsData()) {
			t.recvBuffered += fresh + held;
		}
		t.answerId = s.id;
		t.ack.dataAccepted();
		return fresh;
	}

	/**
	 * A reset built from the segment that drew it, as Linux {@code tcp_v4_send_reset}
	 * (after {@code tcp_rcv_state_process} aborts on data to a closed socket) and BSD
	 * {@code dropwithreset} send it: {@code <SEQ=SEG.ACK><CTL=RST>} — a bare RST, not
	 * RST,ACK (checked with packetdrill on Linux 6.18, docs/engine.md).
	 */
	private static void resetInReplyTo(Tcb t, Segment s) {
		// built from the segment, not the socket: no Timestamps option (Linux
		// tcp_v4_send_reset; tcp_send_active_reset's resets carry it)
		t.replyReset = true;
		if (s.has(ACK)) {
			t.emit(RST, s.ack, 0, false);
		}
		else {
			t.sendReset();
		}
		t.replyReset = false;
	}

	/**
	 * Holds the text of a segment that starts beyond RCV.NXT (Linux
	 * {@code tcp_data_queue_ofo}, BSD {@code tcp_reass}): the part inside the window is
	 * kept, a FIN behind it remembered, and an immediate duplicate ACK asks for the gap
	 * (RFC 5681 §4.2).
	 */
	private static void holdOutOfOrder(Tcb t, Segment s) {
		int end = s.seq + s.len;
		int windowEnd = t.rcvNxt + t.rcvWnd();
		boolean whole = le(end, windowEnd);
		if (!whole) {
			end = windowEnd;
		}
		if (gt(end, s.seq) && t.reassembly().add(s.seq, end)) {
			if (s.pairNo != 0 && s.pairNo != t.pairNo()) {
				noteDataFromOtherConnection(t, s, 0, end - s.seq);
			}
			t.cx.note(t, "OUT_OF_ORDER_DATA", (end - s.seq) + " bytes after a gap held for later"
					+ " (RFC 9293 §3.10.7.4 seventh): duplicate ACK for RCV.NXT");
			if (whole && s.has(FIN) && !t.peerFin) {
				t.reassembly.holdFin(s.seq + s.len);
			}
		}
		t.ack.outOfOrderQueued();
		t.sendAck();
	}

	/**
	 * Not a TCP rule but what the lab can see and TCP cannot: the bytes just accepted
	 * were sent by another connection (an earlier incarnation of this 4-tuple). That is
	 * the hazard TIME_WAIT exists to prevent (RFC 9293 §3.4.1 "Knowing When to Keep
	 * Quiet"; RFC 1337 hazard H1): an old duplicate taken as new data.
	 */

	private static void noteDataFromOtherConnection(Tcb t, Segment s, int skip, int fresh) {
		t.cx.note(t, "DATA_FROM_OTHER_CONNECTION",
				fresh + " bytes at relSeq " + (s.seq + skip - t.irs)
						+ " were accepted as this connection's data, but pair " + s.pairNo + " sent them: "
						+ TraceEvent.Note.OTHER_CONNECTION);
	}

	/**
	 * Eighth: check the FIN bit. A FIN after a gap is remembered and answered with a
	 * duplicate ACK; a FIN in sequence (or a remembered one the data just reached) is
	 * taken: ESTABLISHED → CLOSE-WAIT, FIN-WAIT-1 → CLOSING, FIN-WAIT-2 → TIME-WAIT. Then
	 * the owed ACK is scheduled and a blocked reader woken.
	 */
	static void eighth(Tcb t, Segment s, int fresh) {
		Context cx = t.cx;
		if (s.has(FIN) && !t.peerFin && gt(s.seq + s.len, t.rcvNxt)) {
			// a FIN beyond a gap is not accepted: an immediate duplicate ACK asks for the
			// gap (RFC 9293 §3.10.7.4 seventh/eighth, RFC 5681 §4.2; Linux measured), and
			// the FIN is kept in the out-of-order queue (Linux tcp_ofo_queue)
			cx.note(t, "OUT_OF_ORDER_FIN", "FIN after a gap: not accepted, duplicate ACK for RCV.NXT");
			t.reassembly().holdFin(s.seq + s.len);
			t.sendAck();
			return;
		}
		boolean finNow = s.has(FIN) && s.seq + s.len == t.rcvNxt && !t.peerFin;
		if (!finNow && !t.peerFin && fresh > 0 && t.reassembly != null && t.reassembly.finAt(t.rcvNxt)) {
			// the gap before a remembered FIN is filled: the FIN is taken now, and the
			// ACK goes at once (RFC 5681 §4.2; Linux tcp_data_queue ICSK_ACK_NOW)
			finNow = true;
			t.ack.gapFilled();
		}
		if (!finNow) {
			if (fresh > 0) {
				t.scheduleAck(s, fresh);
				t.wakeReader();
			}
			return;
		}
		if (t.reassembly != null) {
			t.reassembly.finTaken();
		}
		t.rcvNxt++;
		t.peerFin = true;
		t.answerId = s.id;
		switch (t.state) {
			case ESTABLISHED -> {
				cx.setState(t, TcpState.CLOSE_WAIT, "rcv FIN");
				t.ack.finReceived();
				t.scheduleAck(s, fresh);
			}
			case FIN_WAIT_1 -> {
				// our FIN not yet ACKed (else we would be in FIN-WAIT-2): simultaneous
				// close
				cx.setState(t, TcpState.CLOSING, "rcv FIN");
				t.sendAck();
			}
			case FIN_WAIT_2 -> {
				t.sendAck();
				t.enterTimeWait("rcv FIN");
			}
			default -> t.sendAck();
		}
		t.wakeReader();
	}

	/**
	 * RFC 5961 §7 ACK throttling as Linux does it ({@code tcp_oow_rate_limited},
	 * {@code tcp_send_challenge_ack}): at most one challenge or out-of-window ACK per
	 * {@code challengeAckIntervalMs} per connection; an out-of-window segment with data
	 * (and no SYN) is exempt. True = this ACK is suppressed; false = send it (and it
	 * counts).
	 */
	static boolean oowAckLimited(Tcb t, Segment s, boolean challenge) {
		if (!challenge && s.segLen() > 0 && !s.has(SYN)) {
			// tcp_oow_rate_limited: seq != end_seq — data or FIN — is never limited (a
			// retransmitted FIN is always ACKed; packetdrill, linger-timeout exported)
			return false;
		}
		long gap = t.c.challengeAckIntervalMs() * 1000;
		long now = t.cx.now;
		if (gap > 0 && t.lastOowAckUs >= 0 && now - t.lastOowAckUs < gap) {
			t.cx.note(t, "ACK_RATE_LIMITED", "challenge/out-of-window ACK suppressed: one per "
					+ t.c.challengeAckIntervalMs() + " ms (RFC 5961 §7)");
			return true;
		}
		t.lastOowAckUs = now;
		return false;
	}

}
