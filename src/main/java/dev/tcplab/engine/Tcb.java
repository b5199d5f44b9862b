package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.FIN;
import static dev.tcplab.engine.Segment.PSH;
import static dev.tcplab.engine.Segment.RST;
import static dev.tcplab.engine.Segment.SYN;
import static dev.tcplab.engine.StackConstants.NAGLE_MINSHALL;
import static dev.tcplab.engine.StackConstants.NAGLE_OFF;
import static dev.tcplab.engine.tcb.Seq.gt;
import static dev.tcplab.engine.tcb.Seq.le;

import java.util.Map;

import dev.tcplab.engine.tcb.AckPolicy;
import dev.tcplab.engine.tcb.ReassemblyQueue;
import dev.tcplab.engine.tcb.RttEstimator;

/**
 * A transmission control block: one endpoint of a connection with the variables of RFC
 * 9293 §3.3.1, byte-count send and receive buffers, the retransmission queue, its output
 * (§3.10.2, §3.10.4 queueing, §3.8.6 windows) and its timers (§3.10.8). It asks three
 * parts that know nothing of the engine: an {@link RttEstimator} (RFC 6298), an
 * {@link AckPolicy} (RFC 1122 §4.2.3.2, Linux {@code icsk_ack}) and, once data arrives
 * out of order, a {@link ReassemblyQueue}. The socket layer's state is its superclass
 * {@link Socket}; the user calls are {@link SocketCalls} and SEGMENT ARRIVES is
 * {@link SegmentArrives}.
 * <p>
 * Reading list (smoltcp style): RFC 9293 §3.3.1 (TCB variables), §3.3.2 (state diagram),
 * §3.4 (sequence numbers), §3.6 (closing), §3.10.1–3.10.6 (user calls), §3.10.7 (SEGMENT
 * ARRIVES), §3.10.8 (timeouts); RFC 6298 (RTO); RFC 1122 §4.2.2.13 (half-duplex close,
 * RST on unread data) and §4.2.3.2 (delayed ACK); RFC 5961 (challenge ACK); RFC 2525
 * §2.17; Stevens UNP §7.5 (SO_LINGER).
 * <p>
 * The retransmission queue is the sequence range [SND.UNA, SND.NXT) with the SYN and FIN
 * markers (payload content is not modelled); on timeout the head segment is
 * retransmitted, as Linux does.
 */
final class Tcb extends Socket {

	/**
	 * The application driving a socket from inside the engine (a load run's workload),
	 * told of the moments it acts on.
	 */
	interface Application {

		/** A new socket of the workload (before its first segment). */
		void attached(Tcb t);

		/** The connection is established (connect() returned, or accept() did). */
		void established(Tcb t);

		/** A segment was processed and the connection is not CLOSED. */
		void afterSegment(Tcb t);

	}

	/**
	 * SO_SNDBUF: the most bytes one socket holds unsent or unacknowledged (Linux
	 * {@code tcp_wmem} max, 4 MiB). A send into a full buffer answers EWOULDBLOCK, into a
	 * nearly full one a partial count, as a non-blocking socket does (send(2)).
	 */
	static final long SEND_BUFFER_BYTES = 4L << 20;

	final Context cx;

	final Network net;

	final StackConstants c;

	final Side side;

	/** {@link Host#CLIENT} or {@link Host#SERVER}. */
	final int host;

	/**
	 * Number of the client host of this connection (0 = {@code config.clientAddress}).
	 */
	final int client;

	final int localPort;

	final int remotePort;

	final long key;

	/** The listener of a passive open, or null. */
	Listener listener;

	// ---- RFC 9293 §3.3.1 ---- Not kept: SND.UP and RCV.UP (urgent data is not
	// modelled).
	boolean synchronizedVars;

	int iss;

	int irs;

	int sndUna;

	int sndNxt;

	int sndWnd;

	/**
	 * SND.WL1, SND.WL2: sequence and ack numbers of the segment last used to update
	 * SND.WND.
	 */
	int sndWl1;

	int sndWl2;

	int rcvNxt;

	/**
	 * Bytes the application queued that were not transmitted yet (64-bit: never wraps).
	 */
	long sendQueue;

	/** Bytes received in order and not read by the application yet. */
	int recvBuffered;

	boolean finQueued;

	boolean finSent;

	int finSeq;

