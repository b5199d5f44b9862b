package dev.tcplab.engine;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Something a user does to one side of a pair: a socket call, a network fault rule or a
 * protocol poke (docs/api.md "Events", for {@code …/events}). Applied with
 * {@link Simulation#apply(int, PairEvent)}. Each record checks its own arguments when it
 * is built ({@link IllegalArgumentException} naming the argument), so a malformed event
 * never reaches a simulation.
 */
public sealed interface PairEvent {

	Side side();

	private static Side requireSide(Side side) {
		if (side == null) {
			throw new IllegalArgumentException("an event needs a side");
		}
		return side;
	}

	// ---- socket calls (RFC 9293 §3.10.1–3.10.6 user calls) ----

	/**
	 * A BSD socket call on the side's socket. It appears in the trace as a {@code call}
	 * event named {@link #call()} with {@link #args()}.
	 */
	sealed interface SocketCall extends PairEvent {

		/**
		 * The call's name in the trace: close, shutdown, send, recv, setsockopt, abort.
		 */
		String call();

		/** The call's arguments in the trace. */
		default Map<String, Object> args() {
			return Map.of();
		}

	}

	/**
	 * close(): honours SO_LINGER; with unread data sends RST where the profile says so.
	 */
	record Close(Side side) implements SocketCall {

		public Close {
			requireSide(side);
		}

		@Override
		public String call() {
			return "close";
		}

	}

	/** shutdown(how), RFC 1122 §4.2.2.13 half-duplex close. */
	record Shutdown(Side side, ShutdownHow how) implements SocketCall {

		public Shutdown {
			requireSide(side);
			if (how == null) {
				throw new IllegalArgumentException("how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got nothing");
			}
		}

		/**
		 * @throws IllegalArgumentException unless {@code how} is SHUT_RD, SHUT_WR or
		 * SHUT_RDWR
		 */
		public Shutdown(Side side, String how) {
			this(side, ShutdownHow.parse(how));
		}

		@Override
		public String call() {
			return "shutdown";
		}

		@Override
		public Map<String, Object> args() {
			return Map.of("how", how.name());
		}

	}

	/** shutdown()'s {@code how}: which directions it shuts. */
	enum ShutdownHow {

		SHUT_RD(true, false), SHUT_WR(false, true), SHUT_RDWR(true, true);

		private final boolean rd;

		private final boolean wr;

		ShutdownHow(boolean rd, boolean wr) {
			this.rd = rd;
			this.wr = wr;
		}

		/** Shuts the receiving direction. */
		public boolean rd() {
			return this.rd;
		}

		/** Shuts the sending direction (RFC 9293 CLOSE). */
		public boolean wr() {
			return this.wr;
		}

		/**
		 * Case-insensitive, blanks around it ignored.
		 * @throws IllegalArgumentException for anything else than the three names
		 */
		public static ShutdownHow parse(String how) {
			if (how != null) {
				String h = how.trim().toUpperCase(Locale.ROOT);
				for (ShutdownHow v : values()) {
					if (v.name().equals(h)) {
						return v;
					}
				}
			}
			throw new IllegalArgumentException(
					"how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got " + (how == null ? "nothing" : "\"" + how + "\""));
		}

	}

	/** send(bytes): queues bytes (payload content is not modelled). */
	record Send(Side side, int bytes) implements SocketCall {

		public Send {
			requireSide(side);
			if (bytes < 0) {
				throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
			}
		}

		@Override
		public String call() {
			return "send";
		}

		@Override
		public Map<String, Object> args() {
			return Map.of("bytes", this.bytes);
		}

	}

	/**
	 * recv(max): returns buffered bytes, 0 at EOF, ECONNRESET after RST, or blocks. max
	 * null = everything.
	 */
	record Recv(Side side, Integer max) implements SocketCall {

		public Recv {
			requireSide(side);
			if (max != null && max < 0) {
				throw new IllegalArgumentException("max must not be negative, got " + max);
			}
		}

		@Override
		public String call() {
			return "recv";
		}

		@Override
		public Map<String, Object> args() {
			return this.max == null ? Map.of() : Map.of("max", this.max);
		}

	}

	/** abort: SO_LINGER {1,0} then close() — RST, no TIME_WAIT. */
	record Abort(Side side) implements SocketCall {

		public Abort {
			requireSide(side);
		}

		@Override
		public String call() {
			return "abort";
		}

	}

	/** setsockopt(SO_LINGER, {onoff, seconds}). */
	record SetLinger(Side side, int onoff, int seconds) implements SocketCall {

		public SetLinger {
			requireSide(side);
			if (onoff != 0 && onoff != 1) {
				throw new IllegalArgumentException("SO_LINGER onoff must be 0 or 1, got " + onoff);
			}
			if (seconds < 0 || seconds > 3600) {
				throw new IllegalArgumentException("SO_LINGER seconds must be between 0 and 3600, got " + seconds);
			}
		}

		@Override
		public String call() {
			return "setsockopt";
		}

		@Override
		public Map<String, Object> args() {
			return Map.of("option", "SO_LINGER", "onoff", this.onoff, "seconds", this.seconds);
		}

	}

	/** setsockopt(SO_REUSEADDR, on). */
	record SetReuseAddr(Side side, boolean on) implements SocketCall {

		public SetReuseAddr {
			requireSide(side);
		}

		@Override
		public String call() {
			return "setsockopt";
		}

		@Override
		public Map<String, Object> args() {
			return Map.of("option", "SO_REUSEADDR", "on", this.on ? 1 : 0);
		}

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

		public Fault {
			requireSide(side);
			if (action == null || segment == null) {
				throw new IllegalArgumentException("a fault needs an action and a segment class");
			}
			if (count < 1) {
				throw new IllegalArgumentException("count must be at least 1, got " + count);
			}
			if (nth < 0) {
				throw new IllegalArgumentException("nth must not be negative, got " + nth);
			}
			if (delayMs < 0 || delayMs > 3_600_000) {
				throw new IllegalArgumentException("delayMs must be between 0 and 3600000, got " + delayMs);
			}
		}

	}

	/**
	 * Release every segment held on the direction side → peer, in the order they were
	 * held.
	 */
	record Release(Side side) implements PairEvent {

		public Release {
			requireSide(side);
		}

	}

	// ---- protocol pokes ----

	/** Retransmit this side's FIN now (as its retransmission timer would). */
	record ResendFin(Side side) implements PairEvent {

		public ResendFin {
			requireSide(side);
		}

	}

	/**
	 * A raw segment as if sent by {@code side} on the pair's 4-tuple. seq/ack null = the
	 * side's SND.NXT/RCV.NXT.
	 */
	record Inject(Side side, List<TcpFlag> flags, Long seq, Long ack, int len) implements PairEvent {

		public Inject {
			requireSide(side);
			if (flags == null || flags.stream().anyMatch(Objects::isNull)) {
				throw new IllegalArgumentException("inject needs a list of flags");
			}
			flags = List.copyOf(flags);
			if (len < 0 || len > 65535) {
				throw new IllegalArgumentException("len must be between 0 and 65535, got " + len);
			}
			if ((seq != null && (seq < 0 || seq > 0xFFFFFFFFL)) || (ack != null && (ack < 0 || ack > 0xFFFFFFFFL))) {
				throw new IllegalArgumentException("seq and ack must be 32-bit unsigned numbers");
			}
		}

	}

	/** Fault actions (docs/api.md "Events": lose, duplicate, hold, delay). */
	enum FaultAction {

		DROP, DUPLICATE, DELAY, HOLD

	}

}
