package dev.tcplab.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

import dev.tcplab.engine.LoadSpec.LoadStats;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.SimulationView;

/**
 * One virtual network with its own virtual clock: a client host and a server host joined
 * by two links, the sockets on them and a trace recorder. This is the engine's public
 * facade; everything else in the package is detail. Not thread-safe: callers serialise
 * access (the service holds one lock per simulation).
 * <p>
 * Time: the clock counts integer microseconds; the API speaks milliseconds (fractional
 * where needed). Only the scheduler advances the clock; events at equal times run in
 * insertion order, so a seed and a sequence of calls reproduce a trace byte for byte.
 */
public final class Simulation {

	private final Engine e;

	/** The load run, once started. */
	private LoadRun load;

	public Simulation(SimulationConfig config) {
		if (config == null) {
			throw new IllegalArgumentException("config must be given");
		}
		this.e = new Engine(config);
	}

	/** The engine behind this facade (for the engine's own tests). */
	Engine engine() {
		return e;
	}

	public SimulationConfig config() {
		return e.config;
	}

	public StackConstants constants() {
		return e.c;
	}

	/** Virtual time now, in microseconds since the simulation began. */
	public long nowMicros() {
		return e.now;
	}

	/** Virtual time now, in milliseconds. */
	public double nowMs() {
		return nowMicros() / 1000.0;
	}

	/**
	 * Opens a client/server pair: a listener on {@code serverPort} (created on first use,
	 * reused afterwards), a client socket bound to {@code clientPort} (null = ephemeral,
	 * skipping tuples in TIME_WAIT) that connects to it. With {@code establish} the clock
	 * runs until the three-way handshake has completed and the server has accepted;
	 * otherwise connect() is issued and the SYN is in flight.
	 * @throws EngineException EADDRINUSE when a pinned port cannot be bound,
	 * EADDRNOTAVAIL when no ephemeral port is free
	 * @throws IllegalArgumentException for ports outside 1..65535
	 */
	public PairView openPair(int serverPort, Integer clientPort, boolean clientReuseAddr, boolean establish) {
		return Views.pair(e, open(serverPort, clientPort, clientReuseAddr, establish));
	}

	/**
	 * Same as {@link #openPair} but returns only the pair id (no snapshot is built) — for
	 * benchmarks and load drivers that open many pairs.
	 */
	public int openPairId(int serverPort, Integer clientPort, boolean clientReuseAddr, boolean establish) {
		return open(serverPort, clientPort, clientReuseAddr, establish).id;
	}

	private Pair open(int serverPort, Integer clientPort, boolean clientReuseAddr, boolean establish) {
		checkPort("serverPort", serverPort);
		int port;
		if (clientPort != null) {
			checkPort("clientPort", clientPort);
			Errno err = e.bindCheck(clientPort, serverPort, clientReuseAddr);
			if (err != null) {
				refused(clientReuseAddr, "bind", Map.of("port", clientPort), err);
				throw new EngineException(err,
						"bind() to client port " + clientPort + " failed with " + err
								+ ": the port is still held (e.g. by a connection in TIME_WAIT)"
								+ (clientReuseAddr ? " and not every holder set SO_REUSEADDR" : ""));
			}
			port = clientPort;
		}
		else {
			port = e.allocateEphemeral(0, serverPort);
			if (port < 0) {
				refused(clientReuseAddr, "connect", Map.of("address", e.address[Host.SERVER], "port", serverPort),
						Errno.EADDRNOTAVAIL);
				throw new EngineException(Errno.EADDRNOTAVAIL,
						"connect() failed with EADDRNOTAVAIL: no free ephemeral port in " + e.c.ephemeralLow() + ".."
								+ e.c.ephemeralHigh());
			}
		}
		Pair p = e.connectPair(serverPort, port, clientReuseAddr, clientPort != null, false);
		if (establish) {
			e.runUntil(e.now + 3_600_000_000L, () -> established(p) || Pair.closed(p.client));
		}
		return p;
	}

