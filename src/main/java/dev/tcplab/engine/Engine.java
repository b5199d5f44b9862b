package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.FIN;
import static dev.tcplab.engine.Segment.RST;
import static dev.tcplab.engine.Segment.SYN;
import static dev.tcplab.engine.Seq.gt;
import static dev.tcplab.engine.Seq.le;
import static dev.tcplab.engine.Seq.lt;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import dev.tcplab.engine.Snapshots.EndpointView;
import dev.tcplab.engine.Snapshots.ListenerView;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.TimerView;

/**
 * The world behind {@link Simulation}: the virtual clock and event queue, the two hosts
 * (0 = client, 1 = server) with their connection table and ports, the links with fault
 * rules, and the trace recorder. Package-private; the facade validates arguments and
 * turns results into {@link EventResult}s.
 */
final class Engine {

	static final int CLIENT_HOST = 0;

	static final int SERVER_HOST = 1;

	static final int LISTEN_BACKLOG = 4096;

	final SimulationConfig config;

	final StackConstants c;

	final TraceRecorder rec;

	final Scheduler sched = new Scheduler();

	/** Virtual time in microseconds. */
	long now;

	final long latencyUs;

	private final SplittableRandom rng;

	private final long isnSecret;

	private int ephemeralCursor;

	final String[] address;

	/**
	 * The connection table: 4-tuple key → handle of the endpoint, a TCB (its timer slot
	 * &lt;&lt; 1) or a TIME_WAIT record (its row &lt;&lt; 1 | 1). Handles, not
	 * references: putting a new connection in needs no garbage-collector write barrier.
	 */
	final LongIntMap conns = new LongIntMap();

	private static int handle(Endpoint e) {
		if (e instanceof Tcb t) {
			return t.slot << 1;
		}
		return ((TimeWaitRecord) e).row << 1 | 1;
	}

	private Endpoint endpoint(int handle) {
		if (handle < 0) {
			return null;
		}
		return (handle & 1) == 0 ? slotTcb[handle >>> 1] : tw.obj[handle >>> 1];
	}

	final Map<Integer, Listener> listeners = new HashMap<>();

	/**
	 * Ports bound on the client host (server sockets all share their listener's port,
	 * which needs no accounting).
	 */
	final PortTable clientPorts = new PortTable();

	/**
	 * Port tables and ephemeral cursors of client hosts 1.. (load runs with several
	 * clients), grown on demand.
	 */
	private PortTable[] extraClientPorts;

	private int[] extraCursors;

	private String[] clientAddresses;

	final Map<Integer, Pair> pairs = new LinkedHashMap<>();

	private int nextPairId = 1;

	private long nextSegmentId = 1;

	/**
	 * Every segment the engine made and owns, by {@link Segment#index}: queue entries of
	 * segments in flight carry this index instead of a reference (no reference store, so
	 * no garbage-collector barrier, per segment sent), and delivered or dropped segments
	 * are reused from {@link #freeSegments}, last in first out.
	 */
	private Segment[] segments = new Segment[64];

	private int segmentCount;

	private int[] freeSegments = new int[64];

	private int freeSegmentCount;

	final int[] census = new int[TcpState.values().length];

	long lifecycles;

	private Map<Long, Integer> incarnations;

	LoadRun load;

	/**
	 * Linux computes RTO = SRTT + max(RTO_min, 4·RTTVAR); the others follow RFC 6298 §2.
	 */
	final boolean linuxRto;

	Engine(SimulationConfig config) {
		this.config = config;
		this.c = config.constants();
		this.rec = new TraceRecorder(config.traceLevel(), config.maxTraceEvents());
		this.latencyUs = Math.round(config.latencyMs() * 1000);
		this.rng = new SplittableRandom(config.seed());
		this.isnSecret = rng.nextLong();
		this.ephemeralCursor = c.ephemeralLow() + rng.nextInt(c.ephemeralHigh() - c.ephemeralLow() + 1);
		this.address = new String[] { config.clientAddress(), config.serverAddress() };
		this.linuxRto = "linux".equals(c.profile());
	}

	static long key(int host, int localPort, int remotePort) {
		return ((long) host << 32) | ((long) localPort << 16) | remotePort;
	}

	/**
	 * Key of a connection of client host number {@code client} (0 =
	 * {@code config.clientAddress}) or its server side.
	 */
	static long key(int host, int client, int localPort, int remotePort) {
		return ((long) client << 33) | ((long) host << 32) | ((long) localPort << 16) | remotePort;
	}

	/**
	 * Address of client host number {@code client}: {@code config.clientAddress} + client
	 * (IPv4 arithmetic).
	 */
	String clientAddress(int client) {
		if (client == 0) {
			return address[CLIENT_HOST];
		}
		if (clientAddresses == null || clientAddresses.length <= client) {
			clientAddresses = java.util.Arrays.copyOf(clientAddresses == null ? new String[0] : clientAddresses,
					Math.max(client + 1, 64));
		}
		String s = clientAddresses[client];
		if (s == null) {
			s = offsetAddress(address[CLIENT_HOST], client);
			clientAddresses[client] = s;
		}
		return s;
	}

