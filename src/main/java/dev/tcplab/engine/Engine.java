package dev.tcplab.engine;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.internal.ConnTable;
import dev.tcplab.engine.internal.EventQueue;
import dev.tcplab.engine.internal.TimerTable;
import dev.tcplab.engine.internal.TraceRing;

/**
 * The world behind {@link Simulation}: the virtual clock and the event loop, the two
 * hosts (0 = client, 1 = server) with their connection table, demultiplexing of arriving
 * segments, the one {@link #setState} and the life of a pair. The TCP rules live in
 * {@link Tcb} (user calls, SEGMENT ARRIVES for every state, timeouts), {@link TimeWait},
 * {@link Listener}, {@link Network}, {@link Ports} and {@link Isn}; the mechanism (event
 * queue, timer table, tables) in {@code dev.tcplab.engine.internal}. Package-private; the
 * facade validates arguments and turns results into {@link EventResult}s.
 */
final class Engine {

	static final int CLIENT_HOST = 0;

	static final int SERVER_HOST = 1;

	static final int LISTEN_BACKLOG = 4096;

	final SimulationConfig config;

	final StackConstants c;

	final TraceRing rec;

	/** Kinds of event-queue entries. */
	static final int EV_SEGMENT = 0;

	static final int EV_TIMER = 1;

	static final int EV_TIME_WAIT_EXPIRY = 2;

	static final int EV_LOAD_CONNECT = 3;

	static final int EV_CENSUS = 4;

	final EventQueue sched = new EventQueue(this::staleEntry);

	/** The four timers of every TCB, indexed by the TCB's {@link Tcb#slot}. */
	final TimerTable<Tcb> timers = new TimerTable<>(sched, EV_TIMER);

	/** A cancelled timer's entry is dropped as soon as it reaches a lane's head. */
	private boolean staleEntry(int kind, long arg) {
		return kind == EV_TIMER && timers.stale(arg);
	}

	/** Virtual time in microseconds. */
	long now;

	final String[] address;

	final Network net;

	final Isn isn;

	final Ports ports;

	final TimeWait tw;

	/**
	 * The connection table: 4-tuple key → handle of the endpoint, a TCB (its timer slot)
	 * or a TIME_WAIT record (its row).
	 */
	final ConnTable conns = new ConnTable();

	static int handle(Endpoint e) {
		if (e instanceof Tcb t) {
			return ConnTable.slotHandle(t.slot);
		}
		return ConnTable.rowHandle(((TimeWaitRecord) e).row);
	}

	private Endpoint endpoint(int handle) {
		if (handle < 0) {
			return null;
		}
		int i = ConnTable.index(handle);
		return ConnTable.isRow(handle) ? tw.rows.obj(i) : timers.owner(i);
	}

	final Listener.Table listeners = new Listener.Table();

	final Map<Integer, Pair> pairs = new LinkedHashMap<>();

	private int nextPairId = 1;

	final int[] census = new int[TcpState.values().length];

	long lifecycles;

	LoadRun load;

	/**
	 * {@link StackConstants#rtoFormula()} is "linux": RTO = SRTT + max(RTO_min,
	 * 4·RTTVAR); otherwise RFC 6298 §2.
	 */
	final boolean linuxRto;

	/**
	 * {@link StackConstants#rtoFormula()} is "freebsd": FreeBSD's {@code TCPT_RANGESET}
	 * adds {@code tcp_rexmit_slop} to RFC 6298's SRTT + 4·RTTVAR.
	 */
	final boolean freebsdRto;

	Engine(SimulationConfig config) {
		this.config = config;
		this.c = config.constants();
		this.rec = new TraceRing(config.traceLevel(), config.maxTraceEvents());
		this.address = new String[] { config.clientAddress(), config.serverAddress() };
		this.net = new Network(this, config.latencyMs());
		SplittableRandom rng = new SplittableRandom(config.seed());
		this.isn = new Isn(config.pinnedIsn(), config.constants().timeWaitMs() > 0, rng.nextLong());
		this.ports = new Ports(this, rng);
		this.tw = new TimeWait(this);
		this.linuxRto = StackConstants.RTO_LINUX.equals(c.rtoFormula());
		this.freebsdRto = StackConstants.RTO_FREEBSD.equals(c.rtoFormula());
	}

	static long key(int host, int localPort, int remotePort) {
		return ConnTable.key(host, 0, localPort, remotePort);
	}