	/**
	 * A refused open is still a socket call the application made: it is traced (no pair
	 * exists for it, so {@code pair} is null) with its errno before the refusal is
	 * thrown.
	 */
	private void refused(boolean reuseAddr, String call, Map<String, Object> args, Errno err) {
		if (reuseAddr) {
			e.callEvent(null, "client", "setsockopt", Map.of("option", "SO_REUSEADDR", "on", 1), CallResult.ZERO);
		}
		e.callEvent(null, "client", call, args, CallResult.failed(err));
	}

	private static boolean established(Pair p) {
		return p.client instanceof Tcb c && c.state != TcpState.SYN_SENT && c.state != TcpState.SYN_RECEIVED
				&& p.server instanceof Tcb s && s.accepted;
	}

	private static void checkPort(String name, int port) {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException(name + " must be between 1 and 65535, got " + port);
		}
	}

	private Pair requirePair(int pairId) {
		Pair p = e.pairs.get(pairId);
		if (p == null) {
			throw new NoSuchElementException("no pair " + pairId);
		}
		return p;
	}

	/**
	 * @throws java.util.NoSuchElementException for an unknown pair id
	 */
	public PairView pair(int pairId) {
		return Views.pair(e, requirePair(pairId));
	}

	public boolean hasPair(int pairId) {
		return e.pairs.containsKey(pairId);
	}

	/** Ids of the pairs currently kept, in creation order. */
	public List<Integer> pairIds() {
		return new ArrayList<>(e.pairs.keySet());
	}

	/**
	 * Applies a socket call, fault rule or poke to one side of a pair. A call the state
	 * forbids is not an exception: its result is the errno name, exactly as the socket
	 * API would answer.
	 * @throws java.util.NoSuchElementException for an unknown pair id
	 * @throws IllegalArgumentException without an event (its records check their own
	 * arguments when built)
	 */
	public EventResult apply(int pairId, PairEvent event) {
		Pair p = requirePair(pairId);
		if (event == null) {
			throw new IllegalArgumentException("an event must be given");
		}
		if (p.external == event.side()) {
			throw new IllegalArgumentException("the " + event.side().wireName() + " side of pair " + pairId
					+ " is played from outside the lab (a packetdrill script)");
		}
		long start = e.rec.nextSeq();
		Object result = PairEvents.apply(e, p, event);
		return new EventResult(result, e.rec.since(start));
	}

	/**
	 * Opens a pair whose {@code local.peer()} side is played from outside the engine — a
	 * packetdrill script with no TCP stack behind it (issue 15). Segments the local side
	 * sends to it are recorded ("sent", then "delivered" at once) and go no further;
	 * {@link #injectExternal} brings its segments in. {@code local} CLIENT: connect() is
	 * issued from {@code clientPort} to {@code serverPort} now (blocking; completes on
	 * the SYN,ACK). {@code local} SERVER: a listener on {@code serverPort} waits for a
	 * SYN from {@code clientPort}.
	 * @param externalIsn the external side's initial sequence number (for relative
	 * numbers in the trace)
	 * @throws IllegalArgumentException for ports outside 1..65535
	 * @throws EngineException EADDRINUSE when the client port or listener port is taken
	 */
	public PairView openExternalPair(Side local, int serverPort, int clientPort, long externalIsn) {
		return openExternalPair(local, serverPort, Integer.valueOf(clientPort), externalIsn);
	}

	/**
	 * {@link #openExternalPair(Side, int, int, long)}; a null {@code clientPort} (local
	 * CLIENT only) is an ephemeral port chosen as connect() chooses it, tcp_tw_reuse
	 * included ({@link #openPair}).
	 * @throws EngineException EADDRNOTAVAIL when no ephemeral port is free
	 */
	public PairView openExternalPair(Side local, int serverPort, Integer clientPort, long externalIsn) {
		if (clientPort == null) {
			if (local != Side.CLIENT) {
				throw new IllegalArgumentException("only a local client has an ephemeral port");
			}
			checkPort("serverPort", serverPort);
			int port = e.allocateEphemeral(0, serverPort);
			if (port < 0) {
				throw new EngineException(Errno.EADDRNOTAVAIL, "connect() failed with EADDRNOTAVAIL: no free ephemeral "
						+ "port in " + e.c.ephemeralLow() + ".." + e.c.ephemeralHigh());
			}
			return Views.pair(e, e.openExternal(local, serverPort, port, (int) externalIsn));
		}
		if (local == null) {
			throw new IllegalArgumentException("local side must be given");
		}
		checkPort("serverPort", serverPort);
		checkPort("clientPort", clientPort);
		if (local == Side.CLIENT && e.bindCheck(clientPort, serverPort, false) != null) {
			throw new EngineException(Errno.EADDRINUSE, "client port " + clientPort + " is in use");
		}
		return Views.pair(e, e.openExternal(local, serverPort, clientPort, (int) externalIsn));
	}

	/**
	 * close() on the listening socket of server port {@code serverPort} (the packetdrill
	 * runner's; Linux {@code inet_csk_listen_stop}): later SYNs to the port draw RST,
	 * requests still in SYN_RECEIVED are dropped, and the completed connections of the
	 * pairs in {@code notAccepted}, which the application never took with accept(), are
	 * reset. The lab accepts completed connections by itself, so the caller says which it
	 * did not take.
	 * @throws NoSuchElementException when no listener is open on the port
	 */
	public EventResult closeListener(int serverPort, Collection<Integer> notAccepted) {
		Listener l = e.listenerOn(serverPort);
		if (l == null) {
			throw new NoSuchElementException("no listener on port " + serverPort);
		}
		long start = e.rec.nextSeq();
		e.closeListener(l, notAccepted == null ? List.of() : notAccepted);
		return new EventResult("ok", e.rec.since(start));
	}

	/**
	 * setsockopt(TCP_NODELAY) on the {@code side} socket of pair {@code pairId}: with
	 * {@code on} the Nagle algorithm no longer holds its short writes
	 * ({@link StackConstants#nagle()}); turning it on sends what was held.
	 * @return 0, or EBADF / ENOTCONN when the side has no socket the application holds
	 * @throws NoSuchElementException for an unknown pair
	 */
	public EventResult setNoDelay(int pairId, Side side, boolean on) {
		Pair p = requirePair(pairId);
		if (side == null) {
			throw new IllegalArgumentException("side must be given");
		}
		long start = e.rec.nextSeq();
		Endpoint ep = p.endpoint(side);
		CallResult result;
		if (ep instanceof Tcb t && !t.appClosed) {
			t.noDelay = on;
			if (on) {
				// Linux tcp_sock_set_nodelay pushes what is pending
				t.output();
			}
			result = CallResult.ZERO;
		}
		else {
			result = CallResult.failed(ep == null ? Errno.ENOTCONN : Errno.EBADF);
		}
		if (e.rec.states) {
			e.callEvent(ep, side.wireName(), "setsockopt", Map.of("option", "TCP_NODELAY", "on", on ? 1 : 0), result);
		}
		return new EventResult(result.wire(), e.rec.since(start));
	}

	/**
	 * A segment from the external side of pair {@code pairId} arrives at the local side
	 * now (absolute sequence and acknowledgment numbers).
	 * @throws java.util.NoSuchElementException for an unknown pair
	 * @throws IllegalArgumentException when the pair has no external side, or for bad
	 * fields
	 */
	public EventResult injectExternal(int pairId, List<TcpFlag> flags, long seq, long ack, int len, int window) {
		return injectExternal(pairId, flags, seq, ack, len, window, TcpOptions.NONE);
	}

	/**
	 * {@link #injectExternal(int, List, long, long, int, int)} with TCP options; the
	 * window is the header field, scaled by the local side as the options negotiated.
	 */
	public EventResult injectExternal(int pairId, List<TcpFlag> flags, long seq, long ack, int len, int window,
			TcpOptions options) {
		Pair p = requirePair(pairId);
		if (p.external == null) {
			throw new IllegalArgumentException("pair " + pairId + " has no external side");
		}
		if (flags == null || flags.stream().anyMatch(java.util.Objects::isNull)) {
			throw new IllegalArgumentException("flags must be given");
		}
		if (len < 0 || len > 65535 || window < 0 || window > 65535) {
			throw new IllegalArgumentException("len and window must be between 0 and 65535");
		}
		long start = e.rec.nextSeq();
		e.injectExternal(p, Segment.flagsOf(flags), (int) seq, (int) ack, len, window,
				options == null ? TcpOptions.NONE : options);
		return new EventResult("ok", e.rec.since(start));
	}

	/**
	 * Runs every event due within the next {@code ms} milliseconds and moves the clock to
	 * now + ms.
	 */
	public EventResult advance(double ms) {
		long start = e.rec.nextSeq();
		advanceSilently(ms);
		return new EventResult("ok", e.rec.since(start));
	}

	/**
	 * {@link #advance} for callers that do not want the events back as a list (a realtime
	 * runner whose listener streams them, a benchmark): they are recorded in the trace
	 * all the same.
	 */
	public void advanceSilently(double ms) {
		long us = toMicros("ms", ms);
		long target = e.now + us;
		e.runUntil(target, null);
		e.now = target;
	}

	/**
	 * Runs events until none is left or {@code maxMs} of virtual time have passed; the
	 * clock stops at the last event run (or now + maxMs). Result is "idle" or "limit".
	 */
	public EventResult runUntilIdle(double maxMs) {
		long us = toMicros("maxMs", maxMs);
		long start = e.rec.nextSeq();
		long limit = e.now + us;
		e.runUntil(limit, null);
		String result;
		if (e.nextEventAt() < 0) {
			result = "idle";
		}
		else {
			e.now = limit;
			result = "limit";
		}
		return new EventResult(result, e.rec.since(start));
	}

	/** Result of a clock action that stopped at its event budget. */
	public static final String BUDGET = "budget";

	/**
	 * {@link #advance} that runs at most {@code maxEvents} scheduled events. If more were
	 * due it stops after the last one run: the clock stays at that event's time, the rest
	 * stays pending, the result is {@value #BUDGET}.
	 */
	public EventResult advance(double ms, long maxEvents) {
		long target = e.now + toMicros("ms", ms);
		long start = e.rec.nextSeq();
		if (!runBudgeted(target, maxEvents)) {
			return new EventResult(BUDGET, e.rec.since(start));
		}
		e.now = target;
		return new EventResult("ok", e.rec.since(start));
	}

	/**
	 * {@link #advanceSilently} within an event budget (see
	 * {@link #advance(double, long)}).
	 * @return false when the budget stopped it before {@code ms} had passed
	 */
	public boolean advanceSilently(double ms, long maxEvents) {
		long target = e.now + toMicros("ms", ms);
		if (!runBudgeted(target, maxEvents)) {
			return false;
		}
		e.now = target;
		return true;
	}

	/**
	 * {@link #runUntilIdle} within an event budget: "idle", "limit", or {@value #BUDGET}
	 * (the clock stays at the last event run).
	 */
	public EventResult runUntilIdle(double maxMs, long maxEvents) {
		long limit = e.now + toMicros("maxMs", maxMs);
		long start = e.rec.nextSeq();
		if (!runBudgeted(limit, maxEvents)) {
			return new EventResult(BUDGET, e.rec.since(start));
		}
		if (e.nextEventAt() < 0) {
			return new EventResult("idle", e.rec.since(start));
		}
		e.now = limit;
		return new EventResult("limit", e.rec.since(start));
	}

	/** Runs due events up to {@code limitUs}; false if the budget ran out first. */
	private boolean runBudgeted(long limitUs, long maxEvents) {
		if (maxEvents < 1) {
			throw new IllegalArgumentException("maxEvents must be positive, got " + maxEvents);
		}
		long[] left = { maxEvents };
		e.runUntil(limitUs, () -> --left[0] <= 0);
		if (left[0] > 0) {
			return true;
		}
		long next = e.nextEventAt();
		return next < 0 || next > limitUs;
	}

	private static long toMicros(String name, double ms) {
		if (!(ms >= 0) || ms > 1e12) {
			throw new IllegalArgumentException(name + " must be a non-negative number of milliseconds, got " + ms);
		}
		return Math.round(ms * 1000);
	}

	/**
	 * Runs all events scheduled at the earliest pending time; the clock moves to that
	 * time.
	 */
	public EventResult step() {
		long start = e.rec.nextSeq();
		long t = e.nextEventAt();
		if (t < 0) {
			return new EventResult("idle", List.of());
		}
		e.runUntil(t, null);
		return new EventResult("ok", e.rec.since(start));
	}

	/** Time of the next scheduled event in ms, or null when idle. */
	public Double nextEventAtMs() {
		long t = e.nextEventAt();
		return t < 0 ? null : t / 1000.0;
	}

	/**
	 * Starts a generated workload (see {@link LoadSpec}); returns immediately, the clock
	 * drives it.
	 */
	public void startLoad(LoadSpec spec) {
		if (spec == null) {
			throw new IllegalArgumentException("spec must be given");
		}
		checkPort("serverPort", spec.serverPort());
		if (spec.lingerOnoff() != 0 && spec.lingerOnoff() != 1 || spec.lingerSeconds() < 0) {
			throw new IllegalArgumentException("linger must be {0|1, seconds >= 0}");
		}
		if (spec.clients() > 1) {
			// the further client addresses are derived from config.clientAddress: it must
			// be IPv4
			Network.offsetAddress(e.address[Host.CLIENT], spec.clients() - 1);
		}
		if (load != null) {
			throw new IllegalStateException("a load run was already started on this simulation");
		}
		load = new LoadRun(e, spec);
		e.load = load;
	}

	/** Progress of the workload, or null if none was started. */
	public LoadStats loadStats() {
		return load == null ? null : load.stats(e);
	}

	/** Trace events with seq ≥ max(since, oldestSeq()), in order. */
	public List<TraceEvent> eventsSince(long since) {
		return e.rec.since(since);
	}

	/** The seq the next recorded event will get. */
	public long nextSeq() {
		return e.rec.nextSeq();
	}

	/** The smallest seq still kept (older ones were compacted away). */
	public long oldestSeq() {
		return e.rec.oldestSeq();
	}

	/**
	 * Called synchronously with every event as it is recorded (one listener; null removes
	 * it).
	 */
	public void setTraceListener(Consumer<TraceEvent> listener) {
		e.rec.setListener(listener);
	}

	/**
	 * How many endpoints (client, server and listener sockets, incl. TIME_WAIT records)
	 * are in each state. CLOSED is not counted (closed sockets are forgotten); every
	 * other state is present, possibly with 0.
	 */
	public Map<TcpState, Integer> census() {
		return e.censusMap();
	}

	/**
	 * Fully closed pairs (both endpoints CLOSED, TIME_WAIT included) since the simulation
	 * began.
	 */
	public long lifecycles() {
		return e.lifecycles;
	}

	/** Everything the API shows of this simulation now. */
	public SimulationView view() {
		List<PairView> views = new ArrayList<>(e.pairs.size());
		for (Pair p : e.pairs.values()) {
			views.add(Views.pair(e, p));
		}
		Map<String, Object> constants = new LinkedHashMap<>(e.c.asMap());
		return new SimulationView(nowMs(), constants, views, census(), nextSeq(), oldestSeq(), nextEventAtMs());
	}

}
