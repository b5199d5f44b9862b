package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.FIN;
import static dev.tcplab.engine.Segment.PSH;
import static dev.tcplab.engine.Segment.RST;
import static dev.tcplab.engine.Segment.SYN;
import static dev.tcplab.engine.Seq.ge;
import static dev.tcplab.engine.Seq.gt;
import static dev.tcplab.engine.Seq.le;
import static dev.tcplab.engine.Seq.lt;

import java.util.Map;

/**
 * A transmission control block: one endpoint of a connection with the variables of RFC
 * 9293 §3.3.1, byte-count send and receive buffers, a retransmission queue and its
 * timers.
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
final class Tcb extends Endpoint {

	static final int T_RETRANSMIT = 0;

	static final int T_DELAYED_ACK = 1;

	static final int T_FIN_WAIT_2 = 2;

	static final int T_LINGER = 3;

	static final String[] TIMER_NAMES = { "RETRANSMIT", "DELAYED_ACK", "FIN_WAIT_2", "LINGER" };

	static final int CALL_NONE = 0;

	static final int CALL_RECV = 1;

	static final int CALL_CLOSE = 2;

	static final int CALL_CONNECT = 3;

	final Engine e;

	final StackConstants c;

	final Side side;

	/** 0 = client host, 1 = server host. */
	final int host;

	/**
	 * Number of the client host of this connection (0 = {@code config.clientAddress}).
	 */
	final int client;

	final int localPort;

	final int remotePort;

	final long key;

	Listener listener;

	// ---- RFC 9293 §3.3.1 ----
	// Not kept: SND.UP and RCV.UP (urgent data is not modelled) and SND.WL1/SND.WL2
	// (the segment sequence and acknowledgment numbers of the last window update; see
	// "fifth" in synchronizedArrives).
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
	 * SO_SNDBUF: the most bytes one socket holds unsent or unacknowledged (Linux
	 * {@code tcp_wmem} max, 4 MiB). A send into a full buffer answers EWOULDBLOCK, into a
	 * nearly full one a partial count, as a non-blocking socket does (send(2)).
	 */
	static final long SEND_BUFFER_BYTES = 4L << 20;

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

	/**
	 * A FIN that arrived after a gap (out of order), remembered until the gap is filled,
	 * and its sequence number.
	 */
	boolean oooFin;

	int oooFinSeq;

	/**
	 * Most ranges of out-of-order data held at once; a segment beyond that is dropped.
	 */
	static final int MAX_HELD_RANGES = 64;

	/**
	 * Out-of-order data held for later (RFC 9293 §3.10.7.4 seventh): [start, end) ranges
	 * of sequence space above RCV.NXT, sorted and disjoint; null until needed.
	 */
	int[] heldStart, heldEnd;

	int heldCount;

	/** Error to report to the application once (ECONNRESET, ETIMEDOUT, ECONNREFUSED). */
	Errno softError;

	boolean appClosed;

	boolean shutRd;

	boolean shutWr;

	boolean reuseAddr;

	/** SO_REUSEADDR as it was when the port was bound (port-table accounting). */
	final boolean boundReuse;

	int lingerOnoff;

	int lingerSeconds;

	int pendingCall;

	Integer pendingMax;

	int unackedSegments;

	// Linux's receive-side ACK engine (quickAck profiles; tcp_input.c,
	// inet_connection_sock.h)

	/** Linux TCP_MAX_QUICKACKS: the most quick ACKs one (re)entry grants. */
	static final int MAX_QUICK_ACKS = 16;

	/** Linux TCP_MSS_DEFAULT: the receive-MSS estimate before a larger segment came. */
	static final int RCV_MSS_DEFAULT = 536;

	/**
	 * {@code icsk_ack.ato} in µs: 0 until the first payload arrives (an ACK owed before
	 * then goes out at once), then the delayed-ACK timeout.
	 */
	long ackTimeoutUs;

	/** {@code icsk_ack.quick}: ACKs left to send at once (tcp_in_quickack_mode). */
	int quickAcksLeft;

	/**
	 * Interactive ("pingpong") mode: the application answered within the ACK timeout of
	 * the last data, or the peer's FIN arrived; ACKs wait to ride on a reply.
	 */
	boolean pingpong;

	/** {@code icsk_ack.lrcvtime}: when payload last arrived, in µs. */
	long lastDataUs;

	/** {@code icsk_ack.rcv_mss}: estimate of the peer's segment size. */
	int rcvMssEstimate;

	/** {@code rcv_wup}: RCV.NXT when the last ACK (window update) was sent. */
	int rcvWup;

	/** {@code inet_csk_schedule_ack}: received data or FIN is owed an ACK. */
	boolean ackOwed;

	/** {@code ICSK_ACK_PUSHED}/{@code ICSK_ACK_PUSHED2} of the owed ACK. */
	boolean ackPushed, ackPushed2;

	/** {@code icsk_ack.last_seg_size}. */
	int lastSegSize;

	/** The window the last ACK advertised. */
	int rcvWndAtLastAck;

	/**
	 * Linux TCP_MIN_MSS (not {@link StackConstants#MIN_MSS}, the lab's floor on the
	 * configured MSS).
	 */
	static final int TCP_MIN_MSS = 88;

	// The persist timer (RFC 9293 §3.8.6.1; Linux's ICSK_TIME_PROBE0 shares the
	// retransmission timer's slot, as here)

	/** The RETRANSMIT slot runs as the PERSIST timer (zero-window probes). */
	boolean persisting;

	/** Unanswered window probes ({@code icsk_probes_out}). */
	int probesOut;

	/** Backoff of the probe interval. */
	int persistBackoff;

	/**
	 * Id of the latest received segment whose data/SYN/FIN the next ACK answers, or −1.
	 */
	long answerId = -1;

	// ---- RTO, RFC 6298 ----
	long srttUs = -1;

	long rttvarUs;

	long rtoUs;

	int backoff;

	/** The armed retransmission timer is a tail loss probe (RFC 8985 §7), not an RTO. */
	boolean probeArmed;

	/**
	 * A probe was sent for the current flight; the next timeouts are RTOs with backoff.
	 */
	boolean probeSent;

	int retransmissions;

	boolean timing;

	int timedSeq;

	long timedAtUs;

	// ---- timers (lazy, like Linux's mod_timer): the four timers' state lives in the
	// engine's timer table (Engine.timers), indexed by this TCB's slot, so that a stale
	// queue entry is recognised without touching this (cold) object.
	/** This TCB's timer slot in the engine, −1 once released (closed or compacted). */
	int slot;

	/** Deadline of {@code timer} in µs, −1 when not armed. */
	long timerAt(int timer) {
		return e.timers.at(slot, timer);
	}

	/**
	 * The TIME_WAIT record that took over this connection while the application still
	 * holds the socket.
	 */
	TimeWaitRecord timeWait;

	/** Workload driver, or null for interactive sockets. */
	LoadRun app;

	long appRead;

	boolean appResponded;

	boolean accepted;

	/** This socket holds its local port in the host's port table. */
	boolean portHeld;

	Tcb(Engine e, Pair pair, Side side, int host, int localPort, int remotePort, boolean reuseAddr) {
		this(e, pair, side, host, 0, localPort, remotePort, reuseAddr);
	}

	Tcb(Engine e, Pair pair, Side side, int host, int client, int localPort, int remotePort, boolean reuseAddr) {
		this.e = e;
		this.client = client;
		this.c = e.c;
		this.pair = pair;
		this.side = side;
		this.host = host;
		this.localPort = localPort;
		this.remotePort = remotePort;
		this.key = Engine.key(host, client, localPort, remotePort);
		this.reuseAddr = reuseAddr;
		this.boundReuse = reuseAddr;
		this.rtoUs = c.rtoInitialMs() * 1000;
		this.slot = e.allocTimerSlot(this);
	}

	@Override
	String role() {
		return side == Side.CLIENT ? "client" : "server";
	}

	int rcvWnd() {
		return Math.max(0, c.windowBytes() - recvBuffered);
	}

	boolean orphan() {
		return appClosed && pendingCall != CALL_CLOSE;
	}

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

	// =====================================================================================================
	// User calls, RFC 9293 §3.10.1–3.10.6
	// =====================================================================================================

	/** OPEN (active), §3.10.1: choose ISS, send SYN, enter SYN_SENT. */
	void connect() {
		iss = e.isn.next(e.now, host, client, localPort, remotePort);
		sndUna = iss;
		sndNxt = iss;
		sndWnd = c.windowBytes();
		synchronizedVars = true;
		pendingCall = CALL_CONNECT;
		e.setState(this, TcpState.SYN_SENT, "connect()");
		emit(SYN, iss, 0, false);
		sndNxt = iss + 1;
	}

	/** SEND, §3.10.2. */
	CallResult send(int bytes) {
		if (appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		if (softError != null) {
			return takeError();
		}
		switch (state) {
			case CLOSED:
				return CallResult.failed(synchronizedVars ? Errno.EPIPE : Errno.ENOTCONN);
			case SYN_SENT, SYN_RECEIVED:
				// §3.10.2: queue the data for transmission after entering ESTABLISHED
				return enqueue(bytes);
			case ESTABLISHED, CLOSE_WAIT:
				if (shutWr) {
					return CallResult.failed(Errno.EPIPE);
				}
				CallResult queued = enqueue(bytes);
				output();
				return queued;
			default:
				// FIN_WAIT_1/2, CLOSING, LAST_ACK, TIME_WAIT: "error: connection closing"
				return CallResult.failed(Errno.EPIPE);
		}
	}

	/**
	 * Takes as much of a SEND as the send buffer has room for (§3.10.2 "if there is
	 * insufficient space to remember this buffer, simply return 'error: insufficient
	 * resources'"; a non-blocking socket answers EWOULDBLOCK or a partial count).
	 */
	private CallResult enqueue(int bytes) {
		if (bytes == 0) {
			return CallResult.ZERO;
		}
		long room = SEND_BUFFER_BYTES - sendBuffered();
		if (room <= 0) {
			return CallResult.failed(Errno.EWOULDBLOCK);
		}
		int n = (int) Math.min(bytes, room);
		sendQueue += n;
		return CallResult.returned(n);
	}

	/** RECEIVE, §3.10.3. */
	CallResult recv(Integer max) {
		if (appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		if (pendingCall == CALL_RECV) {
			return CallResult.failed(Errno.EALREADY);
		}
		if (recvBuffered > 0) {
			// after shutdown(SHUT_RD) only a Linux buffer still holds data: it is read
			return CallResult.returned(consume(max));
		}
		if (softError != null) {
			return takeError();
		}
		if (peerFin || shutRd) {
			return CallResult.ZERO;
		}
		if (max != null && max == 0) {
			return CallResult.ZERO;
		}
		switch (state) {
			case CLOSED:
				return synchronizedVars ? CallResult.ZERO : CallResult.failed(Errno.ENOTCONN);
			case SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2:
				pendingCall = CALL_RECV;
				pendingMax = max;
				return CallResult.PENDING;
			default:
				return CallResult.ZERO;
		}
	}

	int consume(Integer max) {
		int n = max == null ? recvBuffered : Math.min(max, recvBuffered);
		int before = rcvWnd();
		recvBuffered -= n;
		appRead += n;
		// window update when the receive window reopens from below one MSS (RFC 9293
		// §3.8.6.2.2)
		if (n > 0 && before < c.mss() && rcvWnd() >= c.mss() && state != TcpState.CLOSED
				&& state != TcpState.TIME_WAIT) {
			sendAck();
		}
		else if (n > 0) {
			ackAfterRead();
		}
		return n;
	}

	private CallResult takeError() {
		Errno err = softError;
		softError = null;
		return CallResult.failed(err);
	}

	/**
	 * close() on the socket: the CLOSE call, then the engine lets go of the socket handle
	 * ({@link Engine#socketClosed}: a TIME_WAIT record the handle still mirrored lives on
	 * alone).
	 */
	CallResult close() {
		if (appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		CallResult result = closeCall();
		e.socketClosed(this);
		return result;
	}

	/**
	 * CLOSE, §3.10.4, with SO_LINGER (Stevens UNP §7.5) and RST on unread data (RFC 1122
	 * §4.2.2.13).
	 */
	private CallResult closeCall() {
		if (pendingCall == CALL_RECV) {
			complete(CallResult.failed(Errno.EBADF));
		}
		appClosed = true;
		if (lingerOnoff == 1 && lingerSeconds == 0) {
			return abort();
		}
		switch (state) {
			case CLOSED:
				// §3.10.4 CLOSED: "error: connection does not exist"; a socket whose
				// connection ended returns 0 (Linux)
				return CallResult.ZERO;
			case SYN_SENT:
				// §3.10.4 SYN-SENT: delete the TCB
				abortConnect(Errno.ECONNABORTED);
				e.setState(this, TcpState.CLOSED, "close()");
				return CallResult.ZERO;
			case SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, FIN_WAIT_2:
				if (recvBuffered > 0 && c.rstOnUnreadClose() && state != TcpState.SYN_RECEIVED) {
					// RFC 1122 §4.2.2.13, RFC 2525 §2.17: data was unread at close ->
					// RST, not FIN
					e.note(this, "RST_UNREAD_DATA", recvBuffered + " unread byte(s) at close(): RST instead of FIN");
					sendReset();
					softError = null;
					e.setState(this, TcpState.CLOSED, "close() with unread data");
					return CallResult.ZERO;
				}
				if (state == TcpState.CLOSE_WAIT) {
					// §3.10.4 CLOSE-WAIT: queue FIN, enter LAST-ACK
					shutWr = true;
					finQueued = true;
					e.setState(this, TcpState.LAST_ACK, "close()");
					output();
				}
				else if (state == TcpState.SYN_RECEIVED || state == TcpState.ESTABLISHED) {
					// §3.10.4 ESTABLISHED: queue FIN after pending sends, enter
					// FIN-WAIT-1
					shutWr = true;
					finQueued = true;
					e.setState(this, TcpState.FIN_WAIT_1, "close()");
					output();
				}
				else if (state == TcpState.FIN_WAIT_2) {
					armFinWait2();
				}
				break;
			case TIME_WAIT:
				// §3.10.4 TIME-WAIT: "respond with error: connection closing"; Linux
				// returns 0 (the connection lives on as a TIME_WAIT record)
				return CallResult.ZERO;
			default:
				// CLOSING, LAST_ACK: the FIN is already out ("error: connection closing";
				// Linux: 0)
				break;
		}
		if (lingerOnoff == 1 && lingerSeconds > 0 && finQueued && !finAcked() && state != TcpState.CLOSED) {
			// SO_LINGER {1,N}: close() blocks until the FIN is ACKed or N seconds pass
			pendingCall = CALL_CLOSE;
			arm(T_LINGER, lingerSeconds * 1_000_000L, false);
			return CallResult.PENDING;
		}
		return CallResult.ZERO;
	}

	/**
	 * ABORT, §3.10.5 (SO_LINGER {1,0} + close()): RST, no TIME_WAIT, buffers discarded.
	 */
	private CallResult abort() {
		appClosed = true;
		switch (state) {
			case CLOSING, LAST_ACK:
				if (sendQueue == 0) {
					// §3.10.5 CLOSING, LAST-ACK: "respond with ok and delete the TCB";
					// Linux tcp_disconnect resets here only if data is still unsent
					// (tcp_need_reset: ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1/2, SYN_RECV)
					e.note(this, "LINGER_ZERO_NO_RST",
							"SO_LINGER {1,0} in " + state + ": the connection is deleted without RST");
					e.setState(this, TcpState.CLOSED, "linger {1,0}");
					return CallResult.ZERO;
				}
				// fall through: unsent data left, RST as from ESTABLISHED
			case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT:
				sendQueue = 0;
				recvBuffered = 0;
				sendReset();
				e.note(this, "RST_LINGER_ZERO", "SO_LINGER {1,0}: close() sends RST and skips TIME_WAIT");
				e.setState(this, TcpState.CLOSED, "linger {1,0}");
				return CallResult.ZERO;
			case SYN_SENT:
				abortConnect(Errno.ECONNABORTED);
				e.setState(this, TcpState.CLOSED, "linger {1,0}");
				return CallResult.ZERO;
			default:
				// TIME_WAIT: §3.10.5 "respond with ok and delete the TCB" — the record
				// stays (Linux); CLOSED: nothing to abort
				return CallResult.ZERO;
		}
	}

	/**
	 * The connection is given up while connect() blocks: connect() fails with
	 * {@code errno}, never reports success (Linux inet_wait_for_connect: sk_err, else
	 * ECONNABORTED).
	 */
	private void abortConnect(Errno errno) {
		if (pendingCall == CALL_CONNECT) {
			e.note(this, "CONNECT_ABORTED",
					"the connection is given up before it was established: connect() fails with " + errno);
			complete(CallResult.failed(errno));
		}
	}

	/** shutdown(how), RFC 1122 §4.2.2.13 half-duplex close. */
	CallResult shutdown(boolean rd, boolean wr) {
		if (appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		if (state == TcpState.CLOSED || state == TcpState.LISTEN) {
			return CallResult.failed(Errno.ENOTCONN);
		}
		if (state == TcpState.SYN_SENT) {
			// Linux inet_shutdown: a connecting socket is disconnected (tcp_disconnect
			// sets ECONNRESET for the blocked connect()); BSD tcp_usrclosed closes it
			// too.
			// No segment is sent; a later SYN,ACK finds no connection and draws RST
			// (measured on Linux 6.18)
			shutRd |= rd;
			shutWr |= wr;
			abortConnect(Errno.ECONNRESET);
			e.setState(this, TcpState.CLOSED, "shutdown() in SYN_SENT");
			return CallResult.ZERO;
		}
		if (rd && !shutRd) {
			shutRd = true;
			if (!c.shutRdKeepsData() && recvBuffered > 0) {
				// BSD sorflush: what was received and not read is thrown away
				e.note(this, "SHUT_RD_FLUSH", "shutdown(SHUT_RD) discards " + recvBuffered + " unread byte(s)");
				recvBuffered = 0;
			}
			if (pendingCall == CALL_RECV) {
				complete(CallResult.ZERO);
			}
		}
		if (wr && !shutWr) {
			shutWr = true;
			switch (state) {
				case SYN_RECEIVED, ESTABLISHED:
					finQueued = true;
					e.setState(this, TcpState.FIN_WAIT_1, "shutdown(SHUT_WR)");
					output();
					break;
				case CLOSE_WAIT:
					finQueued = true;
					e.setState(this, TcpState.LAST_ACK, "shutdown(SHUT_WR)");
					output();
					break;
				default:
					break;
			}
		}
		return CallResult.ZERO;
	}

	/** Retransmits this side's FIN now, as its retransmission timer would. */
	String resendFin() {
		if (!finSent || state == TcpState.CLOSED) {
			return "ENOTCONN";
		}
		emit(FIN | ACK, finSeq, 0, true);
		return "ok";
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
		while (sendQueue > 0) {
			int inFlight = sndNxt - sndUna;
			int room = sndWnd - inFlight;
			if (room <= 0) {
				break;
			}
			int n = (int) Math.min(Math.min(c.mss(), sendQueue), room);
			sendQueue -= n;
			// PSH only on the segment that empties the send queue (Linux tcp_push marks
			// the
			// last skb of a write; BSD tcp_output pushes when the buffer empties) —
			// checked
			// against the real kernel with packetdrill (docs/engine.md)
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

	/** Usable send window: SND.UNA + SND.WND − SND.NXT. */
	private int sendRoom() {
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
		if (sndNxt == sndUna && timerAt(T_RETRANSMIT) < 0 && state != TcpState.SYN_SENT
				&& state != TcpState.SYN_RECEIVED) {
			armPersist();
		}
	}

	/** (Re)starts the RETRANSMIT slot as the persist timer, at {@link #probeInterval}. */
	private void armPersist() {
		persisting = true;
		arm(T_RETRANSMIT, probeInterval(), false);
	}

	/** Stops the persist timer and forgets its backoff: the window let something out. */
	private void stopPersist() {
		cancel(T_RETRANSMIT);
		persistBackoff = 0;
	}

	/**
	 * Linux {@code tcp_probe0_when}: max(RTO, RTO_min), doubled per probe, at most
	 * RTO_max.
	 */
	private long probeInterval() {
		long base = Math.max(rtoUs, c.rtoMinMs() * 1000);
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
			e.note(this, "PERSIST_LIMIT",
					"gave up after " + probesOut + " unanswered window probes" + (orphan() ? " (orphan retries)" : ""));
			e.setState(this, TcpState.CLOSED, "window probe limit");
			return;
		}
		e.note(this, "WINDOW_PROBE",
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
	private void windowProbeAnswered() {
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

	/**
	 * A reset built from the segment that drew it, as Linux {@code tcp_v4_send_reset}
	 * (after {@code tcp_rcv_state_process} aborts on data to a closed socket) and BSD
	 * {@code dropwithreset} send it: {@code <SEQ=SEG.ACK><CTL=RST>} — a bare RST, not
	 * RST,ACK (checked with packetdrill on Linux 6.18, docs/engine.md).
	 */
	void resetInReplyTo(Segment s) {
		if (s.has(ACK)) {
			emit(RST, s.ack, 0, false);
		}
		else {
			sendReset();
		}
	}

	/**
	 * Builds and transmits one segment; an ACK-bearing segment also cancels a pending
	 * delayed ACK.
	 */
	void emit(int flags, int seq, int len, boolean retransmission) {
		int ack = 0;
		long answers = -1;
		if ((flags & ACK) != 0) {
			ack = rcvNxt;
			answers = answerId;
			answerId = -1;
			unackedSegments = 0;
			ackSent();
			if (timerAt(T_DELAYED_ACK) >= 0) {
				cancel(T_DELAYED_ACK);
			}
		}
		Segment s = e.net.segment(pair, pair == null ? 0 : pair.id, host, client, localPort, remotePort, flags, seq,
				ack, len, rcvWnd(), retransmission, seq - iss, (flags & ACK) != 0 ? ack - irs : 0, answers);
		int segLen = s.segLen();
		if (len > 0) {
			dataSent();
		}
		e.net.transmit(s); // s may be delivered and recycled later: do not use it after
							// this

		// only a segment with something not yet acknowledged needs the retransmission
		// timer: no timer runs with nothing outstanding (RFC 6298 §5.2), e.g. a FIN
		// resent after it was ACKed
		boolean consumes = (len > 0 || (flags & (SYN | FIN)) != 0) && gt(seq + segLen, sndUna);
		if (consumes && persisting) {
			stopPersist();
		}
		if (consumes && (flags & RST) == 0) {
			if (!retransmission && !timing) {
				timing = true;
				timedSeq = seq + segLen;
				timedAtUs = e.now;
			}
			if (timerAt(T_RETRANSMIT) < 0) {
				long after = currentRto();
				if (c.tailLossProbe() && !retransmission && !probeSent && backoff == 0 && (flags & SYN) == 0) {
					// RFC 8985 §7.2 / Linux tcp_schedule_loss_probe: PTO = 2·SRTT (+
					// RTO_min when one segment is outstanding, + 2 ms with more). The
					// probe fires only when it comes no later than the RTO; otherwise the
					// RTO fires first and backs off (measured on Linux 6.18: with a 10 ms
					// RTT plain doubling from ≈ 213 ms, on loopback a probe at ≈ 207 ms)
					long pto = srttUs < 0 ? after
							: 2 * srttUs + ((sndNxt - sndUna) <= c.mss() ? c.rtoMinMs() * 1000 : 2_000);
					if (pto <= after) {
						after = pto;
						probeArmed = true;
					}
				}
				arm(T_RETRANSMIT, after, false);
			}
		}
	}

	long currentRto() {
		long rto = rtoUs << Math.min(backoff, 30);
		return Math.min(rto, c.rtoMaxMs() * 1000);
	}

	/**
	 * RFC 6298 §2, or Linux's variant RTO = SRTT + max(RTO_min, 4·RTTVAR) when the
	 * constant {@code rtoFormula} is "linux", or FreeBSD's max(RTO_min, SRTT + 4·RTTVAR +
	 * 200 ms) when it is "freebsd".
	 */
	private void rttSample(long r) {
		if (srttUs < 0) {
			srttUs = r;
			rttvarUs = r / 2;
		}
		else {
			rttvarUs = (3 * rttvarUs + Math.abs(srttUs - r)) / 4;
			srttUs = (7 * srttUs + r) / 8;
		}
		long min = c.rtoMinMs() * 1000;
		long rto;
		if (e.linuxRto) {
			rto = srttUs + Math.max(min, 4 * rttvarUs);
		}
		else if (e.freebsdRto) {
			rto = Math.max(min, srttUs + 4 * rttvarUs + StackConstants.FREEBSD_REXMIT_SLOP_MS * 1000L);
		}
		else {
			rto = Math.max(min, srttUs + Math.max(1000, 4 * rttvarUs));
		}
		rtoUs = Math.min(rto, c.rtoMaxMs() * 1000);
	}

	boolean finAcked() {
		return finSent && gt(sndUna, finSeq);
	}

	// =====================================================================================================
	// SEGMENT ARRIVES, RFC 9293 §3.10.7
	// =====================================================================================================

	/**
	 * SEGMENT ARRIVES for whatever the engine's demultiplexing found on {@code host}: a
	 * TCB (§3.10.7.3 SYN-SENT, §3.10.7.4 the synchronized states), a connection in
	 * TIME-WAIT ({@link TimeWait#arrives}, §3.10.7.4), a listener (§3.10.7.2 LISTEN) or
	 * nothing (§3.10.7.1 CLOSED).
	 */
	static void segmentArrives(Engine e, Endpoint ep, int host, Segment s) {
		if (ep instanceof Tcb t) {
			t.onSegment(s);
		}
		else if (ep instanceof TimeWaitRecord r) {
			e.tw.arrives(r, s);
		}
		else if (ep instanceof Listener l && l.state == TcpState.LISTEN) {
			listenArrives(e, l, s);
		}
		else {
			closedArrives(e, host, s);
		}
	}

	/**
	 * §3.10.7.1 CLOSED: "all data in the incoming segment is discarded ... an incoming
	 * segment not containing a RST causes a RST to be sent".
	 */
	static void closedArrives(Engine e, int host, Segment s) {
		if (s.has(RST)) {
			return;
		}
		if (e.rec.states) {
			e.note(s.pair, Engine.role(host), "RST_NO_CONNECTION",
					"no connection for " + e.address(host, s.client) + ":" + s.dstPort + ": RST");
		}
		if (s.has(ACK)) {
			// <SEQ=SEG.ACK><CTL=RST>
			e.net.sendRaw(host, s.client, s.dstPort, s.srcPort, s.pair, s.pairNo, RST, s.ack, 0, 0, s.ack - s.relAck, 0,
					-1);
		}
		else {
			// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
			e.net.sendRaw(host, s.client, s.dstPort, s.srcPort, s.pair, s.pairNo, RST | ACK, 0, s.seq + s.segLen(), 0,
					0, s.seq - s.relSeq, -1);
		}
	}

	/** §3.10.7.2 LISTEN. */
	static void listenArrives(Engine e, Listener l, Segment s) {
		listenArrives(e, l, s, null);
	}

	/**
	 * {@link #listenArrives(Engine, Listener, Segment)} with the child's ISS given (a SYN
	 * reopening TIME_WAIT), or null for the ISN generator.
	 */
	static void listenArrives(Engine e, Listener l, Segment s, Integer iss) {
		// first: check for a RST — ignore it
		if (s.has(RST)) {
			return;
		}
		// second: an ACK on a listener is bad: <SEQ=SEG.ACK><CTL=RST>
		if (s.has(ACK)) {
			e.note(s.pair, "server", "RST_NO_CONNECTION", "ACK on a listening port: RST");
			e.net.sendRaw(Engine.SERVER_HOST, s.client, s.dstPort, s.srcPort, s.pair, s.pairNo, RST, s.ack, 0, 0,
					s.ack - s.relAck, 0, -1);
			return;
		}
		// third: a SYN creates a child connection in SYN-RECEIVED
		if (!s.has(SYN)) {
			return;
		}
		if (l.backlogFull()) {
			e.note(s.pair, "listener", "SYN_DROPPED_BACKLOG", "listen backlog full: SYN dropped");
			return;
		}
		Pair p = e.childPair(s);
		Tcb child = new Tcb(e, p, Side.SERVER, Engine.SERVER_HOST, s.client, l.port, s.srcPort, true);
		child.passiveOpen(l, s, iss);
		e.childCreated(child, l, p);
		e.setState(child, TcpState.SYN_RECEIVED, "rcv SYN");
		child.emit(SYN | ACK, child.iss, 0, false);
		child.sndNxt = child.iss + 1;
	}

	/**
	 * §3.10.7.2 "third" for a new child of listener {@code l}: "Set RCV.NXT to SEG.SEQ+1,
	 * IRS is set to SEG.SEQ ... ISS should be selected".
	 */
	private void passiveOpen(Listener l, Segment s, Integer givenIss) {
		listener = l;
		state = TcpState.LISTEN;
		irs = s.seq;
		rcvNxt = s.seq + 1;
		sndWnd = s.window;
		sndWl1 = s.seq;
		iss = givenIss != null ? givenIss : e.isn.next(e.now, Engine.SERVER_HOST, s.client, l.port, s.srcPort);
		sndUna = iss;
		sndNxt = iss;
		synchronizedVars = true;
		answerId = s.id;
	}

	/** One dispatch on the state per arriving segment. */
	void onSegment(Segment s) {
		switch (state) {
			// §3.10.7.3 SYN-SENT
			case SYN_SENT -> synSentArrives(s);
			// §3.10.7.4 Other states
			case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK ->
				synchronizedArrives(s);
			// TIME_WAIT is handled by the compact record (TimeWait.arrives);
			// CLOSED/LISTEN never reach a Tcb (segmentArrives)
			default -> {
			}
		}
		if (app != null && state != TcpState.CLOSED) {
			app.afterSegment(this);
		}
	}

	/** §3.10.7.3: SYN-SENT. */
	private void synSentArrives(Segment s) {
		boolean ackOk = false;
		// first: check the ACK bit
		if (s.has(ACK)) {
			if (le(s.ack, iss) || gt(s.ack, sndNxt)) {
				if (!s.has(RST)) {
					e.net.sendRaw(host, client, localPort, remotePort, pair, pair == null ? 0 : pair.id, RST, s.ack, 0,
							0, iss, irs, -1);
				}
				return;
			}
			ackOk = true;
		}
		// second: check the RST bit
		if (s.has(RST)) {
			if (ackOk) {
				softError = Errno.ECONNREFUSED;
				e.note(this, "CONNECTION_REFUSED", "RST in SYN_SENT: connection refused");
				e.setState(this, TcpState.CLOSED, "rcv RST");
			}
			return;
		}
		// third: check the security — not modelled (no security compartments)
		// fourth: check the SYN bit; fifth: "if neither of the SYN or RST bits is set,
		// then drop the segment and return"
		if (!s.has(SYN)) {
			return;
		}
		irs = s.seq;
		rcvNxt = s.seq + 1;
		sndWnd = s.window;
		sndWl1 = s.seq;
		sndWl2 = s.ack;
		answerId = s.id;
		if (ackOk) {
			ackAdvance(s.ack);
		}
		if (gt(sndUna, iss)) {
			// our SYN has been ACKed: ESTABLISHED, send ACK
			e.setState(this, TcpState.ESTABLISHED, "rcv SYN,ACK");
			sendAck();
			completeConnect();
			output();
		}
		else {
			// simultaneous open: SYN-RECEIVED, send SYN,ACK
			e.setState(this, TcpState.SYN_RECEIVED, "rcv SYN");
			emit(SYN | ACK, iss, 0, true);
		}
	}

	/**
	 * §3.10.7.4: SYN-RECEIVED through LAST-ACK (TIME-WAIT in {@link TimeWait#arrives}).
	 */
	private void synchronizedArrives(Segment s) {
		// A retransmitted SYN while in SYN-RECEIVED: answer with our SYN,ACK again (as
		// Linux's request socks do)
		if (state == TcpState.SYN_RECEIVED && s.has(SYN) && !s.has(ACK) && s.seq == irs) {
			emit(SYN | ACK, iss, 0, true);
			return;
		}
		// first: check sequence number (acceptability test). "If the RCV.WND is zero, no
		// segments will be acceptable, but special allowance should be made to accept
		// valid ACKs": a segment at the window's edge goes on for its ACK field, its text
		// is dropped in the seventh step (BSD tcp_input "window is closed", Linux
		// tcp_data_queue zero-window drop)
		boolean atClosedWindow = rcvWnd() == 0 && s.len > 0 && s.seq == rcvNxt && !s.has(SYN) && !s.has(RST);
		if (!atClosedWindow && !acceptable(s)) {
			if (!s.has(RST) && !oowAckLimited(s, false)) {
				if (s.len > 0 && lt(s.seq, rcvNxt)) {
					// Linux tcp_send_dupack: old data means our ACK was lost
					enterQuickAckMode();
				}
				sendAck();
			}
			return;
		}
		// second: check the RST bit (RFC 5961 §3.2: exact match resets, otherwise
		// challenge ACK)
		boolean passive = state == TcpState.SYN_RECEIVED && listener != null;
		if (s.has(RST)) {
			if (s.seq != rcvNxt) {
				if (!oowAckLimited(s, true)) {
					e.note(this, "CHALLENGE_ACK",
							"RST inside the window but not at RCV.NXT: challenge ACK (RFC 5961 §3.2)");
					sendAck();
				}
				return;
			}
			switch (state) {
				case SYN_RECEIVED -> {
					// "If this connection was initiated with a passive OPEN ..., then
					// return this connection to LISTEN state": the child is deleted, the
					// listener goes on listening (Linux 6.18 measured: an RST at RCV.NXT
					// drops the request silently, one elsewhere in the window draws a
					// challenge ACK)
					if (passive) {
						e.note(this, "BACK_TO_LISTEN",
								"RST in SYN_RECEIVED of a passive open: the connection returns to LISTEN"
										+ " (RFC 9293 §3.10.7.4)");
					}
					e.setState(this, TcpState.CLOSED, "rcv RST");
				}
				case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
					// "any outstanding RECEIVEs and SEND should receive 'reset'
					// responses"
					softError = Errno.ECONNRESET;
					sendQueue = 0;
					e.setState(this, TcpState.CLOSED, "rcv RST");
				}
				default -> {
					// CLOSING, LAST_ACK
					if (pendingCall != CALL_NONE) {
						softError = Errno.ECONNRESET;
					}
					e.setState(this, TcpState.CLOSED, "rcv RST");
				}
			}
			return;
		}
		// third: check security — not modelled (no security compartments)
		// fourth: a SYN in a synchronized state draws a challenge ACK (RFC 5961 §4)
		if (s.has(SYN)) {
			if (passive) {
				if (c.requestSockets()) {
					// Linux tcp_check_req "embryonic_reset": RST to the SYN, request
					// dropped
					e.note(this, "REQUEST_DROPPED",
							"SYN reaches a SYN_RECEIVED request socket: RST, the request is dropped (Linux tcp_check_req)");
					if (s.has(ACK)) {
						e.net.sendRaw(host, client, localPort, remotePort, pair, pair == null ? 0 : pair.id, RST, s.ack,
								0, 0, iss, irs, -1);
					}
					else {
						e.net.sendRaw(host, client, localPort, remotePort, pair, pair == null ? 0 : pair.id, RST | ACK,
								0, s.seq + s.segLen(), 0, 0, s.seq - s.relSeq, -1);
					}
				}
				else {
					// §3.10.7.4 fourth, SYN-RECEIVED: "If the connection was initiated
					// with a passive OPEN, then return this connection to the LISTEN
					// state
					// and return"
					e.note(this, "BACK_TO_LISTEN",
							"SYN in SYN_RECEIVED of a passive open: the connection returns to LISTEN (RFC 9293 §3.10.7.4)");
				}
				e.setState(this, TcpState.CLOSED, "rcv SYN");
				return;
			}
			if (!oowAckLimited(s, true)) {
				e.note(this, "CHALLENGE_ACK", "SYN in a synchronized state: challenge ACK (RFC 5961 §4)");
				sendAck();
			}
			return;
		}
		// fifth: check the ACK field
		if (!s.has(ACK)) {
			return;
		}
		if (state == TcpState.SYN_RECEIVED) {
			if (gt(s.ack, sndUna) && le(s.ack, sndNxt)) {
				e.setState(this, TcpState.ESTABLISHED, "rcv ACK of SYN");
				sndWnd = s.window;
				sndWl1 = s.seq;
				sndWl2 = s.ack;
				ackAdvance(s.ack);
				if (listener != null) {
					listener.accept(e, this);
				}
				output();
			}
			else {
				e.net.sendRaw(host, client, localPort, remotePort, pair, pair == null ? 0 : pair.id, RST, s.ack, 0, 0,
						iss, irs, -1);
				return;
			}
		}
		if (gt(s.ack, sndNxt)) {
			// acks something not yet sent: §3.10.7.4 fifth "send an ACK, drop the
			// segment, and return"; Linux (tcp_ack, ACK_UNSENT_DATA) drops it silently,
			// which also ends the ACK war two desynchronised ends would otherwise start
			if (c.ackOfUnsentDataDropped()) {
				e.note(this, "ACK_OF_UNSENT_DATA",
						"the segment acknowledges data never sent: dropped without an answer (Linux)");
				return;
			}
			sendAck();
			return;
		}
		int priorInFlight = sndNxt - sndUna;
		if (gt(s.ack, sndUna)) {
			ackAdvance(s.ack);
		}
		if (ge(s.ack, sndUna) && (lt(sndWl1, s.seq) || (sndWl1 == s.seq && le(sndWl2, s.ack)))) {
			// "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If
			// (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set
			// SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK":
			// an old, reordered segment cannot reset the window
			sndWnd = s.window;
			sndWl1 = s.seq;
			sndWl2 = s.ack;
		}
		if (priorInFlight == 0) {
			windowProbeAnswered();
		}
		switch (state) {
			case FIN_WAIT_1:
				// "if the FIN segment is now acknowledged, then enter FIN-WAIT-2"
				if (finAcked()) {
					e.setState(this, TcpState.FIN_WAIT_2, "rcv ACK of FIN");
					finAckedForLinger();
					if (appClosed) {
						armFinWait2();
					}
				}
				break;
			case CLOSING:
				// "if the ACK acknowledges our FIN, then enter the TIME-WAIT state"
				if (finAcked()) {
					finAckedForLinger();
					enterTimeWait("rcv ACK of FIN");
					return;
				}
				output(); // a FIN still held behind a zero window may go now
				return;
			case LAST_ACK:
				// "if our FIN is now acknowledged, delete the TCB, enter the CLOSED
				// state"
				if (finAcked()) {
					finAckedForLinger();
					e.setState(this, TcpState.CLOSED, "rcv ACK of FIN");
				}
				else {
					output();
				}
				return;
			default:
				break;
		}
		output();
		// sixth: check the URG bit — not modelled (no urgent data)
		// seventh: process the segment text
		int fresh = 0;
		boolean gapFilled = false;
		if (atClosedWindow
				&& (state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2)) {
			// no room: the text (and a FIN behind it) is dropped, the ACK tells the
			// window
			e.note(this, "ZERO_WINDOW_DROP", "data at RCV.NXT while RCV.WND = 0: its ACK field is processed,"
					+ " its text dropped, and an ACK repeats the closed window (RFC 9293 §3.10.7.4)");
			enterQuickAckMode();
			sendAck();
			return;
		}
		if (s.len > 0) {
			switch (state) {
				case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> {
					// data after a gap "SHOULD be held for later processing" (Linux
					// tcp_data_queue_ofo, BSD tcp_reass)
					boolean ahead = gt(s.seq, rcvNxt);
					int skip = ahead ? 0 : rcvNxt - s.seq;
					fresh = ahead ? 0 : Math.min(s.len - skip, rcvWnd());
					if (fresh > 0 || ahead) {
						boolean afterShutRd = shutRd && !appClosed && c.rstOnDataAfterShutRd()
								&& state != TcpState.ESTABLISHED;
						if ((appClosed && c.rstOnUnreadClose()) || afterShutRd) {
							// RFC 1122 §4.2.2.13: new data after CLOSE -> RST (Linux:
							// data to
							// an orphan, or to FIN_WAIT_1/2 after SHUT_RD). The reset
							// answers
							// the segment: <SEQ=SEG.ACK><CTL=RST> (tcp_v4_send_reset, BSD
							// dropwithreset)
							if (afterShutRd) {
								e.note(this, "RST_DATA_AFTER_SHUTDOWN",
										"data arrived after shutdown(SHUT_RD) in " + state + ": RST (Linux)");
								softError = Errno.ECONNRESET;
							}
							else {
								e.note(this, "RST_DATA_AFTER_CLOSE", "data arrived after the application closed: RST");
							}
							resetInReplyTo(s);
							e.setState(this, TcpState.CLOSED,
									afterShutRd ? "rcv data after shutdown()" : "rcv data after close()");
							return;
						}
					}
					if (ahead) {
						holdOutOfOrder(s);
						return;
					}
					if (fresh > 0) {
						if (s.pairNo != 0 && s.pairNo != pairNo()) {
							noteDataFromOtherConnection(s, skip, fresh);
						}
						rcvNxt += fresh;
						gapFilled = heldCount > 0;
						int held = takeHeldData();
						if (!shutRd || c.shutRdKeepsData()) {
							recvBuffered += fresh + held;
						}
						answerId = s.id;
						unackedSegments++;
					}
					else {
						fresh = 0;
					}
				}
				default -> {
					// CLOSE-WAIT, CLOSING, LAST-ACK: the peer already sent FIN; ignore
					// the text
				}
			}
		}
		// eighth: check the FIN bit
		if (s.has(FIN) && !peerFin && gt(s.seq + s.len, rcvNxt)) {
			// a FIN beyond a gap is not accepted: an immediate duplicate ACK asks for the
			// gap (RFC 9293 §3.10.7.4 seventh/eighth, RFC 5681 §4.2; Linux measured)
			e.note(this, "OUT_OF_ORDER_FIN", "FIN after a gap: not accepted, duplicate ACK for RCV.NXT");
			// Linux keeps the FIN in its out-of-order queue: once the gap is filled one
			// ACK
			// covers data and FIN (tcp_ofo_queue; packetdrill, fin-after-gap-dup-ack.pkt)
			oooFin = true;
			oooFinSeq = s.seq + s.len;
			sendAck();
			return;
		}
		boolean finNow = s.has(FIN) && s.seq + s.len == rcvNxt && !peerFin;
		if (!finNow && oooFin && !peerFin && rcvNxt == oooFinSeq && fresh > 0) {
			// the gap before a remembered FIN is filled: the FIN is taken now, and the
			// ACK goes at once (RFC 5681 §4.2; Linux tcp_data_queue ICSK_ACK_NOW)
			finNow = true;
			gapFilled = true;
		}
		if (finNow) {
			oooFin = false;
			rcvNxt++;
			peerFin = true;
			answerId = s.id;
			switch (state) {
				case ESTABLISHED -> {
					e.setState(this, TcpState.CLOSE_WAIT, "rcv FIN");
					if (c.quickAck()) {
						// Linux tcp_fin: CLOSE_WAIT enters interactive mode, so the ACK
						// waits for the application's own FIN unless no data ever came
						pingpong = true;
					}
					scheduleAck(s, fresh, gapFilled);
				}
				case FIN_WAIT_1 -> {
					// our FIN not yet ACKed (else we would be in FIN-WAIT-2):
					// simultaneous close
					e.setState(this, TcpState.CLOSING, "rcv FIN");
					sendAck();
				}
				case FIN_WAIT_2 -> {
					sendAck();
					enterTimeWait("rcv FIN");
					wakeReader();
					return;
				}
				default -> sendAck();
			}
			wakeReader();
			return;
		}
		if (fresh > 0) {
			// filling a gap is ACKed at once (RFC 5681 §4.2; Linux ICSK_ACK_NOW)
			scheduleAck(s, fresh, gapFilled);
			wakeReader();
		}
	}

	/** Time of this connection's last challenge or out-of-window ACK in µs, or −1. */
	long lastOowAckUs = -1;

	/**
	 * RFC 5961 §7 ACK throttling as Linux does it ({@code tcp_oow_rate_limited},
	 * {@code tcp_send_challenge_ack}): at most one challenge or out-of-window ACK per
	 * {@code challengeAckIntervalMs} per connection; an out-of-window segment with data
	 * (and no SYN) is exempt. True = this ACK is suppressed; false = send it (and it
	 * counts).
	 */
	private boolean oowAckLimited(Segment s, boolean challenge) {
		if (!challenge && s.segLen() > 0 && !s.has(SYN)) {
			// tcp_oow_rate_limited: seq != end_seq — data or FIN — is never limited (a
			// retransmitted FIN is always ACKed; packetdrill, linger-timeout exported)
			return false;
		}
		long gap = c.challengeAckIntervalMs() * 1000;
		if (gap > 0 && lastOowAckUs >= 0 && e.now - lastOowAckUs < gap) {
			e.note(this, "ACK_RATE_LIMITED", "challenge/out-of-window ACK suppressed: one per "
					+ c.challengeAckIntervalMs() + " ms (RFC 5961 §7)");
			return true;
		}
		lastOowAckUs = e.now;
		return false;
	}

	/** RFC 9293 §3.10.7.4 "first": the four cases of the acceptability test. */
	private boolean acceptable(Segment s) {
		int segLen = s.segLen();
		int wnd = rcvWnd();
		if (wnd == 0 && c.acceptFinAtZeroWindow() && s.len == 0 && s.has(FIN) && !s.has(SYN) && s.seq == rcvNxt) {
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
	 * SND.UNA advances: RTT sample (Karn), retransmission timer restarted or cancelled
	 * (RFC 6298 §5).
	 */
	private void ackAdvance(int ack) {
		if (timing && ge(ack, timedSeq)) {
			timing = false;
			rttSample(e.now - timedAtUs);
		}
		sndUna = ack;
		backoff = 0;
		retransmissions = 0;
		probeArmed = false;
		probeSent = false;
		if (sndUna == sndNxt) {
			if (timerAt(T_RETRANSMIT) >= 0) {
				cancel(T_RETRANSMIT);
			}
		}
		else {
			arm(T_RETRANSMIT, currentRto(), true);
		}
	}

	/**
	 * ACK policy for segment {@code s}, with {@code fresh} new bytes and/or a FIN (RFC
	 * 1122 §4.2.3.2): at once for every second segment or when {@code ackNow}, otherwise
	 * after the delayed-ACK timeout. With {@code quickAck} it is Linux's:
	 * {@link #linuxScheduleAck}.
	 */
	private void scheduleAck(Segment s, int fresh, boolean ackNow) {
		if (c.quickAck()) {
			linuxScheduleAck(fresh > 0 ? s.len : 0, s.has(PSH), ackNow);
			return;
		}
		if (ackNow || c.delayedAckMs() == 0 || unackedSegments >= 2) {
			sendAck();
		}
		else if (timerAt(T_DELAYED_ACK) < 0) {
			arm(T_DELAYED_ACK, c.delayedAckMs() * 1000, false);
		}
	}

	/**
	 * Linux 6.18's receive-side ACK decision, {@code tcp_event_data_recv} then
	 * {@code __tcp_ack_snd_check} (checked with packetdrill on the kernel,
	 * quick-ack-fresh-connection.pkt and tcp-facts.md):
	 * <ul>
	 * <li>the first payload grants up to 16 quick ACKs ({@code tcp_incr_quickack}: window
	 * / (2 × receive MSS), at least 2), and so does payload after a silence longer than
	 * the RTO;</li>
	 * <li>the ACK goes at once while quick ACKs are left and the connection is not
	 * interactive ({@code tcp_in_quickack_mode}), or when more than one full segment is
	 * unacknowledged;</li>
	 * <li>otherwise the delayed-ACK timer runs ({@code tcp_send_delayed_ack}); before any
	 * payload its timeout is 0, so the ACK of a bare FIN on a fresh connection leaves at
	 * once.</li>
	 * </ul>
	 * Not modelled: the adaptive ATO (it stays at {@code delayedAckMs}, which Linux's
	 * bounds keep it at when the RTT is under 40 ms) and the receive-window condition of
	 * the full-segment rule.
	 */
	private void linuxScheduleAck(int len, boolean psh, boolean ackNow) {
		ackOwed = true;
		if (len > 0) {
			measureRcvMss(len, psh);
			if (ackTimeoutUs == 0) {
				grantQuickAcks();
				ackTimeoutUs = c.delayedAckMs() * 1000;
			}
			else if (e.now - lastDataUs > currentRto()) {
				grantQuickAcks();
			}
			lastDataUs = e.now;
		}
		boolean quickMode = quickAcksLeft > 0 && !pingpong;
		// "more than one full frame received ... and right edge of window advances far
		// enough": here the window has not shrunk since the last ACK
		boolean fullFrames = rcvNxt - rcvWup > rcvMss() && rcvWnd() >= rcvWndAtLastAck;
		if (ackNow || quickMode || fullFrames || ackTimeoutUs == 0) {
			sendAck();
		}
		else if (timerAt(T_DELAYED_ACK) < 0) {
			arm(T_DELAYED_ACK, ackTimeoutUs, false);
		}
	}

	/**
	 * Linux {@code tcp_measure_rcv_mss}: a segment at least the estimate raises it; a
	 * smaller one marks the pending ACK "pushed" (twice: "pushed2"), unless it is one of
	 * a run of equal full-looking segments without PSH, which sets the estimate.
	 */
	private void measureRcvMss(int len, boolean psh) {
		if (len >= rcvMss()) {
			rcvMssEstimate = Math.min(len, c.mss());
			if (psh) {
				ackPushed = true;
			}
			return;
		}
		if (len >= RCV_MSS_DEFAULT || (len >= TCP_MIN_MSS && !psh)) {
			int previous = lastSegSize;
			lastSegSize = len;
			if (len == previous) {
				rcvMssEstimate = len;
				return;
			}
		}
		if (ackPushed) {
			ackPushed2 = true;
		}
		ackPushed = true;
	}

	/**
	 * Linux {@code tcp_cleanup_rbuf} after a read: an owed ACK goes now when more than
	 * one full segment is unacknowledged, or when the read emptied the buffer after a
	 * pushed segment (two, in interactive mode).
	 */
	private void ackAfterRead() {
		if (c.quickAck() && ackOwed && state.ordinal() >= TcpState.ESTABLISHED.ordinal() && state != TcpState.TIME_WAIT
				&& (rcvNxt - rcvWup > rcvMss() || (recvBuffered == 0 && (ackPushed2 || (ackPushed && !pingpong))))) {
			sendAck();
		}
	}

	private int rcvMss() {
		return rcvMssEstimate > 0 ? rcvMssEstimate : Math.min(RCV_MSS_DEFAULT, c.mss());
	}

	/** Linux {@code tcp_incr_quickack}. */
	private void grantQuickAcks() {
		int quick = c.windowBytes() / (2 * rcvMss());
		quick = Math.min(quick == 0 ? 2 : quick, MAX_QUICK_ACKS);
		quickAcksLeft = Math.max(quickAcksLeft, quick);
	}

	/**
	 * Linux {@code tcp_enter_quickack_mode}: a retransmission or out-of-window data asks
	 * for immediate ACKs again and ends interactive mode.
	 */
	private void enterQuickAckMode() {
		if (c.quickAck()) {
			grantQuickAcks();
			pingpong = false;
			ackTimeoutUs = c.delayedAckMs() * 1000;
		}
	}

	/** Linux {@code tcp_event_ack_sent}/{@code tcp_dec_quickack_mode}. */
	private void ackSent() {
		rcvWup = rcvNxt;
		rcvWndAtLastAck = rcvWnd();
		ackPushed = false;
		ackPushed2 = false;
		if (ackOwed && quickAcksLeft > 0) {
			quickAcksLeft--;
		}
		ackOwed = false;
	}

	/**
	 * Linux {@code tcp_event_data_sent}: data sent within the ACK timeout of the last
	 * data received is a reply, and the connection becomes interactive (pingpong,
	 * TCP_PINGPONG_THRESH 1).
	 */
	private void dataSent() {
		if (c.quickAck() && ackTimeoutUs > 0 && e.now - lastDataUs < ackTimeoutUs) {
			pingpong = true;
		}
	}

	private void wakeReader() {
		if (pendingCall == CALL_RECV) {
			if (recvBuffered > 0) {
				complete(CallResult.returned(consume(pendingMax)));
			}
			else if (peerFin) {
				complete(CallResult.ZERO);
			}
		}
	}

	private void completeConnect() {
		if (pendingCall == CALL_CONNECT) {
			complete(CallResult.ZERO);
		}
		if (app != null) {
			app.established(this);
		}
	}

	private void finAckedForLinger() {
		if (pendingCall == CALL_CLOSE) {
			cancel(T_LINGER);
			complete(CallResult.ZERO);
		}
	}

	/** Finishes the blocked call with {@code result} and records its completion. */
	void complete(CallResult result) {
		int call = pendingCall;
		pendingCall = CALL_NONE;
		Integer max = pendingMax;
		pendingMax = null;
		e.callCompleted(this, call, max, result);
	}

	/**
	 * Enters TIME_WAIT: every timer stops and a compact record takes over the connection
	 * (§3.10.7.4).
	 */
	void enterTimeWait(String cause) {
		for (int t = 0; t < 4; t++) {
			if (timerAt(t) >= 0) {
				cancel(t);
			}
		}
		e.setState(this, TcpState.TIME_WAIT, cause);
		e.tw.compact(this);
	}

	// =====================================================================================================
	// Timers, RFC 9293 §3.10.8
	// =====================================================================================================

	void arm(int timer, long afterUs, boolean restart) {
		boolean wasArmed = e.timers.arm(slot, timer, e.now, afterUs);
		e.timerEvent(this, timerName(timer), wasArmed ? "restarted" : "armed", e.now + afterUs);
	}

	void cancel(int timer) {
		if (timerAt(timer) < 0) {
			return;
		}
		e.timers.cancel(slot, timer);
		e.timerEvent(this, timerName(timer), "cancelled", -1);
		if (timer == T_RETRANSMIT) {
			persisting = false;
		}
	}

	/** The trace name of a timer slot: the RETRANSMIT slot is PERSIST while probing. */
	String timerName(int timer) {
		return timer == T_RETRANSMIT && persisting ? "PERSIST" : TIMER_NAMES[timer];
	}

	void cancelAll() {
		for (int t = 0; t < 4; t++) {
			cancel(t);
		}
	}

	private void armFinWait2() {
		if (c.finWait2TimeoutMs() > 0 && timerAt(T_FIN_WAIT_2) < 0) {
			arm(T_FIN_WAIT_2, c.finWait2TimeoutMs() * 1000, false);
		}
	}

	/**
	 * A timer fired (§3.10.8). The USER TIMEOUT is not modelled: the retry limits end a
	 * connection that gets no answer, as on Linux; the TIME-WAIT TIMEOUT is
	 * {@link TimeWait#expire}.
	 */
	void onTimer(int timer) {
		e.timerEvent(this, timerName(timer), "fired", -1);
		switch (timer) {
			case T_RETRANSMIT -> {
				if (persisting) {
					persisting = false;
					persistTimeout();
				}
				else {
					retransmissionTimeout();
				}
			}
			case T_DELAYED_ACK -> {
				// Linux tcp_delack_timer_handler: a delayed ACK that had to fire ends
				// interactive mode
				pingpong = false;
				sendAck();
			}
			case T_FIN_WAIT_2 -> {
				// Linux tcp_fin_timeout: the orphaned FIN-WAIT-2 connection is dropped
				// silently
				e.note(this, "FIN_WAIT_2_TIMEOUT",
						"orphaned FIN_WAIT_2 timed out (tcp_fin_timeout); later segments draw RST");
				e.setState(this, TcpState.CLOSED, "FIN_WAIT_2 timer");
			}
			case T_LINGER -> {
				// SO_LINGER {1,N} expired: Linux returns 0 and keeps the orphan
				// retransmitting; BSD EWOULDBLOCK
				CallResult r = c.lingerTimeoutErrno();
				e.note(this, "LINGER_TIMEOUT",
						"SO_LINGER timeout: close() returns " + r + ", the FIN stays outstanding");
				complete(r);
			}
			default -> {
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
			e.note(this, "RETRANSMISSION_LIMIT",
					"gave up after " + retransmissions + " retransmissions" + (orphan() ? " (orphan retries)" : ""));
			e.setState(this, TcpState.CLOSED, "retransmission limit");
			return;
		}
		boolean probe = probeArmed;
		probeArmed = false;
		if (probe) {
			// RFC 8985 §7.3: the tail loss probe resends the tail once; it is not an RTO,
			// so no backoff and it does
			// not count against the retry limits
			probeSent = true;
			e.note(this, "TAIL_LOSS_PROBE",
					"tail loss probe: the unacknowledged tail is sent again once, without backing off the RTO (Linux, RFC 8985)");
		}
		else {
			retransmissions++;
			backoff++;
		}
		timing = false;
		switch (state) {
			case SYN_SENT -> emit(SYN, iss, 0, true);
			case SYN_RECEIVED -> emit(SYN | ACK, iss, 0, true);
			default -> {
				int dataEnd = finSent ? finSeq : sndNxt;
				int n = dataEnd - sndUna;
				if (n > 0) {
					int len = Math.min(n, c.mss());
					boolean fin = finSent && len == n;
					// the resent segment keeps the PSH it had: only the one that ends the
					// data
					// sent so far carried it
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

	/**
	 * Called by the engine when this endpoint reached CLOSED: timers stop, blocked calls
	 * complete.
	 */
	void onClosed() {
		for (int t = 0; t < 4; t++) {
			if (timerAt(t) >= 0) {
				cancel(t);
			}
		}
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
				// a lingering close() reports no error, even when the FIN was answered
				// by RST or the retries ran out (Linux tcp_close / sk_stream_wait_close)
				softError = null;
				complete(CallResult.ZERO);
			}
			else {
				softError = null;
				complete(err != null ? CallResult.failed(err) : CallResult.ZERO);
			}
		}
		if (app != null) {
			app.closed(this);
		}
	}

	Map<String, Object> lingerArgs() {
		return Map.of("option", "SO_LINGER", "onoff", lingerOnoff, "seconds", lingerSeconds);
	}

	/**
	 * Not a TCP rule but what the lab can see and TCP cannot: the bytes just accepted
	 * were sent by another connection (an earlier incarnation of this 4-tuple). That is
	 * the hazard TIME_WAIT exists to prevent (RFC 9293 §3.4.1 "Knowing When to Keep
	 * Quiet"; RFC 1337 hazard H1): an old duplicate taken as new data.
	 */
	/**
	 * Holds the text of a segment that starts beyond RCV.NXT (Linux
	 * {@code tcp_data_queue_ofo}, BSD {@code tcp_reass}): the part inside the window is
	 * kept, a FIN behind it remembered, and an immediate duplicate ACK asks for the gap
	 * (RFC 5681 §4.2).
	 */
	private void holdOutOfOrder(Segment s) {
		int end = s.seq + s.len;
		int windowEnd = rcvNxt + rcvWnd();
		boolean whole = le(end, windowEnd);
		if (!whole) {
			end = windowEnd;
		}
		if (gt(end, s.seq) && hold(s.seq, end)) {
			if (s.pairNo != 0 && s.pairNo != pairNo()) {
				noteDataFromOtherConnection(s, 0, end - s.seq);
			}
			e.note(this, "OUT_OF_ORDER_DATA", (end - s.seq) + " bytes after a gap held for later"
					+ " (RFC 9293 §3.10.7.4 seventh): duplicate ACK for RCV.NXT");
			if (whole && s.has(FIN) && !peerFin) {
				oooFin = true;
				oooFinSeq = s.seq + s.len;
			}
		}
		if (c.quickAck()) {
			ackOwed = true; // tcp_data_queue_ofo schedules the ACK it sends at once
		}
		sendAck();
	}

	/** Adds [start, end) to the held ranges, merged; false when there is no room. */
	private boolean hold(int start, int end) {
		if (heldStart == null) {
			heldStart = new int[4];
			heldEnd = new int[4];
		}
		int i = 0;
		while (i < heldCount && lt(heldStart[i], start)) {
			i++;
		}
		if (heldCount == heldStart.length) {
			if (heldCount == MAX_HELD_RANGES) {
				return false;
			}
			heldStart = java.util.Arrays.copyOf(heldStart, heldCount * 2);
			heldEnd = java.util.Arrays.copyOf(heldEnd, heldCount * 2);
		}
		System.arraycopy(heldStart, i, heldStart, i + 1, heldCount - i);
		System.arraycopy(heldEnd, i, heldEnd, i + 1, heldCount - i);
		heldStart[i] = start;
		heldEnd[i] = end;
		heldCount++;
		// merge overlapping or touching neighbours
		int w = 0;
		for (int r = 1; r < heldCount; r++) {
			if (le(heldStart[r], heldEnd[w])) {
				if (gt(heldEnd[r], heldEnd[w])) {
					heldEnd[w] = heldEnd[r];
				}
			}
			else {
				w++;
				heldStart[w] = heldStart[r];
				heldEnd[w] = heldEnd[r];
			}
		}
		heldCount = w + 1;
		return true;
	}

	/**
	 * Moves held data that RCV.NXT has reached into sequence (Linux
	 * {@code tcp_ofo_queue}): RCV.NXT advances past it. Returns the bytes taken.
	 */
	private int takeHeldData() {
		int taken = 0;
		int drop = 0;
		while (drop < heldCount && le(heldStart[drop], rcvNxt)) {
			if (gt(heldEnd[drop], rcvNxt)) {
				taken += heldEnd[drop] - rcvNxt;
				rcvNxt = heldEnd[drop];
			}
			drop++;
		}
		if (drop > 0) {
			System.arraycopy(heldStart, drop, heldStart, 0, heldCount - drop);
			System.arraycopy(heldEnd, drop, heldEnd, 0, heldCount - drop);
			heldCount -= drop;
		}
		return taken;
	}

	private void noteDataFromOtherConnection(Segment s, int skip, int fresh) {
		e.note(this, "DATA_FROM_OTHER_CONNECTION",
				fresh + " bytes at relSeq " + (s.seq + skip - irs)
						+ " were accepted as this connection's data, but pair " + s.pairNo
						+ " sent them: an old duplicate from an earlier connection on the same 4-tuple");
	}

}