	/**
	 * Key of a connection of client host number {@code client} (0 =
	 * {@code config.clientAddress}) or its server side.
	 */
	static long key(int host, int client, int localPort, int remotePort) {
		return ConnTable.key(host, client, localPort, remotePort);
	}

	static String offsetAddress(String base, int offset) {
		return Network.offsetAddress(base, offset);
	}

	String address(int host, int client) {
		return net.address(host, client);
	}

	double ms() {
		return now / 1000.0;
	}

	static String role(int host) {
		return host == CLIENT_HOST ? "client" : "server";
	}

	// ---- entry points of the facade (Simulation, PairEvents, LoadRun)

	long nextSegmentId() {
		return net.nextSegmentId();
	}

	void transmit(Segment s) {
		net.transmit(s);
	}

	void sendRaw(int host, int client, int localPort, int remotePort, Pair p, int pairNo, int flags, int seq, int ack,
			int len, int iss, int irs, long answers) {
		net.sendRaw(host, client, localPort, remotePort, p, pairNo, flags, seq, ack, len, iss, irs, answers);
	}

	void release(Pair p, Side side) {
		net.release(p, side);
	}

	int allocateEphemeral(int serverPort) {
		return ports.allocateEphemeral(0, serverPort);
	}

	int allocateEphemeral(int client, int serverPort) {
		return ports.allocateEphemeral(client, serverPort);
	}

	Errno bindCheck(int port, int serverPort, boolean reuseAddr) {
		return ports.bindCheck(port, serverPort, reuseAddr);
	}

	PairView pairView(Pair p) {
		return Views.pair(this, p);
	}

	// =====================================================================================================
	// The event loop (the queue is internal/EventQueue, the timers internal/TimerTable)
	// =====================================================================================================

	/** A timer slot for a new TCB. */
	int allocTimerSlot(Tcb t) {
		return timers.alloc(t);
	}

	/** Gives the TCB's slot back: every queue entry of its timers goes stale. */
	void freeTimerSlot(Tcb t) {
		int s = t.slot;
		if (s < 0) {
			return;
		}
		t.slot = -1;
		timers.free(s);
	}

	/** Slots in the timer arrays (capacity), for tests and benchmarks. */
	int timerSlotCapacity() {
		return timers.capacity();
	}