	static String offsetAddress(String base, int offset) {
		String[] parts = base.split("\\.");
		if (parts.length != 4) {
			throw new IllegalArgumentException("clientAddress must be an IPv4 address to derive more clients: " + base);
		}
		long v = 0;
		for (String part : parts) {
			v = v << 8 | Integer.parseInt(part.trim());
		}
		v = (v + offset) & 0xFFFFFFFFL;
		return (v >>> 24) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255);
	}

	String address(int host, int client) {
		return host == CLIENT_HOST ? clientAddress(client) : address[SERVER_HOST];
	}

	/** Ports bound on client host number {@code client}. */
	PortTable clientPorts(int client) {
		if (client == 0) {
			return clientPorts;
		}
		if (extraClientPorts == null || extraClientPorts.length <= client) {
			extraClientPorts = java.util.Arrays.copyOf(extraClientPorts == null ? new PortTable[0] : extraClientPorts,
					Math.max(client + 1, 64));
			int[] cursors = java.util.Arrays.copyOf(extraCursors == null ? new int[0] : extraCursors,
					extraClientPorts.length);
			java.util.Arrays.fill(cursors, extraCursors == null ? 0 : extraCursors.length, cursors.length, -1);
			extraCursors = cursors;
		}
		PortTable pt = extraClientPorts[client];
		if (pt == null) {
			pt = new PortTable();
			extraClientPorts[client] = pt;
			// each further client host starts its ephemeral search at its own
			// pseudo-random port (no RNG draw, so
			// runs with one client are unchanged)
			int span = c.ephemeralHigh() - c.ephemeralLow() + 1;
			extraCursors[client] = c.ephemeralLow() + (int) Long.remainderUnsigned(mix64(isnSecret + client), span);
		}
		return pt;
	}

	double ms() {
		return now / 1000.0;
	}

	long nextSegmentId() {
		return nextSegmentId++;
	}

	/** A new segment with the next id, reused from the segment table when possible. */
	Segment segment(Pair p, int pairNo, int srcHost, int client, int srcPort, int dstPort, int flags, int seq, int ack,
			int len, int window, boolean retransmission, int relSeq, int relAck, long answers) {
		long id = nextSegmentId++;
		int index;
		if (freeSegmentCount > 0) {
			index = freeSegments[--freeSegmentCount];
			Segment s = segments[index];
			if (s != null) {
				return s.init(id, p, pairNo, srcHost, client, srcPort, dstPort, flags, seq, ack, len, window,
						retransmission, relSeq, relAck, answers);
			}
		}
		else {
			if (segmentCount == segments.length) {
				segments = Arrays.copyOf(segments, segmentCount * 2);
				freeSegments = Arrays.copyOf(freeSegments, segmentCount * 2);
			}
			index = segmentCount++;
		}
		Segment s = new Segment(id, p, pairNo, srcHost, client, srcPort, dstPort, flags, seq, ack, len, window,
				retransmission, relSeq, relAck, answers);
		s.index = index;
		segments[index] = s;
		return s;
	}

	/** Free segments kept for reuse; beyond this a burst's segments are let go. */
	private static final int KEEP_SEGMENTS = 4096;

	/** A segment of the table is no longer in use (delivered or dropped). */
	private void recycle(Segment s) {
		int index = s.index;
		if (index >= 0) {
			s.pair = null;
			if (freeSegmentCount >= KEEP_SEGMENTS) {
				segments[index] = null;
			}
			freeSegments[freeSegmentCount++] = index;
		}
	}

	static String role(int host) {
		return host == CLIENT_HOST ? "client" : "server";
	}

	// =====================================================================================================
	// Scheduler loop
	// =====================================================================================================

	// ---- timer slots: the state of every TCB's four timers in one dense array, indexed
	// by slot * 4 + timer. A queue entry carries (slot, generation, timer) and no object,
	// so a stale entry (cancelled timer, closed TCB) is dropped after one look at its
	// generation, and a closed TCB is garbage at once. The lowest free slot is reused
	// first, so the live slots stay at the bottom of the array (hot in cache) and, after
	// a burst of open connections, the free top half is given back. Generations come
	// from one counter (never 0, which marks "no entry"), so an entry never matches a
	// later user of its slot, even after the array shrank and grew again.

	/**
	 * Every timer's state, {@link #TM} longs per timer (slot * 4 + timer): deadline (µs,
	 * −1 = not armed), time of its queue entry (−1 = none), the insertion sequence number
	 * reserved when it was armed, the delay it was armed with (picks the FIFO lane) and
	 * the generation of its queue entry (0 = none). One timer's fields share a cache
	 * line.
	 */
	long[] tm = new long[0];

	static final int TM = 5;

	static final int TM_AT = 0;

	static final int TM_QUEUED = 1;

	static final int TM_ORDER = 2;

	static final int TM_DELAY = 3;

	static final int TM_GEN = 4;

	private int timerGenCounter;

	private Tcb[] slotTcb = new Tcb[0];

	/** Bit s set: slot s (below {@link #slotCount}) is free. */
	private long[] freeBits = new long[0];

	/** No free slot lies below word {@code freeHint} of {@link #freeBits}. */
	private int freeHint;

	/** Slots handed out so far (the high-water mark, lowered when the arrays shrink). */
	private int slotCount;

	private int liveSlots;

	/** Live slots in the top half of the arrays (trim when none and few live). */
	private int liveTop;

	int allocTimerSlot(Tcb t) {
		int s = -1;
		int words = (slotCount + 63) >>> 6;
		for (int w = freeHint; w < words; w++) {
			long b = freeBits[w];
			if (b != 0) {
				s = (w << 6) + Long.numberOfTrailingZeros(b);
				freeBits[w] = b & (b - 1);
				freeHint = w;
				break;
			}
		}
		if (s < 0) {
			freeHint = words;
			s = slotCount++;
			if (s == slotTcb.length) {
				resizeTimerSlots(Math.max(64, s * 2));
			}
		}
		liveSlots++;
		if (s >= slotTcb.length >>> 1) {
			liveTop++;
		}
		slotTcb[s] = t;
		int i = s << 2;
		for (int k = i; k < i + 4; k++) {
			tm[k * TM + TM_AT] = -1;
			tm[k * TM + TM_QUEUED] = -1;
			tm[k * TM + TM_GEN] = 0;
		}
		return s;
	}

	private void resizeTimerSlots(int n) {
		slotTcb = Arrays.copyOf(slotTcb, n);
		int live = 0;
		for (int k = n >>> 1; k < n; k++) {
			if (slotTcb[k] != null) {
				live++;
			}
		}
		liveTop = live;
		freeBits = Arrays.copyOf(freeBits, (n + 63) >>> 6);
		tm = Arrays.copyOf(tm, n * 4 * TM);
		sched.timers = tm;
	}

	/**
	 * Gives the TCB's slot back: every queue entry of its timers goes stale.
	 */
	void freeTimerSlot(Tcb t) {
		int s = t.slot;
		if (s < 0) {
			return;
		}
		t.slot = -1;
		slotTcb[s] = null;
		int i = s << 2;
		for (int k = i; k < i + 4; k++) {
			tm[k * TM + TM_GEN] = 0;
			tm[k * TM + TM_AT] = -1;
			tm[k * TM + TM_QUEUED] = -1;
		}
		freeBits[s >>> 6] |= 1L << (s & 63);
		if ((s >>> 6) < freeHint) {
			freeHint = s >>> 6;
		}
		liveSlots--;
		int cap = slotTcb.length;
		if (s >= cap >>> 1) {
			liveTop--;
		}
		if (liveTop == 0 && cap > 1024 && liveSlots < cap >>> 2) {
			trimTimerSlots();
		}
	}

	/**
	 * Halves the slot arrays while their top half holds no live slot and a quarter of
	 * them is enough.
	 */
	private void trimTimerSlots() {
		while (liveTop == 0 && slotTcb.length > 1024 && liveSlots < slotTcb.length >>> 2) {
			int half = slotTcb.length >>> 1;
			slotCount = Math.min(slotCount, half);
			resizeTimerSlots(half);
			if (freeHint > (half >>> 6)) {
				freeHint = half >>> 6;
			}
		}
	}

	/** Slots in the timer arrays (capacity), for tests and benchmarks. */
	int timerSlotCapacity() {
		return slotTcb.length;
	}

	/**
	 * Queues an entry for timer {@code i} (slot * 4 + timer) at its deadline, with the
	 * sequence number reserved when it was armed; its delay picks the FIFO lane.
	 */
	void queueTimer(int i) {
		int gen = ++timerGenCounter;
		if (gen == 0) {
			gen = ++timerGenCounter;
		}
		tm[i * TM + TM_GEN] = gen;
		long at = tm[i * TM + TM_AT];
		tm[i * TM + TM_QUEUED] = at;
		long a = ((long) (i >>> 2) << 35) | ((gen & 0xFFFFFFFFL) << 3) | (i & 3);
		sched.scheduleAt(sched.lane(tm[i * TM + TM_DELAY]), at, tm[i * TM + TM_ORDER], Scheduler.TIMER, null, a);
	}

	/**
	 * Timers (slot * 4 + timer) armed during the current event, queued by
	 * {@link #flushTimers}.
	 */
	private int[] armedTimers = new int[16];

	private int armedCount;

	/**
	 * Timer {@code i} was (re)armed to a deadline earlier than its queue entry (or has
	 * none): its entry is made when the current event ends, so a timer armed and stopped
	 * within one event (a delayed ACK answered at once, FIN_WAIT_2 when FIN and ACK
	 * arrive together) never enters the queue. The entry's sequence number was reserved
	 * at arm time, so the order of events is the same as if it had been queued at once.
	 */
	void timerArmed(int i) {
		if (armedCount == armedTimers.length) {
			armedTimers = Arrays.copyOf(armedTimers, armedCount * 2);
		}
		armedTimers[armedCount++] = i;
	}

	/**
	 * Queues the timers armed since the last flush that are still armed and not queued.
	 */
	private void flushTimers() {
		for (int k = 0; k < armedCount; k++) {
			int i = armedTimers[k];
			// (a slot freed after its timer was armed may have been trimmed away since)
			long at = i * TM < tm.length ? tm[i * TM + TM_AT] : -1;
			if (at >= 0) {
				long q = tm[i * TM + TM_QUEUED];
				if (q < 0 || q > at) {
					queueTimer(i);
				}
			}
		}
		armedCount = 0;
	}

	/** Stops timer {@code i}: its queue entry, if any, goes stale. */
	void cancelTimer(int i) {
		tm[i * TM + TM_AT] = -1;
		if (tm[i * TM + TM_QUEUED] >= 0) {
			tm[i * TM + TM_GEN] = 0;
			tm[i * TM + TM_QUEUED] = -1;
		}
	}

	/** Timer index (slot * 4 + timer) of a TIMER queue entry's argument. */
	static int timerIndex(long arg) {
		return (int) ((arg >>> 35) << 2) | (int) (arg & 3);
	}

	/**
	 * Whether the head event is due. If not, it is removed: stale timer entries are
	 * dropped, and an entry that came up before its timer's moved deadline is re-queued
	 * at the deadline with the sequence number reserved when the timer was armed — so the
	 * order of events is exactly as if every arm had been queued eagerly.
	 */
	private boolean headLive() {
		int kind = sched.peekKind();
		switch (kind) {
			case Scheduler.TIMER -> {
				long arg = sched.peekArg();
				int i = timerIndex(arg);
				long at = sched.peekTime();
				if (sched.staleTimer(arg) || tm[i * TM + TM_QUEUED] != at) {
					sched.pop();
					return false;
				}
				long deadline = tm[i * TM + TM_AT];
				if (deadline == at && tm[i * TM + TM_ORDER] == sched.peekOrder()) {
					return true;
				}
				sched.pop();
				if (deadline < 0) {
					tm[i * TM + TM_QUEUED] = -1;
				}
				else {
					queueTimer(i);
				}
				return false;
			}
			case Scheduler.TIME_WAIT_EXPIRY -> {
				long arg = sched.peekArg();
				int row = (int) (arg >>> 32);
				if (tw.gen[row] == (int) arg) {
					TimeWaitRecord r = tw.obj[row];
					if (r == null || r.state == TcpState.TIME_WAIT) {
						return true;
					}
				}
				sched.pop();
				return false;
			}
			default -> {
				return true;
			}
		}
	}

	private void purgeStale() {
		if (armedCount > 0) {
			flushTimers();
		}
		while (!sched.isEmpty() && !headLive()) {
			// headLive removed the stale head
		}
	}

	/** Time of the next live event in µs, or −1. */
	long nextEventAt() {
		purgeStale();
		return sched.isEmpty() ? -1 : sched.peekTime();
	}

	/**
	 * Runs every event due at or before {@code limitUs}; with {@code stop} returns as
	 * soon as it holds after an event. The clock moves to each event's time.
	 */
	void runUntil(long limitUs, BooleanSupplier stop) {
		while (true) {
			purgeStale();
			if (sched.isEmpty() || sched.peekTime() > limitUs) {
				return;
			}
			long t = sched.peekTime();
			int k = sched.peekKind();
			Object g = sched.peekTarget();
			long a = sched.peekArg();
			sched.pop();
			now = t;
			dispatch(k, g, a);
			if (stop != null && stop.getAsBoolean()) {
				return;
			}
		}
	}

	private void dispatch(int kind, Object target, long arg) {
		switch (kind) {
			case Scheduler.SEGMENT -> {
				Segment s = target != null ? (Segment) target : segments[(int) arg];
				arrive(s);
				recycle(s);
			}
			case Scheduler.TIMER -> {
				int i = timerIndex(arg);
				tm[i * TM + TM_AT] = -1;
				tm[i * TM + TM_QUEUED] = -1;
				slotTcb[i >>> 2].onTimer(i & 3);
			}
			case Scheduler.TIME_WAIT_EXPIRY -> {
				int row = (int) (arg >>> 32);
				TimeWaitRecord r = tw.obj[row];
				if (r != null) {
					timeWaitExpired(r);
				}
				else {
					rowExpired(row);
				}
			}
			case Scheduler.LOAD_CONNECT -> ((LoadRun) target).connectTick(this);
			case Scheduler.CENSUS -> ((LoadRun) target).censusTick(this);
			default -> throw new IllegalStateException("unknown event kind " + kind);
		}
	}

	// =====================================================================================================
	// State transitions and trace
	// =====================================================================================================

	/**
	 * The one place where every endpoint changes state (smoltcp's {@code set_state}):
	 * keeps the census, records the state event with its cause, and cleans up on CLOSED.
	 */
	void setState(Endpoint ep, TcpState to, String cause) {
		TcpState from = ep.state;
		if (from == to) {
			return;
		}
		if (ep.counted) {
			census[from.ordinal()]--;
		}
		ep.state = to;
		if (to != TcpState.CLOSED) {
			census[to.ordinal()]++;
			ep.counted = true;
		}
		else {
			ep.counted = false;
		}
		if (rec.states) {
			rec.state(now, ep.pairNo(), ep.role(), from, to, cause);
		}
		if (to == TcpState.CLOSED) {
			if (ep instanceof Tcb t) {
				tcbClosed(t);
			}
			else if (ep instanceof TimeWaitRecord r) {
				recordClosed(r);
			}
		}
	}

	void note(Endpoint ep, String code, String text) {
		if (rec.states) {
			rec.note(now, ep == null ? 0 : ep.pairNo(), ep == null ? null : ep.role(), code, text);
		}
	}

	void note(Pair p, String endpoint, String code, String text) {
		if (rec.states) {
			rec.note(now, p == null ? 0 : p.id, endpoint, code, text);
		}
	}

	void timerEvent(Endpoint ep, String timer, String action, long atUs) {
		if (rec.segments) {
			timerEvent(ep.pairNo(), ep.role(), timer, action, atUs);
		}
	}

	private void timerEvent(int pairNo, String endpoint, String timer, String action, long atUs) {
		if (rec.segments) {
			rec.add(new TraceEvent.Timer(rec.nextSeq(), ms(), pairNo == 0 ? null : Integer.valueOf(pairNo), endpoint,
					timer, action, atUs < 0 ? null : atUs / 1000.0));
		}
	}

	void callEvent(Endpoint ep, String endpoint, String call, Map<String, Object> args, Object result) {
		if (rec.states) {
			boolean blocking = Tcb.PENDING.equals(result);
			rec.call(now, ep == null ? 0 : ep.pairNo(), endpoint, call, args == null ? Map.of() : args,
					blocking ? null : result, blocking, false);
		}
	}

	void callCompleted(Tcb t, int call, Integer max, Object result) {
		if (rec.states) {
			String name = switch (call) {
				case Tcb.CALL_RECV -> "recv";
				case Tcb.CALL_CLOSE -> "close";
				case Tcb.CALL_CONNECT -> "connect";
				default -> "call";
			};
			Map<String, Object> args = call == Tcb.CALL_RECV && max != null ? Map.of("max", max) : Map.of();
			rec.call(now, t.pairNo(), t.role(), name, args, result, false, true);
		}
	}

	private void traceSegment(String event, Segment s) {
		int dstHost = 1 - s.srcHost;
		rec.add(new TraceEvent.Segment(rec.nextSeq(), ms(), s.pairNo == 0 ? null : Integer.valueOf(s.pairNo), event,
				s.id, role(s.srcHost), role(dstHost), address(s.srcHost, s.client) + ":" + s.srcPort,
				address(dstHost, s.client) + ":" + s.dstPort, s.flagNames(), Seq.u32(s.seq), Seq.u32(s.ack), s.len,
				s.window, s.retransmission, Seq.u32(s.relSeq), Seq.u32(s.relAck), s.answers < 0 ? null : s.answers));
	}

	Map<TcpState, Integer> censusMap() {
		Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
		for (TcpState s : TcpState.values()) {
			if (s != TcpState.CLOSED) {
				m.put(s, census[s.ordinal()]);
			}
		}
		return m;
	}

	// =====================================================================================================
	// Network: links, faults, demultiplexing
	// =====================================================================================================

	/**
	 * Puts a segment on the link from its source host: trace "sent", then fault rules,
	 * then delivery.
	 */
	void transmit(Segment s) {
		if (rec.segments) {
			traceSegment("sent", s);
		}
		Pair p = s.pair;
		if (p != null && p.external != null && hostOf(p.external) != s.srcHost) {
			// the peer is outside the engine: the segment has reached it (no link)
			if (rec.segments) {
				traceSegment("delivered", s);
			}
			recycle(s);
			return;
		}
		List<FaultRule> rules = p == null ? null : p.rulesOrNull(s.srcHost);
		if (rules != null && !rules.isEmpty()) {
			FaultRule r = matchRule(rules, s);
			if (r != null) {
				switch (r.action) {
					case DROP -> {
						if (rec.segments) {
							traceSegment("dropped", s);
						}
						recycle(s);
						return;
					}
					case DUPLICATE -> {
						deliverLater(s, 0);
						Segment d = s.withId(nextSegmentId());
						if (rec.segments) {
							traceSegment("duplicated", d);
						}
						deliverLater(d, 0);
						return;
					}
					case DELAY -> {
						if (rec.segments) {
							traceSegment("delayed", s);
						}
						deliverLater(s, r.delayUs);
						return;
					}
					case HOLD -> {
						if (rec.segments) {
							traceSegment("held", s);
						}
						p.held(s.srcHost).add(s);
						return;
					}
					default -> throw new IllegalStateException();
				}
			}
		}
		deliverLater(s, 0);
	}

	private static FaultRule matchRule(List<FaultRule> rules, Segment s) {
		FaultRule hit = null;
		for (FaultRule r : rules) {
			if (r.exhausted() || !s.matches(r.match)) {
				continue;
			}
			r.seen++;
			if (hit == null && r.seen >= r.nth) {
				r.applied++;
				hit = r;
			}
		}
		if (hit != null && hit.exhausted()) {
			rules.remove(hit);
		}
		return hit;
	}

	private void deliverLater(Segment s, long extraUs) {
		if (s.index >= 0) {
			sched.scheduleAfter(now, latencyUs + extraUs, Scheduler.SEGMENT, null, s.index);
		}
		else {
			sched.scheduleAfter(now, latencyUs + extraUs, Scheduler.SEGMENT, s, 0);
		}
	}

	void release(Pair p, Side side) {
		ArrayDeque<Segment> q = p.held == null ? null : p.held[side == Side.CLIENT ? CLIENT_HOST : SERVER_HOST];
		if (q == null) {
			return;
		}
		while (!q.isEmpty()) {
			Segment s = q.poll();
			if (rec.segments) {
				traceSegment("released", s);
			}
			deliverLater(s, 0);
		}
	}

	/**
	 * A segment reaches its destination host: demultiplex to a connection, TIME_WAIT
	 * record or listener.
	 */
	private void arrive(Segment s) {
		if (rec.segments) {
			traceSegment("delivered", s);
		}
		int dstHost = 1 - s.srcHost;
		long k = key(dstHost, s.client, s.dstPort, s.srcPort);
		// fast path: the segment's own pair usually holds the destination endpoint
		Endpoint ep = null;
		Pair sp = s.pair;
		if (sp != null) {
			Endpoint cand = dstHost == SERVER_HOST ? sp.server : sp.client;
			if (cand != null && cand.inConns && connKey(cand) == k) {
				ep = cand;
			}
		}
		if (ep == null) {
			ep = connGet(k);
		}
		if (ep instanceof Tcb t) {
			t.onSegment(s);
		}
		else if (ep instanceof TimeWaitRecord r) {
			timeWaitArrives(r, s);
		}
		else {
			Listener l = dstHost == SERVER_HOST ? listenerOn(s.dstPort) : null;
			if (l != null && l.state == TcpState.LISTEN) {
				listenArrives(l, s);
			}
			else {
				noConnection(dstHost, s);
			}
		}
	}

	/**
	 * Key of an endpoint that can be in the connection table (Tcb or TIME_WAIT record).
	 */
	private static long connKey(Endpoint e) {
		if (e instanceof Tcb t) {
			return t.key;
		}
		if (e instanceof TimeWaitRecord r) {
			return r.key;
		}
		return -1;
	}

	/**
	 * The endpoint in the connection table under {@code key}: a TCB or TIME_WAIT record,
	 * bringing back the record of a detached TIME_WAIT row; null when none.
	 */
	Endpoint connGet(long key) {
		Endpoint ep = endpoint(conns.get(key));
		if (ep == null && tw.mayHold(key)) {
			int row = tw.find(key);
			if (row >= 0) {
				ep = promote(row);
			}
		}
		return ep;
	}

	/**
	 * Puts into the connection table, keeping {@link Endpoint#inConns} exact. The key
	 * must not be held by a detached TIME_WAIT row: a SYN's child was looked up by
	 * {@link #connGet} first, a compacted TCB held its own key, and a client socket's
	 * port was free or bound past {@link #bindCheck} ({@link #connectPair} checks).
	 */
	void connPut(long key, Endpoint e) {
		Endpoint old = endpoint(conns.put(key, handle(e)));
		if (old != null) {
			old.inConns = false;
		}
		e.inConns = true;
	}

	/** Removes from the connection table, keeping {@link Endpoint#inConns} exact. */
	void connRemove(long key) {
		Endpoint old = endpoint(conns.remove(key));
		if (old != null) {
			old.inConns = false;
		}
	}

	/**
	 * §3.10.7.1 CLOSED: "all data in the incoming segment is discarded ... an incoming
	 * segment not containing a RST causes a RST to be sent".
	 */
	private void noConnection(int host, Segment s) {
		if (s.has(RST)) {
			return;
		}
		if (rec.states) {
			note(s.pair, role(host), "RST_NO_CONNECTION",
					"no connection for " + address(host, s.client) + ":" + s.dstPort + ": RST");
		}
		if (s.has(ACK)) {
			// <SEQ=SEG.ACK><CTL=RST>
			sendRaw(host, s.client, s.dstPort, s.srcPort, s.pair, s.pairNo, RST, s.ack, 0, 0, s.ack - s.relAck, 0, -1);
		}
		else {
			// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
			sendRaw(host, s.client, s.dstPort, s.srcPort, s.pair, s.pairNo, RST | ACK, 0, s.seq + s.segLen(), 0, 0,
					s.seq - s.relSeq, -1);
		}
	}

	/** A segment not tied to a TCB (RSTs, TIME_WAIT ACKs, injections). */
	void sendRaw(int host, int client, int localPort, int remotePort, Pair p, int pairNo, int flags, int seq, int ack,
			int len, int iss, int irs, long answers) {
		Segment s = segment(p, pairNo, host, client, localPort, remotePort, flags, seq, ack, len,
				(flags & RST) != 0 ? 0 : c.windowBytes(), false, seq - iss, (flags & ACK) != 0 ? ack - irs : 0,
				answers);
		transmit(s);
	}

	// =====================================================================================================
	// LISTEN (§3.10.7.2) and TIME-WAIT (§3.10.7.4) processing
	// =====================================================================================================

	/** The last listener looked up: a busy server's SYNs all go to one port. */
	private Listener lastListener;

	/** The listener on server port {@code port}, or null. */
	private Listener listenerOn(int port) {
		Listener l = lastListener;
		if (l != null && l.port == port) {
			return l;
		}
		l = listeners.get(port);
		if (l != null) {
			lastListener = l;
		}
		return l;
	}

	Listener listener(int port, Pair forPair) {
		Listener l = listenerOn(port);
		if (l == null) {
			l = new Listener(port, LISTEN_BACKLOG);
			l.pair = forPair;
			listeners.put(port, l);
			setState(l, TcpState.LISTEN, "listen()");
			callEvent(l, "listener", "listen", Map.of("port", port, "backlog", LISTEN_BACKLOG), 0);
		}
		return l;
	}

	/** §3.10.7.2 LISTEN. */
	private void listenArrives(Listener l, Segment s) {
		// first: check for a RST — ignore it
		if (s.has(RST)) {
			return;
		}
		// second: an ACK on a listener is bad: <SEQ=SEG.ACK><CTL=RST>
		if (s.has(ACK)) {
			note(s.pair, "server", "RST_NO_CONNECTION", "ACK on a listening port: RST");
			sendRaw(SERVER_HOST, s.client, s.dstPort, s.srcPort, s.pair, s.pairNo, RST, s.ack, 0, 0, s.ack - s.relAck,
					0, -1);
			return;
		}
		// third: a SYN creates a child connection in SYN-RECEIVED
		if (!s.has(SYN)) {
			return;
		}
		if (l.pendingChildren >= l.backlog) {
			note(s.pair, "listener", "SYN_DROPPED_BACKLOG", "listen backlog full: SYN dropped");
			return;
		}
		Pair p = null;
		Endpoint peer = endpoint(conns.get(key(CLIENT_HOST, s.client, s.srcPort, s.dstPort)));
		if (peer instanceof Tcb ct) {
			p = ct.pair;
		}
		if (p == null) {
			p = s.pair;
		}
		Tcb child = new Tcb(this, p, Side.SERVER, SERVER_HOST, s.client, l.port, s.srcPort, true);
		child.listener = l;
		child.state = TcpState.LISTEN;
		child.irs = s.seq;
		child.rcvNxt = s.seq + 1;
		child.sndWnd = s.window;
		child.iss = isn(SERVER_HOST, s.client, l.port, s.srcPort);
		child.sndUna = child.iss;
		child.sndNxt = child.iss;
		child.synchronizedVars = true;
		child.answerId = s.id;
		if (p != null && p.load) {
			child.app = load;
			if (load != null) {
				load.configure(child);
			}
		}
		connPut(child.key, child);
		l.pendingChildren++;
		if (p != null && Pair.closed(p.server)) {
			p.server = child;
		}
		setState(child, TcpState.SYN_RECEIVED, "rcv SYN");
		child.emit(SYN | ACK, child.iss, 0, false);
		child.sndNxt = child.iss + 1;
	}

	/** A child reached ESTABLISHED: accept() returns it (auto-accept). */
	void accepted(Tcb t) {
		if (t.listener != null && !t.accepted) {
			t.accepted = true;
			t.listener.pendingChildren--;
			if (rec.states) {
				callEvent(t, "server", "accept",
						t.localPort == t.listener.port ? t.listener.acceptArgs : Map.of("port", t.localPort), 0);
			}
			if (t.app != null) {
				t.app.established(t);
			}
		}
	}

	/** §3.10.7.4 for a connection in TIME-WAIT (compact record). */
	void timeWaitArrives(TimeWaitRecord r, Segment s) {
		int host = r.host();
		if (s.has(RST)) {
			// second: RST in TIME-WAIT closes the connection (RFC 9293) unless RFC 1337
			// protection is on
			if (!(le(r.rcvNxt, s.seq) && lt(s.seq, r.rcvNxt + c.windowBytes()))) {
				return;
			}
			if (c.rfc1337()) {
				note(r, "RFC1337_RST_IGNORED", "RST in TIME_WAIT ignored (RFC 1337 protection)");
				return;
			}
			note(r, "TIME_WAIT_ASSASSINATED",
					"RST in TIME_WAIT closes the connection (TIME-WAIT assassination, RFC 1337)");
			cancelTimeWaitTimer(r);
			setState(r, TcpState.CLOSED, "rcv RST");
			return;
		}
		if (s.has(SYN) && !s.has(ACK)) {
			Listener l = host == SERVER_HOST ? listenerOn(r.localPort()) : null;
			if (c.synReopensTimeWait() && l != null && gt(s.seq, r.rcvNxt)) {
				// RFC 1122 §4.2.2.13 / RFC 6191: a new SYN with a higher ISN reopens the
				// TIME-WAIT connection
				note(r, "TIME_WAIT_REOPENED", "new SYN with a higher sequence number reopens the TIME_WAIT connection");
				cancelTimeWaitTimer(r);
				setState(r, TcpState.CLOSED, "reopened by new SYN");
				listenArrives(l, s);
				return;
			}
			// otherwise: ACK (RFC 5961 challenge ACK / Linux TCP_TW_ACK)
			sendRaw(host, r.client(), r.localPort(), r.remotePort(), r.pair, r.pairNo(), ACK, r.sndNxt, r.rcvNxt, 0,
					r.iss, r.irs, -1);
			return;
		}
		if (s.has(FIN) && s.seq + s.len + 1 == r.rcvNxt) {
			// "The only thing that can arrive in this state is a retransmission of the
			// remote FIN. Acknowledge it,
			// and restart the 2 MSL timeout."
			note(r, "TIME_WAIT_ACK_RESENT_FIN", "TIME_WAIT ACKs the retransmitted FIN and restarts its 2MSL timer");
			sendRaw(host, r.client(), r.localPort(), r.remotePort(), r.pair, r.pairNo(), ACK, r.sndNxt, r.rcvNxt, 0,
					r.iss, r.irs, s.id);
			armTimeWaitTimer(r, true);
			return;
		}
		if (s.segLen() > 0 || !(le(r.rcvNxt, s.seq) && lt(s.seq, r.rcvNxt + c.windowBytes()))) {
			// anything else that occupies sequence space or is out of window: ACK it
			sendRaw(host, r.client(), r.localPort(), r.remotePort(), r.pair, r.pairNo(), ACK, r.sndNxt, r.rcvNxt, 0,
					r.iss, r.irs, -1);
		}
	}

	/**
	 * Replaces the full TCB of a connection that entered TIME-WAIT by a compact record.
	 */
	void compactTimeWait(Tcb t) {
		TimeWaitRecord r = new TimeWaitRecord(t.key, t.side == Side.CLIENT, t.sndNxt, t.rcvNxt, t.iss, t.irs,
				t.boundReuse);
		r.pair = t.pair;
		r.state = TcpState.TIME_WAIT;
		r.counted = true;
		r.row = tw.alloc(r);
		t.counted = false;
		connPut(t.key, r);
		t.portHeld = false;
		t.timeWait = r;
		freeTimerSlot(t);
		if (t.appClosed) {
			if (t.pair != null && t.pair.endpoint(t.side) == t) {
				t.pair.setEndpoint(t.side, r);
			}
		}
		else {
			r.owner = t;
		}
		armTimeWaitTimer(r, false);
		checkPair(t.pair);
	}

	private void armTimeWaitTimer(TimeWaitRecord r, boolean restart) {
		int row = r.row;
		int g = ++tw.gen[row];
		long expires = now + c.timeWaitMs() * 1000;
		tw.expiresUs[row] = expires;
		sched.scheduleAfter(now, c.timeWaitMs() * 1000, Scheduler.TIME_WAIT_EXPIRY, null,
				((long) row << 32) | (g & 0xFFFFFFFFL));
		timerEvent(r, "TIME_WAIT", restart ? "restarted" : "armed", expires);
	}

	private void cancelTimeWaitTimer(TimeWaitRecord r) {
		tw.gen[r.row]++;
		timerEvent(r, "TIME_WAIT", "cancelled", -1);
	}

	private void timeWaitExpired(TimeWaitRecord r) {
		timerEvent(r, "TIME_WAIT", "fired", -1);
		setState(r, TcpState.CLOSED, "TIME_WAIT timer");
	}

	/** Every TIME_WAIT connection's row; see {@link TimeWaitRows}. */
	final TimeWaitRows tw = new TimeWaitRows();

	/**
	 * A record whose pair was forgotten and whose socket is closed: nothing can look at
	 * it any more, so only its row stays, found through {@link TimeWaitRows#find} instead
	 * of the connection table.
	 */
	private void detach(TimeWaitRecord r) {
		int row = r.row;
		tw.pairNo[row] = r.pairNo();
		tw.flags[row] |= (byte) ((r.completesLifecycle ? TimeWaitRows.COMPLETES : 0)
				| (r.loadPair ? TimeWaitRows.LOAD : 0));
		tw.obj[row] = null;
		connRemove(r.key);
		tw.indexPut(r.key, row);
	}

	/**
	 * A segment (or a port reuse) reaches a detached TIME_WAIT row: its record is made
	 * again, exactly as it was detached, and takes the row's place in the connection
	 * table. The row's queued expiry stays valid.
	 */
	private TimeWaitRecord promote(int row) {
		int f = tw.flags[row];
		TimeWaitRecord r = new TimeWaitRecord(tw.key[row], (f & TimeWaitRows.CLIENT_SIDE) != 0, tw.sndNxt[row],
				tw.rcvNxt[row], tw.iss[row], tw.irs[row], (f & TimeWaitRows.REUSE_ADDR) != 0);
		int pairNo = tw.pairNo[row];
		r.detach(pairNo, pairNo == 0 ? null : Integer.valueOf(pairNo), (f & TimeWaitRows.COMPLETES) != 0,
				(f & TimeWaitRows.LOAD) != 0);
		r.state = TcpState.TIME_WAIT;
		r.counted = true;
		r.row = row;
		tw.obj[row] = r;
		tw.indexRemove(r.key);
		conns.put(r.key, handle(r));
		r.inConns = true;
		return r;
	}

	/**
	 * 2MSL expiry of a detached row: what {@link #timeWaitExpired} and
	 * {@link #recordClosed} do for a detached record, without making it.
	 */
	private void rowExpired(int row) {
		int f = tw.flags[row];
		int pairNo = tw.pairNo[row];
		String role = (f & TimeWaitRows.CLIENT_SIDE) != 0 ? "client" : "server";
		timerEvent(pairNo, role, "TIME_WAIT", "fired", -1);
		census[TcpState.TIME_WAIT.ordinal()]--;
		if (rec.states) {
			rec.state(now, pairNo, role, TcpState.TIME_WAIT, TcpState.CLOSED, "TIME_WAIT timer");
		}
		long key = tw.key[row];
		tw.indexRemove(key);
		if ((f & TimeWaitRows.CLIENT_SIDE) != 0) {
			clientPorts((int) (key >>> 33)).release((int) (key >>> 16) & 0xFFFF, (f & TimeWaitRows.REUSE_ADDR) != 0);
		}
		if ((f & TimeWaitRows.COMPLETES) != 0) {
			lifecycles++;
			if ((f & TimeWaitRows.LOAD) != 0 && load != null) {
				load.completed++;
			}
		}
		tw.release(row);
	}

	/**
	 * The application closes a socket whose connection already lives on as a TIME_WAIT
	 * record.
	 */
	void releaseOwner(Tcb t) {
		TimeWaitRecord r = t.timeWait;
		if (r != null && r.owner == t) {
			r.owner = null;
			if (t.pair != null && t.pair.endpoint(t.side) == t && r.state == TcpState.TIME_WAIT) {
				t.pair.setEndpoint(t.side, r);
			}
		}
		checkPair(t.pair);
	}

	/** The application closed a socket that is already CLOSED. */
	void release(Tcb t) {
		checkPair(t.pair);
	}

	private void tcbClosed(Tcb t) {
		if (t.inConns) {
			connRemove(t.key);
		}
		if (t.portHeld) {
			t.portHeld = false;
			clientPorts(t.client).release(t.localPort, t.boundReuse);
		}
		if (t.listener != null && !t.accepted) {
			t.accepted = true; // no longer pending
			t.listener.pendingChildren--;
		}
		t.onClosed();
		freeTimerSlot(t);
		checkPair(t.pair);
	}

	private void recordClosed(TimeWaitRecord r) {
		if (r.inConns) {
			connRemove(r.key);
		}
		tw.release(r.row);
		if (r.clientSide) {
			clientPorts(r.client()).release(r.localPort(), r.reuseAddr);
		}
		if (r.owner != null) {
			r.owner.state = TcpState.CLOSED; // the socket handle mirrors its record
												// (census counted the record)
		}
		if (r.pair != null) {
			checkPair(r.pair);
		}
		else if (r.completesLifecycle) {
			lifecycles++;
			if (r.loadPair && load != null) {
				load.completed++;
			}
		}
	}

	/**
	 * Counts finished lifecycles and forgets closed pairs when the configuration says so.
	 */
	void checkPair(Pair p) {
		if (p == null) {
			return;
		}
		if (!p.finished && Pair.closed(p.client) && Pair.closed(p.server)) {
			p.finished = true;
			lifecycles++;
			if (p.load && load != null) {
				load.completed++;
			}
		}
		if (!config.retainClosedPairs() && !p.forgotten && done(p.client) && done(p.server)) {
			// forget the pair; only TIME_WAIT records (which point to it for the trace)
			// keep it reachable
			p.forgotten = true;
			if (!p.load) {
				pairs.remove(p.boxedId());
			}
			if (!(p.client instanceof TimeWaitRecord)) {
				p.client = null;
			}
			if (!(p.server instanceof TimeWaitRecord)) {
				p.server = null;
			}
			p.listener = null;
			TimeWaitRecord only = p.client == null ? (TimeWaitRecord) p.server
					: p.server == null ? (TimeWaitRecord) p.client : null;
			if (only != null && only.state == TcpState.TIME_WAIT) {
				// the usual case: a single TIME_WAIT record outlives the pair; it keeps
				// just the pair's number
				only.detach(p.id, p.boxedId(), !p.finished, p.load);
				p.client = null;
				p.server = null;
				if (only.owner == null && only.inConns) {
					detach(only);
				}
			}
		}
	}

	private static boolean done(Endpoint ep) {
		if (ep == null) {
			return true;
		}
		if (ep instanceof TimeWaitRecord) {
			return true;
		}
		if (ep instanceof Tcb t) {
			return t.appClosed && (t.state == TcpState.CLOSED || t.timeWait != null);
		}
		return ep.state == TcpState.CLOSED;
	}

	// =====================================================================================================
	// ISNs and ports
	// =====================================================================================================

	/**
	 * RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4
	 * µs clock; or pinned.
	 */
	int isn(int host, int client, int localPort, int remotePort) {
		if (config.pinnedIsn()) {
			int clientPort = host == CLIENT_HOST ? localPort : remotePort;
			int serverPort = host == CLIENT_HOST ? remotePort : localPort;
			long tuple = ((long) client << 32) | ((long) clientPort << 16) | serverPort;
			if (incarnations == null) {
				incarnations = new HashMap<>();
			}
			int inc;
			if (host == CLIENT_HOST) {
				inc = incarnations.getOrDefault(tuple, -1) + 1;
				incarnations.put(tuple, inc);
			}
			else {
				inc = incarnations.getOrDefault(tuple, 0);
			}
			return (host == CLIENT_HOST ? 1000 : 5000) + 100_000 * inc;
		}
		long f = mix64(isnSecret ^ key(host, client, localPort, remotePort) * 0x9E3779B97F4A7C15L);
		return (int) (now / 4 + f);
	}

	private static long mix64(long z) {
		z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
		z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
		return z ^ (z >>> 33);
	}

	/**
	 * Ephemeral port for a connect() to {@code serverPort}: linear probe from a cursor
	 * that starts at a random port of the range, skipping every port in use (TIME_WAIT
	 * included). With {@code twReuse = 1} (Linux tcp_tw_reuse) and no free port, a client
	 * TIME_WAIT on the same destination that is at least 1 s old is recycled. −1 when
	 * none.
	 */
	int allocateEphemeral(int serverPort) {
		return allocateEphemeral(0, serverPort);
	}

	/**
	 * {@link #allocateEphemeral(int)} on client host number {@code client}, each host
	 * with its own ports and cursor.
	 */
	int allocateEphemeral(int client, int serverPort) {
		int lo = c.ephemeralLow();
		int hi = c.ephemeralHigh();
		PortTable pt = clientPorts(client);
		int cursor = client == 0 ? ephemeralCursor : extraCursors[client];
		int p = pt.firstFree(cursor, hi);
		if (p < 0 && cursor > lo) {
			p = pt.firstFree(lo, cursor - 1);
		}
		if (p < 0 && c.twReuse() == 1) {
			p = reuseTimeWait(client, cursor, lo, hi, serverPort);
		}
		if (p < 0) {
			return -1;
		}
		cursor = p + 1 > hi ? lo : p + 1;
		if (client == 0) {
			ephemeralCursor = cursor;
		}
		else {
			extraCursors[client] = cursor;
		}
		return p;
	}

	/**
	 * tcp_tw_reuse: the oldest-found client TIME_WAIT to this destination, aged ≥ 1 s,
	 * gives up its tuple.
	 */
	private int reuseTimeWait(int client, int cursor, int lo, int hi, int serverPort) {
		int span = hi - lo + 1;
		PortTable pt = clientPorts(client);
		for (int i = 0; i < span; i++) {
			int port = lo + (cursor - lo + i) % span;
			if (pt.users(port) != 1) {
				continue;
			}
			if (connGet(key(CLIENT_HOST, client, port, serverPort)) instanceof TimeWaitRecord r
					&& now - (tw.expiresUs[r.row] - c.timeWaitMs() * 1000) >= 1_000_000) {
				note(r, "TIME_WAIT_REUSED", "tcp_tw_reuse: a new connection takes over this TIME_WAIT tuple");
				cancelTimeWaitTimer(r);
				setState(r, TcpState.CLOSED, "tw_reuse");
				return port;
			}
		}
		return -1;
	}

	/**
	 * bind() on the client host: EADDRINUSE while anything holds the port, unless every
	 * holder and the new socket set SO_REUSEADDR.
	 */
	Errno bindCheck(int port, int serverPort, boolean reuseAddr) {
		PortTable pt = clientPorts;
		if (pt.users(port) == 0) {
			return null;
		}
		if (reuseAddr && pt.exclusiveUsers(port) == 0 && conns.get(key(CLIENT_HOST, port, serverPort)) < 0
				&& tw.find(key(CLIENT_HOST, port, serverPort)) < 0) {
			return null;
		}
		return Errno.EADDRINUSE;
	}

	// =====================================================================================================
	// Pairs
	// =====================================================================================================

	/**
	 * Creates a pair whose client socket is bound to {@code clientPort} and issues
	 * connect().
	 */
	Pair connectPair(int serverPort, int clientPort, boolean reuseAddr, boolean pinned, boolean loadPair) {
		return connectPair(0, serverPort, clientPort, reuseAddr, pinned, loadPair);
	}

	/**
	 * {@link #connectPair(int, int, boolean, boolean, boolean)} from client host number
	 * {@code client}.
	 */
	Pair connectPair(int client, int serverPort, int clientPort, boolean reuseAddr, boolean pinned, boolean loadPair) {
		Pair p = new Pair(nextPairId++, serverPort, clientPort);
		p.clientNo = client;
		p.load = loadPair;
		if (!loadPair || config.retainClosedPairs()) {
			// load pairs are only addressable when closed pairs are retained (keeps load
			// runs lean)
			pairs.put(p.id, p);
		}
		p.listener = listener(serverPort, p);
		Tcb t = new Tcb(this, p, Side.CLIENT, CLIENT_HOST, client, clientPort, serverPort, reuseAddr);
		p.client = t;
		if (loadPair) {
			t.app = load;
			load.configure(t);
		}
		clientPorts(client).acquire(clientPort, reuseAddr);
		t.portHeld = true;
		if ((reuseAddr || pinned) && tw.detachedCount() > 0) {
			// a detached TIME_WAIT row under this key leaves the table, as its record
			// would
			int row = tw.find(t.key);
			if (row >= 0) {
				promote(row);
			}
		}
		connPut(t.key, t);
		if (rec.states) {
			if (reuseAddr) {
				callEvent(t, "client", "setsockopt", Map.of("option", "SO_REUSEADDR", "on", 1), 0);
			}
			if (pinned) {
				callEvent(t, "client", "bind", Map.of("port", clientPort), 0);
			}
		}
		t.connect();
		if (rec.states) {
			callEvent(t, "client", "connect", connectArgs(serverPort), Tcb.PENDING);
		}
		return p;
	}

	static int hostOf(Side side) {
		return side == Side.CLIENT ? CLIENT_HOST : SERVER_HOST;
	}

	/**
	 * Opens a pair whose other side is played from outside (issue 15, packetdrill
	 * runner). {@code local} CLIENT: a client socket on {@code clientPort} connects to
	 * {@code serverPort} (no listener is made; the SYN goes out). {@code local} SERVER: a
	 * listener on {@code serverPort} waits for the external client on {@code clientPort}.
	 */
	Pair openExternal(Side local, int serverPort, int clientPort, int externalIsn) {
		Pair p = new Pair(nextPairId++, serverPort, clientPort);
		p.external = local.peer();
		p.externalIsn = externalIsn;
		pairs.put(p.id, p);
		if (local == Side.SERVER) {
			p.listener = listener(serverPort, p);
			return p;
		}
		Tcb t = new Tcb(this, p, Side.CLIENT, CLIENT_HOST, 0, clientPort, serverPort, false);
		p.client = t;
		clientPorts(0).acquire(clientPort, false);
		t.portHeld = true;
		connPut(t.key, t);
		t.connect();
		if (rec.states) {
			callEvent(t, "client", "connect", connectArgs(serverPort), Tcb.PENDING);
		}
		return p;
	}

	/**
	 * A segment from the external side of {@code p} arrives now at the local side (no
	 * link, no fault rules): trace "sent" and "delivered", then the usual demultiplexing.
	 */
	void injectExternal(Pair p, int flags, int seq, int ack, int len, int window) {
		int src = hostOf(p.external);
		int srcPort = p.external == Side.CLIENT ? p.clientPort : p.serverPort;
		int dstPort = p.external == Side.CLIENT ? p.serverPort : p.clientPort;
		Endpoint local = p.endpoint(p.external.peer());
		int localIss = local instanceof Tcb t && t.synchronizedVars ? t.iss
				: local instanceof TimeWaitRecord r ? r.iss : 0;
		Segment s = new Segment(nextSegmentId(), p, p.id, src, p.clientNo, srcPort, dstPort, flags, seq,
				(flags & ACK) != 0 ? ack : 0, len, window, false, seq - p.externalIsn,
				(flags & ACK) != 0 ? ack - localIss : 0, -1);
		if (rec.segments) {
			traceSegment("sent", s);
		}
		arrive(s);
	}

	/**
	 * The trace arguments of connect(), sorted by name as {@link TraceEvent.Call} keeps
	 * them; the last one is reused while address and port stay the same (immutable).
	 */
	private Map<String, Object> connectArgs(int serverPort) {
		String a = address[SERVER_HOST];
		if (lastConnectArgs == null || lastConnectPort != serverPort || lastConnectAddress != a) {
			lastConnectArgs = java.util.Collections
				.unmodifiableSortedMap(new java.util.TreeMap<>(Map.of("address", a, "port", serverPort)));
			lastConnectPort = serverPort;
			lastConnectAddress = a;
		}
		return lastConnectArgs;
	}

	private Map<String, Object> lastConnectArgs;

	private int lastConnectPort;

	private String lastConnectAddress;

	// =====================================================================================================
	// Views
	// =====================================================================================================

	PairView pairView(Pair p) {
		Listener l = p.listener;
		ListenerView lv = l == null ? null
				: new ListenerView("listener", address[SERVER_HOST], l.port, l.state, l.backlog);
		return new PairView(p.id, endpointView(p.client, "client", CLIENT_HOST, p.clientNo, p.clientPort),
				endpointView(p.server, "server", SERVER_HOST, p.clientNo, p.serverPort), lv);
	}

	private EndpointView endpointView(Endpoint ep, String role, int host, int client, int port) {
		if (ep instanceof Tcb t) {
			if (t.timeWait != null && t.timeWait.owner == t) {
				TimeWaitRecord r = t.timeWait;
				return recordView(r, t.state, false, t.shutRd, t.shutWr, t.lingerOnoff, t.lingerSeconds,
						t.recvBuffered);
			}
			List<TimerView> timers = new ArrayList<>(2);
			for (int i = 0; i < 4; i++) {
				if (t.timerAt(i) >= 0) {
					timers.add(new TimerView(Tcb.TIMER_NAMES[i], t.timerAt(i) / 1000.0));
				}
			}
			boolean v = t.synchronizedVars;
			boolean hasIrs = v && t.state != TcpState.SYN_SENT;
			String pending = switch (t.pendingCall) {
				case Tcb.CALL_RECV -> "recv";
				case Tcb.CALL_CLOSE -> "close";
				case Tcb.CALL_CONNECT -> "connect";
				default -> null;
			};
			return new EndpointView(role, address(host, client), port, t.state, v ? Seq.u32(t.iss) : null,
					hasIrs ? Seq.u32(t.irs) : null, v ? Seq.u32(t.sndUna) : null, v ? Seq.u32(t.sndNxt) : null,
					v ? t.sndWnd : null, hasIrs ? Seq.u32(t.rcvNxt) : null, hasIrs ? t.rcvWnd() : null,
					t.sendBuffered(), t.recvBuffered, t.orphan(), t.shutRd, t.shutWr, t.reuseAddr, t.lingerOnoff,
					t.lingerSeconds, pending, timers);
		}
		if (ep instanceof TimeWaitRecord r) {
			return recordView(r, r.state, true, true, true, 0, 0, 0);
		}
		return new EndpointView(role, address(host, client), port, TcpState.CLOSED, null, null, null, null, null, null,
				null, 0, 0, false, false, false, false, 0, 0, null, List.of());
	}

	private EndpointView recordView(TimeWaitRecord r, TcpState state, boolean orphan, boolean shutRd, boolean shutWr,
			int lingerOnoff, int lingerSeconds, int recvBuffered) {
		List<TimerView> timers = r.state == TcpState.TIME_WAIT
				? List.of(new TimerView("TIME_WAIT", tw.expiresUs[r.row] / 1000.0)) : List.of();
		return new EndpointView(r.role(), address(r.host(), r.client()), r.localPort(), state, Seq.u32(r.iss),
				Seq.u32(r.irs), Seq.u32(r.sndNxt), Seq.u32(r.sndNxt), c.windowBytes(), Seq.u32(r.rcvNxt),
				c.windowBytes(), 0, recvBuffered, orphan, shutRd, shutWr, r.reuseAddr, lingerOnoff, lingerSeconds, null,
				timers);
	}

}