	/** The peer's FIN has been received (recv returns 0 once the buffer is drained). */
	boolean peerFin;

	// ---- TCP options (RFC 9293 §3.7.1 MSS, RFC 7323 window scale)

	/**
	 * SendMSS: the most payload one segment carries, min(own MSS, the peer's MSS option
	 * or 536 without one; RFC 9293 §3.7.1).
	 */
	int sndMss;

	/** Window shift counts once both SYNs carried the Window Scale option, else 0. */
	int sndShift;

	int rcvShift;

	/**
	 * End of the last segment shorter than the MSS sent (Linux {@code snd_sml}, for
	 * Minshall's Nagle test), valid once {@link #shortSent}.
	 */
	int sndSml;

	boolean shortSent;

	/** Data and a FIN that arrived after a gap; null until some did. */
	ReassemblyQueue reassembly;

	final RttEstimator rtt;

	final AckPolicy ack;

	/**
	 * Id of the latest received segment whose data/SYN/FIN the next ACK answers, or −1.
	 */
	long answerId = -1;

	/** Retransmissions since the last new ACK (the retry limits count them). */
	int retransmissions;

	/** The armed retransmission timer is a tail loss probe (RFC 8985 §7), not an RTO. */
	boolean probeArmed;

	/**
	 * A probe was sent for the current flight; the next timeouts are RTOs with backoff.
	 */
	boolean probeSent;

	// The persist timer (RFC 9293 §3.8.6.1; Linux's ICSK_TIME_PROBE0 shares the
	// retransmission timer's slot, as here)

	/** The RETRANSMIT slot runs as the PERSIST timer (zero-window probes). */
	boolean persisting;

	/** Unanswered window probes ({@code icsk_probes_out}). */
	int probesOut;

	/** Backoff of the probe interval. */
	int persistBackoff;

	/** Time of this connection's last challenge or out-of-window ACK in µs, or −1. */
	long lastOowAckUs = -1;

	/**
	 * This TCB's slot in the engine's timer table, −1 once released (closed or
	 * compacted). The timers' state lives there (lazy, like Linux's mod_timer), so that a
	 * stale queue entry is recognised without touching this (cold) object.
	 */
	int slot;

	/** Workload driver, or null for interactive sockets. */
	Application app;

	Tcb(Context cx, Network net, Pair pair, Side side, int host, int client, int localPort, int remotePort,
			boolean reuseAddr) {
		super(reuseAddr);
		this.cx = cx;
		this.net = net;
		this.c = cx.c;
		this.pair = pair;
		this.side = side;
		this.host = host;
		this.client = client;
		this.localPort = localPort;
		this.remotePort = remotePort;
		this.key = Host.key(host, client, localPort, remotePort);
		this.sndMss = c.mss();
		this.rtt = new RttEstimator(cx.rtt);
		this.ack = new AckPolicy(cx.ack);
		this.slot = cx.timers.alloc(this);
	}

	@Override
	String role() {
		return side == Side.CLIENT ? "client" : "server";
	}

	/** RCV.WND: the receive buffer's free room. */
	int rcvWnd() {
		return Math.max(0, c.windowBytes() - recvBuffered);
	}

