package dev.tcplab.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import dev.tcplab.engine.internal.ConnTable;
import dev.tcplab.engine.internal.TimerTable;

/**
 * The world behind {@link Simulation}: the {@link Context} every rule sees (clock,
 * constants, trace, census, timers) plus the event loop, the two hosts with their
 * connection table, demultiplexing of arriving segments and the life of a pair. The TCP
 * rules live in {@link Tcb} and its parts, {@link SegmentArrives}, {@link SocketCalls},
 * {@link TimeWait}, {@link Listener}, {@link Network}, {@link Ports} and {@link Isn}; the
 * mechanism (event queue, timer table, tables) in {@code dev.tcplab.engine.internal}.
 * Package-private; the facade validates arguments and turns results into
 * {@link EventResult}s.
 */
final class Engine extends Context {

	static final int LISTEN_BACKLOG = 4096;

	/** The target of an {@link #EV_CALLBACK} entry: a driver's own scheduled event. */
	interface Scheduled {

		void fire(Engine e, long arg);

	}

	final Network net;

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

	long lifecycles;

	/** The workload of the load run, if one was started. */
	Tcb.Application load;

	/** Lifecycles of the load run's pairs completed so far. */
	long loadCompleted;

	Engine(SimulationConfig config) {
		this(config, new SplittableRandom(config.seed()));
	}

	private Engine(SimulationConfig config, SplittableRandom rng) {
		super(config, rng.nextLong());
		this.net = new Network(this, config.latencyMs());
		this.ports = new Ports(c, isn, rng);
		this.tw = new TimeWait(this);
	}

	String address(int host, int client) {
		return net.address(host, client);
	}

	// ---- entry points of the facade (Simulation, PairEvents, LoadRun)

	/**
	 * An ephemeral port of client host number {@code client} for a connect() to
	 * {@code serverPort}, or −1 when none is free. With {@code twReuse = 1} (Linux
	 * {@code tcp_tw_reuse}) and no free port, a client TIME_WAIT on the same destination
	 * that is at least 1 s old gives up its tuple.
	 */
	int allocateEphemeral(int client, int serverPort) {
		int p = ports.allocateEphemeral(client);
		if (p < 0 && c.twReuse() == 1) {
			p = tw.reuse(client, ports.cursor(client), c.ephemeralLow(), c.ephemeralHigh(), serverPort);
			if (p >= 0) {
				ports.moveCursor(client, p);
			}
		}
		return p;
	}

	/**
	 * bind() on the client host: EADDRINUSE while anything holds the port, unless every
	 * holder and the new socket set SO_REUSEADDR and the exact tuple is free.
	 */
	Errno bindCheck(int port, int serverPort, boolean reuseAddr) {
		var pt = ports.clientPorts(0);
		if (pt.users(port) == 0) {
			return null;
		}
		long key = Host.key(Host.CLIENT, 0, port, serverPort);
		if (reuseAddr && pt.exclusiveUsers(port) == 0 && conns.get(key) < 0 && tw.rows.find(key) < 0) {
			return null;
		}
		return Errno.EADDRINUSE;
	}

