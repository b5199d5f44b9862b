package dev.tcplab.engine;

import java.util.List;
import java.util.Map;

/**
 * One entry of a simulation's trace (docs/engine.md "Trace events"). Every event has a
 * {@code seq} (0, 1, 2, … contiguous per simulation), a virtual {@code timeMs} and a
 * {@code type}; {@code pair} is null where no pair applies. The JSON form is the record
 * components plus {@code "type": type()}.
 * <p>
 * Naming decision: the trace's own {@code seq} owns that name, so a segment's TCP
 * sequence number is {@code tcpSeq} (raw) and {@code relSeq} (relative to the sender's
 * ISN, as Wireshark shows it).
 */
public sealed interface TraceEvent {

	long seq();

	double timeMs();

	Integer pair();

	/** The JSON {@code type}: state, segment, call, timer, note or census. */
	String type();

	/**
	 * A copy of this event carrying another trace sequence number (used by the recorder).
	 */
	TraceEvent withSeq(long seq);

	/**
	 * A state transition. Every transition of every endpoint passes through one place in
	 * the engine, which records this event. {@code endpoint} is "client", "server" or
	 * "listener"; {@code cause} says what did it, e.g. "close()", "rcv FIN", "rcv ACK of
	 * FIN", "TIME_WAIT timer".
	 */
	record State(long seq, double timeMs, Integer pair, String endpoint, TcpState from, TcpState to,
			String cause) implements TraceEvent {
		public String type() {
			return "state";
		}

		public State withSeq(long s) {
			return new State(s, timeMs, pair, endpoint, from, to, cause);
		}
	}

	/**
	 * A segment's life on the network. {@code event}: sent, delivered, dropped,
	 * duplicated, delayed, held, released. {@code id} is the same for every event of one
	 * segment (a duplicate gets a new id and {@code event:"duplicated"}).
	 * {@code from}/{@code to} are endpoint roles ("client"/"server"); {@code src} and
	 * {@code dst} are "address:port". {@code answers} is the id of the latest segment in
	 * the other direction that this one's ACK newly acknowledges, or null.
	 * {@code options} (added by issue 23; null when the segment carries none): the TCP
	 * options in the order Linux writes them, {@code mss}, {@code sackOk}, {@code tsVal}
	 * and {@code tsEcr} (raw), {@code wscale}, {@code sack} (blocks as [left, right) raw
	 * sequence numbers).
	 */
	record Segment(long seq, double timeMs, Integer pair, String event, long id, String from, String to, String src,
			String dst, List<String> flags, long tcpSeq, long ack, int len, int window, boolean retransmission,
			long relSeq, long relAck, Long answers, Map<String, Object> options) implements TraceEvent {

		/** A segment without TCP options (the schema before options were added). */
		public Segment(long seq, double timeMs, Integer pair, String event, long id, String from, String to, String src,
				String dst, List<String> flags, long tcpSeq, long ack, int len, int window, boolean retransmission,
				long relSeq, long relAck, Long answers) {
			this(seq, timeMs, pair, event, id, from, to, src, dst, flags, tcpSeq, ack, len, window, retransmission,
					relSeq, relAck, answers, null);
		}

		public String type() {
			return "segment";
		}

		public Segment withSeq(long s) {
			return new Segment(s, timeMs, pair, event, id, from, to, src, dst, flags, tcpSeq, ack, len, window,
					retransmission, relSeq, relAck, answers, options);
		}
	}

	/**
	 * A socket call by an endpoint's application. {@code result}: 0, a byte count
	 * (Integer) or an errno name (String); for a call that blocks, first an event with
	 * {@code blocking:true} and {@code result:null}, later one with
	 * {@code completed:true} and the final result.
	 */
	record Call(long seq, double timeMs, Integer pair, String endpoint, String call, Map<String, Object> args,
			Object result, boolean blocking, boolean completed) implements TraceEvent {

		/**
		 * Arguments are kept sorted by name: {@code Map.of} iterates in an order salted
		 * per JVM, and the trace must be byte-identical for the same seed in every
		 * process.
		 */
		public Call {
			if (args == null) {
				args = Map.of();
			}
			else if (args.size() > 1
					&& !(args instanceof java.util.SortedMap<String, Object> sorted && sorted.comparator() == null)) {
				// zero or one argument has only one order; only larger maps need sorting
				args = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(args));
			}
		}

		public String type() {
			return "call";
		}

		public Call withSeq(long s) {
			return new Call(s, timeMs, pair, endpoint, call, args, result, blocking, completed);
		}
	}

	/**
	 * A timer action. {@code timer}: RETRANSMIT, TIME_WAIT, FIN_WAIT_2, DELAYED_ACK,
	 * LINGER, KEEPALIVE, PERSIST. {@code action}: armed, restarted, cancelled, fired.
	 * {@code expiresAtMs} is null for cancelled/fired.
	 */
	record Timer(long seq, double timeMs, Integer pair, String endpoint, String timer, String action,
			Double expiresAtMs) implements TraceEvent {
		public String type() {
			return "timer";
		}

		public Timer withSeq(long s) {
			return new Timer(s, timeMs, pair, endpoint, timer, action, expiresAtMs);
		}
	}

	/**
	 * Narration of why something happened. {@code code} is a stable key for translation
	 * (e.g. "RST_UNREAD_DATA"); {@code text} is English.
	 */
	record Note(long seq, double timeMs, Integer pair, String endpoint, String code,
			String text) implements TraceEvent {

		/**
		 * The words in a note's text for a segment that an earlier pair on the same
		 * 4-tuple sent (a PAWS drop, data taken as this connection's): what the
		 * packetdrill export looks for.
		 */
		public static final String OTHER_CONNECTION = "an old duplicate from an earlier connection on the same 4-tuple";

		public String type() {
			return "note";
		}

		public Note withSeq(long s) {
			return new Note(s, timeMs, pair, endpoint, code, text);
		}
	}

	/**
	 * Count of endpoints per state at {@code timeMs} (all hosts), emitted periodically by
	 * load runs.
	 */
	record Census(long seq, double timeMs, Integer pair, Map<TcpState, Integer> counts,
			long lifecycles) implements TraceEvent {
		public String type() {
			return "census";
		}

		public Census withSeq(long s) {
			return new Census(s, timeMs, pair, counts, lifecycles);
		}
	}

}