	/**
	 * Whether the head event is due. If not, it is removed: stale timer and TIME_WAIT
	 * expiry entries are dropped, and a timer entry that came up before its timer's moved
	 * deadline is re-queued ({@link TimerTable#headDue()}).
	 */
	private boolean headLive() {
		int kind = sched.peekKind();
		switch (kind) {
			case EV_TIMER -> {
				return timers.headDue();
			}
			case EV_TIME_WAIT_EXPIRY -> {
				if (tw.expiryLive(sched.peekArg())) {
					return true;
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
		timers.flush();
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
			case EV_SEGMENT -> {
				Segment s = net.inFlight(target, arg);
				arrive(s);
				net.recycle(s);
			}
			case EV_TIMER -> timers.fire(arg).onTimer(TimerTable.timer(arg));
			case EV_TIME_WAIT_EXPIRY -> tw.expire(arg);
			case EV_LOAD_CONNECT -> ((LoadRun) target).connectTick(this);
			case EV_CENSUS -> ((LoadRun) target).censusTick(this);
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
				tw.recordClosed(r);
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

	void timerEvent(int pairNo, String endpoint, String timer, String action, long atUs) {
		if (rec.segments) {
			rec.add(new TraceEvent.Timer(rec.nextSeq(), ms(), pairNo == 0 ? null : Integer.valueOf(pairNo), endpoint,
					timer, action, atUs < 0 ? null : atUs / 1000.0));
		}
	}

	void callEvent(Endpoint ep, String endpoint, String call, Map<String, Object> args, CallResult result) {
		if (rec.states) {
			boolean blocking = result == CallResult.PENDING;
			rec.call(now, ep == null ? 0 : ep.pairNo(), endpoint, call, args == null ? Map.of() : args,
					blocking ? null : result.wire(), blocking, false);
		}
	}

	void callCompleted(Tcb t, int call, Integer max, CallResult result) {
		if (rec.states) {
			String name = switch (call) {
				case Tcb.CALL_RECV -> "recv";
				case Tcb.CALL_CLOSE -> "close";
				case Tcb.CALL_CONNECT -> "connect";
				default -> "call";
			};
			Map<String, Object> args = call == Tcb.CALL_RECV && max != null ? Map.of("max", max) : Map.of();
			rec.call(now, t.pairNo(), t.role(), name, args, result.wire(), false, true);
		}
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
	// Demultiplexing
	// =====================================================================================================

	/**
	 * A segment reaches its destination host: demultiplex to a connection (TCB or
	 * TIME_WAIT record), else a listener, else nothing; {@link Tcb#segmentArrives} takes
	 * it from there.
	 */
	private void arrive(Segment s) {
		if (rec.segments) {
			net.traceSegment("delivered", s);
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
		if (ep == null && dstHost == SERVER_HOST) {
			ep = listenerOn(s.dstPort);
		}
		Tcb.segmentArrives(this, ep, dstHost, s);
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
		if (ep == null && tw.rows.mayHold(key)) {
			int row = tw.rows.find(key);
			if (row >= 0) {
				ep = tw.promote(row);
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
	 * The pair a SYN's child connection belongs to: that of the client socket on the
	 * segment's tuple, else the segment's own (null for an injected SYN without one).
	 */
	Pair childPair(Segment s) {
		Pair p = null;
		Endpoint peer = endpoint(conns.get(key(CLIENT_HOST, s.client, s.srcPort, s.dstPort)));
		if (peer instanceof Tcb ct) {
			p = ct.pair;
		}
		if (p == null) {
			p = s.pair;
		}
		return p;
	}

	/**
	 * A child made by a SYN on {@code l} enters the connection table and its pair; load
	 * pairs' children get the workload.
	 */
	void childCreated(Tcb child, Listener l, Pair p) {
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
	}

	// =====================================================================================================
	// Listeners and the life of a pair
	// =====================================================================================================

	/** The listener on server port {@code port}, or null. */
	Listener listenerOn(int port) {
		return listeners.on(port);
	}

	Listener listener(int port, Pair forPair) {
		Listener l = listenerOn(port);
		if (l == null) {
			l = new Listener(port, LISTEN_BACKLOG);
			l.pair = forPair;
			listeners.add(l);
			setState(l, TcpState.LISTEN, "listen()");
			callEvent(l, "listener", "listen", Map.of("port", port, "backlog", LISTEN_BACKLOG), CallResult.ZERO);
		}
		return l;
	}

	/**
	 * The application let go of socket {@code t} (its close() returned): a TIME_WAIT
	 * record that the handle still mirrored lives on alone, a CLOSED socket is done;
	 * either may finish the pair.
	 */
	void socketClosed(Tcb t) {
		if (t.state == TcpState.TIME_WAIT) {
			tw.releaseOwner(t);
		}
		else if (t.state == TcpState.CLOSED) {
			checkPair(t.pair);
		}
	}

	private void tcbClosed(Tcb t) {
		if (t.inConns) {
			connRemove(t.key);
		}
		if (t.portHeld) {
			t.portHeld = false;
			ports.clientPorts(t.client).release(t.localPort, t.boundReuse);
		}
		if (t.listener != null) {
			t.listener.childClosed(t);
		}
		t.onClosed();
		freeTimerSlot(t);
		checkPair(t.pair);
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
					tw.detach(only);
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
		ports.clientPorts(client).acquire(clientPort, reuseAddr);
		t.portHeld = true;
		if ((reuseAddr || pinned) && tw.rows.detachedCount() > 0) {
			// a detached TIME_WAIT row under this key leaves the table, as its record
			// would
			int row = tw.rows.find(t.key);
			if (row >= 0) {
				tw.promote(row);
			}
		}
		connPut(t.key, t);
		if (rec.states) {
			if (reuseAddr) {
				callEvent(t, "client", "setsockopt", Map.of("option", "SO_REUSEADDR", "on", 1), CallResult.ZERO);
			}
			if (pinned) {
				callEvent(t, "client", "bind", Map.of("port", clientPort), CallResult.ZERO);
			}
		}
		t.connect();
		if (rec.states) {
			callEvent(t, "client", "connect", net.connectArgs(serverPort), CallResult.PENDING);
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
	 * Segments to the external side stop in {@link Network#transmit}.
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
		ports.clientPorts(0).acquire(clientPort, false);
		t.portHeld = true;
		connPut(t.key, t);
		t.connect();
		if (rec.states) {
			callEvent(t, "client", "connect", net.connectArgs(serverPort), CallResult.PENDING);
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
				(flags & Segment.ACK) != 0 ? ack : 0, len, window, false, seq - p.externalIsn,
				(flags & Segment.ACK) != 0 ? ack - localIss : 0, -1);
		if (rec.segments) {
			net.traceSegment("sent", s);
		}
		arrive(s);
	}

}
