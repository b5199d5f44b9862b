package dev.tcplab.engine;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Something a user does to one side of a pair: a socket call, a network fault rule or a
 * protocol poke (docs/api.md "Events", for {@code …/events}). Applied with
 * {@link Simulation#apply(int, PairEvent)}. Each record checks its own arguments when it
 * is built ({@link InvalidArgument} naming the argument), so a malformed event never
 * reaches a simulation. These records are the event vocabulary's only definition: the
 * service binds its JSON and YAML to them and keeps no limits of its own.
 */
public sealed interface PairEvent {

	// ---- the one set of limits (REST, the journal, scenario documents and packetdrill
	// scripts all build events through these records)

	/** Largest byte count of send() and recv() (64 MiB). */
	int MAX_BYTES = 64 * 1024 * 1024;

	/** Largest {@code count} and {@code nth} of a fault. */
	int MAX_FAULT_COUNT = 1000;

	/** Largest delay of a DELAY fault (one hour). */
	long MAX_DELAY_MS = 3_600_000;

	/** Largest SO_LINGER time (one hour). */
	int MAX_LINGER_SECONDS = 3600;

	/**
	 * Largest payload of an injected segment: an IPv4 packet of 65535 bytes less the IP
	 * and TCP headers (20 bytes each), so the pcap export can hold it.
	 */
	int MAX_INJECT_LEN = 65_535 - 40;

	/** Largest raw sequence or acknowledgment number (32 bits unsigned). */
	long MAX_SEQ = 0xFFFF_FFFFL;

	Side side();

	/**
	 * An argument an event record refuses; {@link #argument()} names it as the event's
	 * JSON names it (side, bytes, count, …).
	 */
	final class InvalidArgument extends IllegalArgumentException {

		private final String argument;

		InvalidArgument(String argument, String message) {
			super(argument + " " + message);
			this.argument = argument;
		}

		public String argument() {
			return this.argument;
		}

	}

	private static Side requireSide(Side side) {
		if (side == null) {
			throw new InvalidArgument("side", "is missing: client or server");
		}
		return side;
	}

	private static void between(String argument, long value, long min, long max) {
		if (value < min || value > max) {
			throw new InvalidArgument(argument, "must be between " + min + " and " + max + ", got " + value);
		}
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
				throw new InvalidArgument("how", "must be SHUT_RD, SHUT_WR or SHUT_RDWR, got nothing");
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
			throw new InvalidArgument("how",
					"must be SHUT_RD, SHUT_WR or SHUT_RDWR, got " + (how == null ? "nothing" : "\"" + how + "\""));
		}

	}

	/** send(bytes): queues bytes (payload content is not modelled). */
	record Send(Side side, int bytes) implements SocketCall {

		public Send {
			requireSide(side);
			between("bytes", bytes, 0, MAX_BYTES);
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
			if (max != null) {
				between("max", max, 0, MAX_BYTES);
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
			between("onoff", onoff, 0, 1);
			between("seconds", seconds, 0, MAX_LINGER_SECONDS);
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
			if (action == null) {
				throw new InvalidArgument("action", "is missing: DROP, DUPLICATE, DELAY or HOLD");
			}
			if (segment == null) {
				throw new InvalidArgument("segment", "is missing: FIN, ACK, SYN, RST, DATA or ANY");
			}
			between("count", count, 1, MAX_FAULT_COUNT);
			between("nth", nth, 0, MAX_FAULT_COUNT);
			between("ms", delayMs, 0, MAX_DELAY_MS);
			if (delayMs != 0 && action != FaultAction.DELAY) {
				throw new InvalidArgument("ms", "is only for delay faults, got " + delayMs + " for " + action);
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
			if (flags == null || flags.isEmpty() || flags.stream().anyMatch(Objects::isNull)) {
				throw new InvalidArgument("flags", "must list at least one of SYN, ACK, FIN, RST, PSH");
			}
			flags = List.copyOf(new LinkedHashSet<>(flags));
			between("len", len, 0, MAX_INJECT_LEN);
			if (seq != null) {
				between("seq", seq, 0, MAX_SEQ);
			}
			if (ack != null) {
				between("ack", ack, 0, MAX_SEQ);
			}
		}

	}

	/** Fault actions (docs/api.md "Events": lose, duplicate, hold, delay). */
	enum FaultAction {

		DROP, DUPLICATE, DELAY, HOLD

	}

}
