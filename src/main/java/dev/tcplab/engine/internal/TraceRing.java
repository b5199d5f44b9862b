package dev.tcplab.engine.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.engine.TraceLevel;

/**
 * Keeps the trace: contiguous {@code seq} numbers, a ring buffer of at most
 * {@code maxEvents} events (older ones are compacted away and {@link #oldestSeq()} moves
 * on), and one synchronous listener. Producers check {@link #segments} / {@link #states}
 * before building an event, so level NONE allocates nothing.
 * <p>
 * The ring is columnar: state changes, calls and notes — nearly every event of a STATES
 * trace — are stored as a few primitives and references to strings and argument maps the
 * engine already holds ({@link #state}, {@link #call}, {@link #note}), and become
 * {@link TraceEvent} objects only when read ({@link #since}) or when a listener is
 * attached. A busy-server minute records millions of events of which the ring keeps the
 * newest; storing them this way allocates nothing per event. Other events are kept as the
 * objects they were built as.
 */
public final class TraceRing {

	/** FULL: segments and timers are recorded. */
	public final boolean segments;

	/** FULL or STATES: state, call, note and census events are recorded. */
	public final boolean states;

	private final int max;

	private static final byte OBJECT = 0;

	private static final byte STATE = 1;

	private static final byte CALL = 2;

	private static final byte NOTE = 3;

	private static final String[] ROLES = { null, "client", "server", "listener" };

	private static final TcpState[] STATES = TcpState.values();

	// ---- ring columns, one slot per event
	private byte[] kind;

	private long[] timeUs;

	/** Pair id, 0 = none. */
	private int[] pair;

	/**
	 * STATE: role | from << 2 | to << 6; CALL: role | blocking << 2 | completed << 3;
	 * NOTE: role (index into {@link #ROLES}).
	 */
	private int[] aux;

	/**
	 * OBJECT: the event; STATE: cause; CALL: call name; NOTE: code.
	 */
	private Object[] a;

	/** CALL: arguments; NOTE: text. */
	private Object[] b;

	/** CALL: result. */
	private Object[] c;

	private int head;

	private int count;

	private long nextSeq;

	private Consumer<TraceEvent> listener;

	public TraceRing(TraceLevel level, int maxEvents) {
		this.segments = level == TraceLevel.FULL;
		this.states = level != TraceLevel.NONE;
		this.max = maxEvents;
		allocate(Math.min(maxEvents, 256));
	}

	private void allocate(int n) {
		kind = new byte[n];
		timeUs = new long[n];
		pair = new int[n];
		aux = new int[n];
		a = new Object[n];
		b = new Object[n];
		c = new Object[n];
	}

	public long nextSeq() {
		return nextSeq;
	}

	public long oldestSeq() {
		return nextSeq - count;
	}

	public void setListener(Consumer<TraceEvent> l) {
		this.listener = l;
	}

	/** Records an event that was built with {@link #nextSeq()} as its seq. */
	public void add(TraceEvent e) {
		if (e.seq() != nextSeq) {
			throw new IllegalStateException("trace event built with seq " + e.seq() + ", expected " + nextSeq);
		}
		int i = slot();
		kind[i] = OBJECT;
		a[i] = e;
		b[i] = null;
		c[i] = null;
		if (listener != null) {
			listener.accept(e);
		}
	}

	/** Records a state change at {@code timeUs} (see {@link TraceEvent.State}). */
	public void state(long timeUs, int pairId, String endpoint, TcpState from, TcpState to, String cause) {
		int role = role(endpoint);
		if (role < 0 || listener != null) {
			add(new TraceEvent.State(nextSeq, timeUs / 1000.0, box(pairId), endpoint, from, to, cause));
			return;
		}
		int i = slot();
		kind[i] = STATE;
		this.timeUs[i] = timeUs;
		pair[i] = pairId;
		aux[i] = role | from.ordinal() << 2 | to.ordinal() << 6;
		a[i] = cause;
		b[i] = null;
		c[i] = null;
	}