	/** Bytes held for sending: queued plus sent and unacknowledged. */
	long sendBuffered() {
		long unacked = 0;
		if (synchronizedVars) {
			unacked = sndNxt - sndUna;
			if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
				unacked = 0;
			}
			else if (finSent && gt(sndNxt, finSeq) && le(sndUna, finSeq)) {
				unacked--;
			}
		}
		return sendQueue + Math.max(0, unacked);
	}

	boolean finAcked() {
		return finSent && gt(sndUna, finSeq);
	}

	// =====================================================================================================
	// The application's side of the receive buffer and of blocking calls
	// =====================================================================================================

	/**
	 * The application reads up to {@code max} bytes (all when null): RCV.WND reopens, so
	 * an ACK may be due — a window update when it reopens from below one MSS (RFC 9293
	 * §3.8.6.2.2), or Linux's ACK at read.
	 */
	int consume(Integer max) {
		int n = max == null ? recvBuffered : Math.min(max, recvBuffered);
		int before = rcvWnd();
		recvBuffered -= n;
		appRead += n;
		if (n > 0 && before < c.mss() && rcvWnd() >= c.mss() && state != TcpState.CLOSED
				&& state != TcpState.TIME_WAIT) {
			sendAck();
		}
		else if (n > 0 && state.ordinal() >= TcpState.ESTABLISHED.ordinal() && state != TcpState.TIME_WAIT
				&& ack.ackAfterRead(rcvNxt, recvBuffered)) {
			sendAck();
		}
		return n;
	}

	/** Finishes the blocked call with {@code result} and records its completion. */
	void complete(CallResult result) {
		int call = pendingCall;
		pendingCall = CALL_NONE;
		Integer max = pendingMax;
		pendingMax = null;
		String name = switch (call) {
			case CALL_RECV -> "recv";
			case CALL_CLOSE -> "close";
			case CALL_CONNECT -> "connect";
			default -> "call";
		};
		cx.callCompleted(this, name, call == CALL_RECV && max != null ? Map.of("max", max) : Map.of(), result);
	}

	/** Data or the peer's FIN arrived: a blocked recv() returns. */
	void wakeReader() {
		if (pendingCall == CALL_RECV) {
			if (recvBuffered > 0) {
				complete(CallResult.returned(consume(pendingMax)));
			}
			else if (peerFin) {
				complete(CallResult.ZERO);
			}
		}
	}

	/** The handshake completed: a blocked connect() returns 0. */
	void completeConnect() {
		if (pendingCall == CALL_CONNECT) {
			complete(CallResult.ZERO);
		}
		if (app != null) {
			app.established(this);
		}
	}

	/** Our FIN was ACKed: a lingering close() returns 0. */
	void finAckedForLinger() {
		if (pendingCall == CALL_CLOSE) {
			cancel(Timer.LINGER);
			complete(CallResult.ZERO);
		}
	}

	/**
	 * The connection is given up while connect() blocks: connect() fails with
	 * {@code errno}, never reports success (Linux inet_wait_for_connect: sk_err, else
	 * ECONNABORTED).
	 */
	void abortConnect(Errno errno) {
		if (pendingCall == CALL_CONNECT) {
			cx.note(this, "CONNECT_ABORTED",
					"the connection is given up before it was established: connect() fails with " + errno);
			complete(CallResult.failed(errno));
		}
	}

	/**
	 * Enters TIME_WAIT: every timer stops and the engine replaces this TCB by a compact
	 * record (§3.10.7.4).
	 */
	void enterTimeWait(String cause) {
		stopTimers();
		cx.setState(this, TcpState.TIME_WAIT, cause);
	}

	/**
	 * Called by the engine when this endpoint reached CLOSED: timers stop, blocked calls
	 * complete.
	 */
	void onClosed() {
		stopTimers();
		if (pendingCall != CALL_NONE) {
			Errno err = softError;
			if (pendingCall == CALL_RECV) {
				if (recvBuffered > 0) {
					complete(CallResult.returned(consume(pendingMax)));
				}
				else {
					softError = null;
					complete(err != null ? CallResult.failed(err) : CallResult.ZERO);
				}
			}
			else if (pendingCall == CALL_CLOSE) {
				// a lingering close() reports no error, even when the FIN was answered by
				// RST or the retries ran out (Linux tcp_close / sk_stream_wait_close)
				softError = null;
				complete(CallResult.ZERO);
			}
			else {
				softError = null;
				complete(err != null ? CallResult.failed(err) : CallResult.ZERO);
			}
		}
	}

	// =====================================================================================================
	// Output
	// =====================================================================================================

	/**
	 * Sends queued data within the peer's window, then the FIN once the queue is empty
	 * (§3.10.2, §3.10.4).
	 */
	void output() {
		if (state == TcpState.SYN_SENT || state == TcpState.CLOSED || state == TcpState.LISTEN) {
			return;
		}
		if (state == TcpState.SYN_RECEIVED && sendQueue > 0) {
			return;
		}
		boolean idle = sndNxt == sndUna;
		while (sendQueue > 0) {
			int inFlight = sndNxt - sndUna;
			int room = sndWnd - inFlight;
			if (room <= 0) {
				break;
			}
			int n = (int) Math.min(Math.min(sndMss, sendQueue), room);
			if (n == sendQueue && n < sndMss && !finQueued && nagleHolds(idle)) {
				cx.note(this, "NAGLE_HELD",
						n + " byte(s) held: less than a full segment while "
								+ (NAGLE_MINSHALL.equals(c.nagle()) ? "a short segment is" : "data is")
								+ " unacknowledged (Nagle, RFC 1122 §4.2.3.4)");
				break;
			}
			sendQueue -= n;
			if (n < sndMss) {
				// Linux tcp_minshall_update: the end of the last short segment sent
				sndSml = sndNxt + n;
				shortSent = true;
			}
			// PSH only on the segment that empties the send queue (Linux tcp_push marks
			// the last skb of a write; BSD tcp_output pushes when the buffer empties),
			// checked against the real kernel with packetdrill (docs/engine.md)
			int flags = sendQueue == 0 ? ACK | PSH : ACK;
			boolean fin = sendQueue == 0 && finQueued && !finSent && (!c.finWaitsForWindow() || room > n);
			if (fin) {
				flags |= FIN;
				finSent = true;
				finSeq = sndNxt + n;
			}
			int seq = sndNxt;
			sndNxt += n + (fin ? 1 : 0);
			emit(flags, seq, n, false);
		}
		if (sendQueue == 0 && finQueued && !finSent && (!c.finWaitsForWindow() || sendRoom() > 0)) {
			finSent = true;
			finSeq = sndNxt;
			sndNxt++;
			emit(FIN | ACK, finSeq, 0, false);
		}
		if (waitingForWindow()) {
			checkProbeTimer();
		}
	}

	/**
	 * The Nagle algorithm (RFC 1122 §4.2.3.4) holds a tail shorter than the MSS: with
	 * "rfc1122" while anything sent is unacknowledged ({@code idle}: nothing was when
	 * this output began, BSD {@code tcp_output}), with "minshall" while a short segment
	 * sent earlier is (Linux {@code tcp_nagle_check}, {@code tcp_minshall_check}); never
	 * with TCP_NODELAY. A queued FIN is never held (Linux {@code tcp_nagle_test}).
	 */
	private boolean nagleHolds(boolean idle) {
		if (noDelay || NAGLE_OFF.equals(c.nagle())) {
			return false;
		}
		if (NAGLE_MINSHALL.equals(c.nagle())) {
			return shortSent && sndNxt != sndUna && gt(sndSml, sndUna) && le(sndSml, sndNxt);
		}
		return !idle;
	}

	/** Usable send window: SND.UNA + SND.WND − SND.NXT. */
	int sendRoom() {
		return sndWnd - (sndNxt - sndUna);
	}

	/** Data or a FIN is queued that the peer's window does not let out. */
	private boolean waitingForWindow() {
		return sendQueue > 0 || (finQueued && !finSent);
	}

	/**
	 * Linux {@code tcp_check_probe_timer}: with something waiting for window and nothing
	 * in flight, no ACK would ever reopen the window if the peer's window update were
	 * lost, so the persist timer starts (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17).
	 */
	private void checkProbeTimer() {
		if (sndNxt == sndUna && timerAt(Timer.RETRANSMIT) < 0 && state != TcpState.SYN_SENT
				&& state != TcpState.SYN_RECEIVED) {
			armPersist();
		}
	}

	/** (Re)starts the RETRANSMIT slot as the persist timer, at {@link #probeInterval}. */
	private void armPersist() {
		persisting = true;
		arm(Timer.RETRANSMIT, probeInterval());
	}

	/** Stops the persist timer and forgets its backoff: the window let something out. */
	private void stopPersist() {
		cancel(Timer.RETRANSMIT);
		persistBackoff = 0;
	}

	/**
	 * Linux {@code tcp_probe0_when}: max(RTO, RTO_min), doubled per probe, at most
	 * RTO_max.
	 */
	private long probeInterval() {
		long base = Math.max(rtt.baseRtoUs(), c.rtoMinMs() * 1000);
		return Math.min(base << Math.min(persistBackoff, 30), c.rtoMaxMs() * 1000);
	}

	/**
	 * The persist timer fired (Linux {@code tcp_probe_timer}, {@code tcp_send_probe0}): a
	 * zero-length segment with SEG.SEQ = SND.UNA − 1 is old to the peer, so it must
	 * answer with an ACK carrying its current window (RFC 9293 §3.8.6.1 allows "or
	 * retransmit"; BSD and Windows send one byte of new data instead, not modelled).
	 * Answered probes reset the count; the connection gives up only when probes go
	 * unanswered (retries2, or orphanRetries for an orphan, which also gives up once the
	 * interval has reached RTO_max).
	 */
	private void persistTimeout() {
		if (sndNxt != sndUna || !waitingForWindow()) {
			probesOut = 0;
			persistBackoff = 0;
			return;
		}
		int max = orphan() ? c.orphanRetries() : c.retries2();
		boolean alive = probeInterval() < c.rtoMaxMs() * 1000;
		if (probesOut >= max || (orphan() && !alive && persistBackoff >= max)) {
			softError = Errno.ETIMEDOUT;
			cx.note(this, "PERSIST_LIMIT",
					"gave up after " + probesOut + " unanswered window probes" + (orphan() ? " (orphan retries)" : ""));
			cx.setState(this, TcpState.CLOSED, "window probe limit");
			return;
		}
		cx.note(this, "WINDOW_PROBE",
				"the peer's window is 0: probe with SEG.SEQ = SND.UNA − 1, which the peer must answer with its window"
						+ " (RFC 9293 §3.8.6.1; Linux tcp_xmit_probe_skb)");
		emit(ACK, sndUna - 1, 0, false);
		probesOut++;
		if (persistBackoff < c.retries2()) {
			persistBackoff++;
		}
		armPersist();
	}

	/**
	 * An acceptable ACK arrived while nothing was in flight (Linux {@code tcp_ack}
	 * {@code icsk_probes_out = 0}, then {@code tcp_ack_probe}): a window that now lets
	 * the queued data or FIN out stops the persist timer; a window still closed restarts
	 * it from now.
	 */
	void windowProbeAnswered() {
		probesOut = 0;
		if (!persisting) {
			return;
		}
		if (sendRoom() > 0) {
			stopPersist();
		}
		else {
			armPersist();
		}
	}

	void sendAck() {
		emit(ACK, sndNxt, 0, false);
	}

	void sendReset() {
		emit(RST | ACK, sndNxt, 0, false);
	}

	/** Sends a reply that is no part of this TCB's send sequence (a reset). */
	void reply(Segment to, Reply r) {
		net.reply(to, pair, pairNo(), r);
	}

	/**
	 * Builds and transmits one segment of this connection; an ACK-bearing segment also
	 * settles the owed ACK and cancels a pending delayed ACK.
	 */
	void emit(int flags, int seq, int len, boolean retransmission) {
		int ackNo = 0;
		long answers = -1;
		if ((flags & ACK) != 0) {
			ackNo = rcvNxt;
			answers = answerId;
			answerId = -1;
			ack.ackSent(rcvNxt, recvBuffered);
			if (timerAt(Timer.DELAYED_ACK) >= 0) {
				cancel(Timer.DELAYED_ACK);
			}
		}
		boolean syn = (flags & SYN) != 0;
		// RFC 7323 §2.2: the window of a SYN is never scaled
		int window = syn ? Math.min(rcvWnd(), 65535) : rcvWnd() >> rcvShift;
		Segment s = net.segment(pair, pair == null ? 0 : pair.id, host, client, localPort, remotePort, flags, seq,
				ackNo, len, window, retransmission, seq - iss, (flags & ACK) != 0 ? ackNo - irs : 0, answers);
		if (syn) {
			synOptions(s, (flags & ACK) != 0);
		}
		else {
			if (tsOk && !replyReset) {
				// RFC 7323 §3.2: once negotiated, on every segment (FIN and RST too)
				s.optTs = true;
				s.tsVal = tsNow();
				s.tsEcr = tsRecent;
			}
			if (sackOk && (flags & (ACK | RST)) == ACK && reassembly != null) {
				// RFC 2018 §4: an ACK sent while data is held after a gap says what is
				// held
				s.sackBlocks = reassembly.sackBlocks(tsOk ? MAX_SACK_BLOCKS - 1 : MAX_SACK_BLOCKS);
			}
		}
		if ((flags & ACK) != 0) {
			lastAckSent = ackNo;
		}
		if (dsack != null && !syn && (flags & (ACK | RST)) == ACK) {
			// RFC 2883 §4: the D-SACK block goes first
			int[] held = s.sackBlocks;
			int n = held == null ? 0 : Math.min(held.length, 2 * (MAX_SACK_BLOCKS - 1));
			int[] b = new int[2 + n];
			b[0] = dsack[0];
			b[1] = dsack[1];
			if (n > 0) {
				System.arraycopy(held, 0, b, 2, n);
			}
			s.sackBlocks = b;
			dsack = null;
		}
		int segLen = s.segLen();
		if (len > 0) {
			ack.dataSent(cx.now);
		}
		// s may be delivered and recycled later: do not use it after this
		net.transmit(s);
		// only a segment with something not yet acknowledged needs the retransmission
		// timer: no timer runs with nothing outstanding (RFC 6298 §5.2), e.g. a FIN
		// resent after it was ACKed
		boolean consumes = (len > 0 || (flags & (SYN | FIN)) != 0) && gt(seq + segLen, sndUna);
		if (consumes && persisting) {
			stopPersist();
		}
		if (consumes && (flags & RST) == 0) {
			if (!retransmission) {
				rtt.sent(seq + segLen, cx.now);
			}
			if (timerAt(Timer.RETRANSMIT) < 0) {
				long after = rtt.rtoUs();
				if (c.tailLossProbe() && sackOk && !retransmission && !probeSent && rtt.backoff() == 0
						&& (flags & SYN) == 0) {
					// RFC 8985 §7.2 / Linux tcp_schedule_loss_probe: only with SACK; PTO
					// = 2·SRTT (+ RTO_min when one segment is outstanding, + 2 ms with
					// more), clamped to the RTO (measured on Linux 6.18 with a 10 ms RTT:
					// a lost FIN is resent at +213, +216, +436, +864 ms; on loopback a
					// probe at ≈ 207 ms)
					long pto = !rtt.hasSample() ? after
							: 2 * rtt.srttUs() + ((sndNxt - sndUna) <= sndMss ? c.rtoMinMs() * 1000 : 2_000);
					after = Math.min(pto, after);
					probeArmed = true;
				}
				arm(Timer.RETRANSMIT, after);
			}
		}
	}

	/**
	 * The options of our SYN or SYN,ACK: the MSS always (RFC 9293 §3.7.1); the Window
	 * Scale option in a SYN when the profile offers it, in a SYN,ACK only in answer to
	 * one (RFC 7323 §2.2).
	 */
	private void synOptions(Segment s, boolean synAck) {
		s.optMss = c.mss();
		int offered = offeredShift();
		if (offered >= 0 && (!synAck || peerOfferedWscale)) {
			s.optWscale = offered;
		}
		s.optSackOk = c.sack() && (!synAck || sackOk);
		if (c.timestamps() && (!synAck || tsOk)) {
			s.optTs = true;
			s.tsVal = tsNow();
			s.tsEcr = synAck ? tsRecent : 0;
		}
	}

	/** Timestamps were negotiated: both SYNs carried the option (RFC 7323 §3.2). */
	boolean tsOk;

	/** The segment being emitted is a reset in reply to a segment (no options). */
	boolean replyReset;

	/** TS.Recent: the TSval to echo (RFC 7323 §4.3). */
	int tsRecent;

	/** When TS.Recent was last stored (µs; Linux ts_recent_stamp). */
	long tsRecentUs = -1;

	/** Last.ACK.sent: RCV.NXT in the last ACK this end sent (RFC 7323 §4.3). */
	int lastAckSent;

	/** The Timestamps option's TSval now: the virtual clock in ms (RFC 7323 §5.4). */
	int tsNow() {
		return tsClock(cx.now);
	}

	/**
	 * The Timestamps clock at virtual time {@code nowMicros}: ms plus an offset of 1, the
	 * same for every connection of the simulation, as Linux keys its offset by the
	 * address pair (docs/engine.md "Clock"). Also TIME_WAIT's replies use it.
	 */
	static int tsClock(long nowMicros) {
		return (int) (nowMicros / 1000) + 1;
	}

	/**
	 * SACK was negotiated: our SYN offered it and the peer's carried SACK-permitted (RFC
	 * 2018 §2).
	 */
	boolean sackOk;

	/** A D-SACK block for the next ACK (RFC 2883), or null. */
	int[] dsack;

	/** Most SACK blocks in an ACK without the Timestamps option (RFC 2018 §3). */
	static final int MAX_SACK_BLOCKS = 4;

	/** The Timestamps option with its two NOPs (RFC 7323 Appendix A). */
	static final int TS_OPTION_BYTES = 12;

	/** The peer's SYN carried the Window Scale option. */
	boolean peerOfferedWscale;

	/**
	 * The shift count this end offers: the profile's, 0 with a small receive buffer
	 * ({@code windowBytes} below 65535, as a small SO_RCVBUF makes Linux offer), −1 when
	 * the profile offers no Window Scale option.
	 */
	int offeredShift() {
		int w = c.windowScale();
		return w < 0 ? -1 : c.windowBytes() < 65535 ? 0 : w;
	}

	/**
	 * The peer's SYN (or SYN,ACK) {@code s} arrived: SendMSS from its MSS option, and the
	 * window shifts when both SYNs carry the Window Scale option (RFC 7323 §2.2; a
	 * SYN,ACK without it turns scaling off for both directions).
	 */
	void negotiate(Segment s) {
		sndMss = Math.min(c.mss(), s.optMss > 0 ? s.optMss : StackConstants.MIN_MSS);
		sackOk = c.sack() && s.optSackOk;
		tsOk = c.timestamps() && s.optTs;
		if (tsOk) {
			tsRecent = s.tsVal;
			tsRecentUs = cx.now;
			// RFC 7323 §4: the option takes 12 of every segment's bytes (Linux mss_cache)
			sndMss -= TS_OPTION_BYTES;
		}
		int offered = offeredShift();
		peerOfferedWscale = s.optWscale >= 0;
		if (peerOfferedWscale && offered >= 0) {
			sndShift = Math.min(s.optWscale, 14);
			rcvShift = offered;
		}
		else {
			sndShift = 0;
			rcvShift = 0;
		}
	}

	/** SEG.WND in bytes: shifted by the peer's scale, except in a SYN (RFC 7323 §2.3). */
	int peerWindow(Segment s) {
		return s.has(SYN) ? s.window : s.window << sndShift;
	}

	// =====================================================================================================
	// Receiving: what the segment-arrival steps ask of the TCB
	// =====================================================================================================

	/**
	 * SND.UNA advances: RTT sample (Karn), retransmission timer restarted or cancelled
	 * (RFC 6298 §5).
	 */
	void ackAdvance(int ackNo) {
		rtt.acked(ackNo, cx.now);
		sndUna = ackNo;
		retransmissions = 0;
		probeArmed = false;
		probeSent = false;
		if (sndUna == sndNxt) {
			if (timerAt(Timer.RETRANSMIT) >= 0) {
				cancel(Timer.RETRANSMIT);
			}
		}
		else {
			arm(Timer.RETRANSMIT, rtt.rtoUs());
		}
	}

	/**
	 * Data ({@code fresh} new bytes of segment {@code s}) or a FIN was taken: the
	 * {@link AckPolicy} says whether the ACK goes now or the delayed-ACK timer runs.
	 */
	void scheduleAck(Segment s, int fresh) {
		long delay = ack.received(fresh > 0 ? s.len : 0, s.has(PSH), cx.now, rtt.rtoUs(), rcvNxt, recvBuffered);
		if (delay == AckPolicy.NOW) {
			sendAck();
		}
		else if (timerAt(Timer.DELAYED_ACK) < 0) {
			arm(Timer.DELAYED_ACK, delay);
		}
	}

	/** The reassembly queue, made when data or a FIN first arrives out of order. */
	ReassemblyQueue reassembly() {
		if (reassembly == null) {
			reassembly = new ReassemblyQueue();
		}
		return reassembly;
	}

	// =====================================================================================================
	// Timers, RFC 9293 §3.10.8
	// =====================================================================================================

	/** Deadline of {@code timer} in µs, −1 when not armed. */
	long timerAt(Timer timer) {
		return cx.timers.at(slot, timer.ordinal());
	}

	void arm(Timer timer, long afterUs) {
		boolean wasArmed = cx.timers.arm(slot, timer.ordinal(), cx.now, afterUs);
		cx.timerEvent(this, timerName(timer), wasArmed ? "restarted" : "armed", cx.now + afterUs);
	}

	void cancel(Timer timer) {
		if (timerAt(timer) < 0) {
			return;
		}
		cx.timers.cancel(slot, timer.ordinal());
		cx.timerEvent(this, timerName(timer), "cancelled", -1);
		if (timer == Timer.RETRANSMIT) {
			persisting = false;
		}
	}

	/** The trace name of a timer: the RETRANSMIT slot is PERSIST while probing. */
	String timerName(Timer timer) {
		return timer == Timer.RETRANSMIT && persisting ? "PERSIST" : timer.name();
	}

	private void stopTimers() {
		for (Timer t : Timer.ALL) {
			if (timerAt(t) >= 0) {
				cancel(t);
			}
		}
	}

	void armFinWait2() {
		if (c.finWait2TimeoutMs() > 0 && timerAt(Timer.FIN_WAIT_2) < 0) {
			arm(Timer.FIN_WAIT_2, c.finWait2TimeoutMs() * 1000);
		}
	}

	/**
	 * A timer fired (§3.10.8). The USER TIMEOUT is not modelled: the retry limits end a
	 * connection that gets no answer, as on Linux; the TIME-WAIT TIMEOUT is
	 * {@link TimeWait#expire}.
	 */
	void onTimer(Timer timer) {
		cx.timerEvent(this, timerName(timer), "fired", -1);
		switch (timer) {
			case RETRANSMIT -> {
				if (persisting) {
					persisting = false;
					persistTimeout();
				}
				else {
					retransmissionTimeout();
				}
			}
			case DELAYED_ACK -> {
				ack.delayedAckFired();
				sendAck();
			}
			case FIN_WAIT_2 -> {
				// Linux tcp_fin_timeout: the orphaned FIN-WAIT-2 connection is dropped
				// silently
				cx.note(this, "FIN_WAIT_2_TIMEOUT",
						"orphaned FIN_WAIT_2 timed out (tcp_fin_timeout); later segments draw RST");
				cx.setState(this, TcpState.CLOSED, "FIN_WAIT_2 timer");
			}
			case LINGER -> {
				// SO_LINGER {1,N} expired: Linux returns 0 and keeps the orphan
				// retransmitting; BSD EWOULDBLOCK
				CallResult r = c.lingerTimeoutErrno();
				cx.note(this, "LINGER_TIMEOUT",
						"SO_LINGER timeout: close() returns " + r + ", the FIN stays outstanding");
				complete(r);
			}
		}
	}

	/** §3.10.8 RETRANSMISSION TIMEOUT with exponential backoff and the retry limits. */
	private void retransmissionTimeout() {
		int limit;
		if (state == TcpState.SYN_RECEIVED && listener != null) {
			// a passive open's SYN,ACK (Linux tcp_synack_retries)
			limit = c.synAckRetries();
		}
		else if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
			limit = c.synRetries();
		}
		else {
			limit = orphan() ? c.orphanRetries() : c.retries2();
		}
		if (retransmissions >= limit) {
			softError = Errno.ETIMEDOUT;
			cx.note(this, "RETRANSMISSION_LIMIT",
					"gave up after " + retransmissions + " retransmissions" + (orphan() ? " (orphan retries)" : ""));
			cx.setState(this, TcpState.CLOSED, "retransmission limit");
			return;
		}
		if (probeArmed) {
			// RFC 8985 §7.3: the tail loss probe resends the tail once; it is not an RTO,
			// so it does not back off and does not count against the retry limits
			probeArmed = false;
			probeSent = true;
			rtt.stopTiming();
			cx.note(this, "TAIL_LOSS_PROBE",
					"tail loss probe: the unacknowledged tail is sent again once, without backing off the RTO (Linux, RFC 8985)");
		}
		else {
			retransmissions++;
			rtt.backOff();
		}
		switch (state) {
			case SYN_SENT -> emit(SYN, iss, 0, true);
			case SYN_RECEIVED -> emit(SYN | ACK, iss, 0, true);
			default -> {
				int dataEnd = finSent ? finSeq : sndNxt;
				int n = dataEnd - sndUna;
				if (n > 0) {
					int len = Math.min(n, sndMss);
					boolean fin = finSent && len == n;
					// the resent segment keeps the PSH it had: only the one that ends the
					// data sent so far carried it
					boolean push = len == n && sendQueue == 0;
					emit(ACK | (push ? PSH : 0) | (fin ? FIN : 0), sndUna, len, true);
				}
				else if (finSent && !finAcked()) {
					emit(FIN | ACK, finSeq, 0, true);
				}
			}
		}
		// emit() re-armed the timer with the backed-off RTO (one "armed" event per
		// firing); with nothing left to resend no timer runs (RFC 6298 §5.2)
	}

}
