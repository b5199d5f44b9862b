package dev.tcplab.engine;

import java.util.List;

/**
 * Something a user does to one side of a pair: a socket call, a network fault rule or a
 * protocol poke (design.md, events for {@code …/events}). Applied with
 * {@link Simulation#apply(int, PairEvent)}.
 */
public sealed interface PairEvent {

	Side side();

	// ---- socket calls (RFC 9293 §3.10.1–3.10.6 user calls) ----

	/**
	 * close(): honours SO_LINGER; with unread data sends RST where the profile says so.
	 */
	record Close(Side side) implements PairEvent {
	}

	/** shutdown(how), how = SHUT_RD, SHUT_WR or SHUT_RDWR. */
	record Shutdown(Side side, String how) implements PairEvent {
	}

	/** send(bytes): queues bytes (payload content is not modelled). */
	record Send(Side side, int bytes) implements PairEvent {
	}

	/**
	 * recv(max): returns buffered bytes, 0 at EOF, ECONNRESET after RST, or blocks. max
	 * null = everything.
	 */
	record Recv(Side side, Integer max) implements PairEvent {
	}

	/** abort: SO_LINGER {1,0} then close() — RST, no TIME_WAIT. */
	record Abort(Side side) implements PairEvent {
	}

	/** setsockopt(SO_LINGER, {onoff, seconds}). */
	record SetLinger(Side side, int onoff, int seconds) implements PairEvent {
	}

	/** setsockopt(SO_REUSEADDR, on). */
	record SetReuseAddr(Side side, boolean on) implements PairEvent {
	}

	// ---- network faults on the direction side → peer ----

	/**
	 * A fault rule on segments that {@code side} sends. {@code action}: DROP, DUPLICATE,
	 * DELAY (by {@code delayMs}) or HOLD (until {@link Release}). Applies to
	 * {@code count} matching segments; with {@code nth} &gt; 0 it skips the first nth-1
	 * matches and applies from the nth on.
	 */
	record Fault(Side side, FaultAction action, SegmentMatch segment, int count, int nth,
			long delayMs) implements PairEvent {
	}

	/**
	 * Release every segment held on the direction side → peer, in the order they were
	 * held.
	 */
	record Release(Side side) implements PairEvent {
	}

	// ---- protocol pokes ----

	/** Retransmit this side's FIN now (as its retransmission timer would). */
	record ResendFin(Side side) implements PairEvent {
	}

	/**
	 * A raw segment as if sent by {@code side} on the pair's 4-tuple. seq/ack null = the
	 * side's SND.NXT/RCV.NXT.
	 */
	record Inject(Side side, List<TcpFlag> flags, Long seq, Long ack, int len) implements PairEvent {
	}

	/** Fault actions (design.md "Fault rules"). */
	enum FaultAction {

		DROP, DUPLICATE, DELAY, HOLD

	}

}