	/** Records a socket call at {@code timeUs} (see {@link TraceEvent.Call}). */
	public void call(long timeUs, int pairId, String endpoint, String call, Map<String, Object> args, Object result,
			boolean blocking, boolean completed) {
		int role = role(endpoint);
		if (role < 0 || listener != null
				|| (args != null && args.size() > 1 && !(args instanceof java.util.SortedMap))) {
			add(new TraceEvent.Call(nextSeq, timeUs / 1000.0, box(pairId), endpoint, call, args, result, blocking,
					completed));
			return;
		}
		int i = slot();
		kind[i] = CALL;
		this.timeUs[i] = timeUs;
		pair[i] = pairId;
		aux[i] = role | (blocking ? 4 : 0) | (completed ? 8 : 0);
		a[i] = call;
		b[i] = args;
		c[i] = result;
	}

	/** Records a note at {@code timeUs} (see {@link TraceEvent.Note}). */
	public void note(long timeUs, int pairId, String endpoint, String code, String text) {
		int role = role(endpoint);
		if (role < 0 || listener != null) {
			add(new TraceEvent.Note(nextSeq, timeUs / 1000.0, box(pairId), endpoint, code, text));
			return;
		}
		int i = slot();
		kind[i] = NOTE;
		this.timeUs[i] = timeUs;
		pair[i] = pairId;
		aux[i] = role;
		a[i] = code;
		b[i] = text;
		c[i] = null;
	}

	private static Integer box(int pairId) {
		return pairId == 0 ? null : Integer.valueOf(pairId);
	}

	/** Index of the endpoint name in {@link #ROLES}, or −1. */
	@SuppressWarnings("StringEquality")
	private static int role(String endpoint) {
		if (endpoint == null) {
			return 0;
		}
		// the engine passes its (interned) literals: compare references first
		if (endpoint == ROLES[1]) {
			return 1;
		}
		if (endpoint == ROLES[2]) {
			return 2;
		}
		if (endpoint == ROLES[3]) {
			return 3;
		}
		return switch (endpoint) {
			case "client" -> 1;
			case "server" -> 2;
			case "listener" -> 3;
			default -> -1;
		};
	}

	/** Claims the ring slot of the next seq (growing or overwriting the oldest). */
	private int slot() {
		nextSeq++;
		int len = kind.length;
		if (count == len && len < max) {
			int n = (int) Math.min(max, len * 2L);
			byte[] k2 = kind;
			long[] t2 = timeUs;
			int[] p2 = pair;
			int[] x2 = aux;
			Object[] a2 = a;
			Object[] b2 = b;
			Object[] c2 = c;
			allocate(n);
			for (int j = 0; j < count; j++) {
				int from = (head + j) % len;
				kind[j] = k2[from];
				timeUs[j] = t2[from];
				pair[j] = p2[from];
				aux[j] = x2[from];
				a[j] = a2[from];
				b[j] = b2[from];
				c[j] = c2[from];
			}
			head = 0;
			len = n;
		}
		if (count < len) {
			int i = head + count;
			count++;
			return i >= len ? i - len : i;
		}
		int i = head;
		head = head + 1 == len ? 0 : head + 1;
		return i;
	}

	@SuppressWarnings("unchecked")
	private TraceEvent event(int i, long seq) {
		int x = aux[i];
		return switch (kind[i]) {
			case STATE -> new TraceEvent.State(seq, timeUs[i] / 1000.0, box(pair[i]), ROLES[x & 3],
					STATES[(x >>> 2) & 15], STATES[(x >>> 6) & 15], (String) a[i]);
			case CALL -> new TraceEvent.Call(seq, timeUs[i] / 1000.0, box(pair[i]), ROLES[x & 3], (String) a[i],
					(Map<String, Object>) b[i], c[i], (x & 4) != 0, (x & 8) != 0);
			case NOTE ->
				new TraceEvent.Note(seq, timeUs[i] / 1000.0, box(pair[i]), ROLES[x & 3], (String) a[i], (String) b[i]);
			default -> (TraceEvent) a[i];
		};
	}

	public List<TraceEvent> since(long since) {
		long from = Math.max(since, oldestSeq());
		if (from >= nextSeq) {
			return Collections.emptyList();
		}
		int n = (int) (nextSeq - from);
		int skip = count - n;
		int len = kind.length;
		List<TraceEvent> out = new ArrayList<>(n);
		for (int j = 0; j < n; j++) {
			out.add(event((head + skip + j) % len, from + j));
		}
		return out;
	}

}