	// =====================================================================================================
	// The event loop (the queue is internal/EventQueue, the timers internal/TimerTable)
	// =====================================================================================================

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
			case EV_TIMER -> ((Tcb) timers.fire(arg)).onTimer(Timer.ALL[TimerTable.timer(arg)]);
			case EV_TIME_WAIT_EXPIRY -> tw.expire(arg);
			case EV_CALLBACK -> ((Scheduled) target).fire(this, arg);
			default -> throw new IllegalStateException("unknown event kind " + kind);
		}
	}

	// =====================================================================================================
	// What the rules tell the engine (Context)
	// =====================================================================================================

	@Override
	void closed(Endpoint ep) {
		if (ep instanceof Tcb t) {
			tcbClosed(t);
		}
		else if (ep instanceof TimeWaitRecord r) {
			tw.recordClosed(r);
		}
	}

	@Override
	void timeWait(Endpoint ep) {
		if (ep instanceof Tcb t) {
			tw.compact(t);
		}
	}

	@Override
	void released(Endpoint ep) {
		Tcb t = (Tcb) ep;
		if (t.state == TcpState.TIME_WAIT) {
			tw.releaseOwner(t);
		}
		else if (t.state == TcpState.CLOSED) {
			checkPair(t.pair);
		}
	}

	// =====================================================================================================
	// Demultiplexing
	// =====================================================================================================

	/**
	 * A segment reaches its destination host: demultiplex to a connection (TCB or
	 * TIME_WAIT record), else a listener, else nothing, and SEGMENT ARRIVES for what was
	 * found (RFC 9293 §3.10.7): {@link SegmentArrives} for a TCB (§3.10.7.3, §3.10.7.4),
	 * a listener (§3.10.7.2) or nothing (§3.10.7.1 CLOSED), {@link TimeWait#arrives} for
	 * TIME-WAIT.
	 */
	private void arrive(Segment s) {
		if (rec.segments) {
			net.traceSegment("delivered", s);
		}
		int dstHost = 1 - s.srcHost;
		long k = Host.key(dstHost, s.client, s.dstPort, s.srcPort);
		// fast path: the segment's own pair usually holds the destination endpoint
		Endpoint ep = null;
		Pair sp = s.pair;
		if (sp != null) {
			Endpoint cand = dstHost == Host.SERVER ? sp.server : sp.client;
			if (cand != null && cand.inConns && connKey(cand) == k) {
				ep = cand;
			}
		}
		if (ep == null) {
			ep = connGet(k);
		}
		if (ep instanceof Tcb t) {
			SegmentArrives.arrives(t, s);
		}
		else if (ep instanceof TimeWaitRecord r) {
			tw.arrives(r, s);
		}
		else {
			Listener l = dstHost == Host.SERVER ? listenerOn(s.dstPort) : null;
			if (l != null && l.state == TcpState.LISTEN) {
				listen(l, s, null);
			}
			else {
				SegmentArrives.closed(this, net, dstHost, s);
			}
		}
	}

	/**
	 * A segment reaches listener {@code l} (§3.10.7.2): a SYN that makes a child puts it
	 * into the connection table and its pair, then opens it with ISS {@code iss} (a SYN
	 * reopening TIME_WAIT) or the ISN generator's (null).
	 */
	void listen(Listener l, Segment s, Integer iss) {
		if (!SegmentArrives.listen(this, net, l, s)) {
			return;
		}
		Pair p = childPair(s);
		Tcb child = new Tcb(this, net, p, Side.SERVER, Host.SERVER, s.client, l.port, s.srcPort, true);
		childCreated(child, l, p);
		SegmentArrives.passiveOpen(child, l, s, iss);
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
		Endpoint peer = endpoint(conns.get(Host.key(Host.CLIENT, s.client, s.srcPort, s.dstPort)));
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
				load.attached(child);
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
	 * close() on listener {@code l} (Linux {@code inet_csk_listen_stop}): it leaves the
	 * table, so later SYNs to its port draw RST (§3.10.7.1); its requests still in
	 * SYN_RECEIVED, and the completed children of the pairs in {@code notAccepted} (the
	 * application never took them with accept()), are ended by
	 * {@link SocketCalls#listenerClosed}. Children the application accepted live on. The
	 * children are found among the kept pairs (every pair outside load runs).
	 */
	void closeListener(Listener l, Collection<Integer> notAccepted) {
		listeners.remove(l);
		setState(l, TcpState.CLOSED, "close()");
		for (Pair p : new ArrayList<>(pairs.values())) {
			if (p.server instanceof Tcb t && t.listener == l && !t.appClosed
					&& (!t.accepted || notAccepted.contains(p.id))) {
				SocketCalls.listenerClosed(t);
			}
		}
		callEvent(l, "listener", "close", l.acceptArgs, CallResult.ZERO);
	}

	private void tcbClosed(Tcb t) {
		if (t.inConns) {
			connRemove(t.key);
		}
		if (t.portHeld) {
			t.portHeld = false;
			ports.clientPorts(t.client).release(t.localPort, t.boundReuse);
		}
		if (t.listener != null && !t.accepted) {
			// a child closed before it was accepted no longer counts against the backlog
			t.accepted = true;
			t.listener.pendingChildren--;
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
			if (p.load) {
				loadCompleted++;
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
		Tcb t = new Tcb(this, net, p, Side.CLIENT, Host.CLIENT, client, clientPort, serverPort, reuseAddr);
		p.client = t;
		if (loadPair) {
			t.app = load;
			load.attached(t);
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
		SocketCalls.connect(t);
		if (rec.states) {
			callEvent(t, "client", "connect", net.connectArgs(serverPort), CallResult.PENDING);
		}
		return p;
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
		Tcb t = new Tcb(this, net, p, Side.CLIENT, Host.CLIENT, 0, clientPort, serverPort, false);
		p.client = t;
		ports.clientPorts(0).acquire(clientPort, false);
		t.portHeld = true;
		connPut(t.key, t);
		SocketCalls.connect(t);
		if (rec.states) {
			callEvent(t, "client", "connect", net.connectArgs(serverPort), CallResult.PENDING);
		}
		return p;
	}

	/**
	 * A segment from the external side of {@code p} arrives now at the local side (no
	 * link, no fault rules): trace "sent" and "delivered", then the usual demultiplexing.
	 */
	void injectExternal(Pair p, int flags, int seq, int ack, int len, int window, TcpOptions options) {
		int src = Host.of(p.external);
		int srcPort = p.external == Side.CLIENT ? p.clientPort : p.serverPort;
		int dstPort = p.external == Side.CLIENT ? p.serverPort : p.clientPort;
		Endpoint local = p.endpoint(p.external.peer());
		int localIss = local instanceof Tcb t && t.synchronizedVars ? t.iss
				: local instanceof TimeWaitRecord r ? r.iss : 0;
		Segment s = new Segment(net.nextSegmentId(), p, p.id, src, p.clientNo, srcPort, dstPort, flags, seq,
				(flags & Segment.ACK) != 0 ? ack : 0, len, window, false, seq - p.externalIsn,
				(flags & Segment.ACK) != 0 ? ack - localIss : 0, -1);
		options.applyTo(s);
		if (rec.segments) {
			net.traceSegment("sent", s);
		}
		arrive(s);
	}

}
