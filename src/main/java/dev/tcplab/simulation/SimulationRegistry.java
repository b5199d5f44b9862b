package dev.tcplab.simulation;

import dev.tcplab.visitor.CurrentClient;
import dev.tcplab.visitor.OwnerKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The live simulations of this instance, keyed by UUIDs (random, or made by the proxy:
 * {@link CurrentClient#PROXY_ID_HEADER}). Creates them within the instance limit, evicts
 * idle ones, and drives realtime clocks.
 * <p>
 * Memory is a cache of the journal (docs/decisions.md, issues 16 and 20): a visitor is
 * never refused for what they hold but do not use. At a client address's share
 * ({@code tcplab.budget.max-simulations-per-client}) a new simulation drops that
 * address's least recently used copy; at the instance limit it drops the least recently
 * used copy of the address that holds the most. Only copies nobody uses are dropped (no
 * request in progress, no viewer), unless the heaviest address holds more than its fair
 * share of the instance and the newcomer less: then its watched copies go too. A copy
 * whose making request is still in progress is never dropped. A dropped copy of a
 * journaled simulation comes back from the journal when it is asked for.
 */
@Service
public class SimulationRegistry {

	private static final Log logger = LogFactory.getLog(SimulationRegistry.class);

	private final Map<String, LiveSimulation> simulations = new ConcurrentHashMap<>();

	private final AtomicInteger reserved = new AtomicInteger();

	private final TcplabProperties properties;

	private final SimulationBudget budget;

	private final CurrentClient currentClient;

	private final OwnerKey ownerKey;

	private final OwnershipProperties ownership;

	/** Owner and birth of each live simulation, for the per-client cap and lifetime. */
	private final Map<String, Held> held = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

	/** Admission decisions (count, pick a copy to drop, reserve) one at a time. */
	private final Object admission = new Object();

	private long tickCount;

	private final long lockWaitNanos;

	public SimulationRegistry(TcplabProperties properties, SimulationBudget budget, CurrentClient currentClient,
			JobProperties jobs, OwnerKey ownerKey, OwnershipProperties ownership) {
		this.properties = properties;
		this.budget = budget;
		this.currentClient = currentClient;
		this.lockWaitNanos = jobs.lockWait().toNanos();
		this.ownerKey = ownerKey;
		this.ownership = ownership;
	}

	/**
	 * Holder and birth of a live simulation. {@code bornNanos} counts from the
	 * simulation's creation, also for a copy rebuilt from the journal (so idling until it
	 * is evicted does not renew its lifetime).
	 */
	private record Held(String visitor, long bornNanos) {
	}

	public SimulationBudget budget() {
		return this.budget;
	}

	public TcplabProperties properties() {
		return properties;
	}

	/**
	 * Creates and registers a simulation made by {@code POST /api/simulations}.
	 * @throws LimitExceededException when the instance already holds
	 * {@code maxSimulations} that are all in use
	 * @throws IllegalArgumentException for an invalid config or speed
	 */
	public LiveSimulation create(String profile, SimulationConfig config, ClockMode clock, double speed) {
		return create(profile, config, clock, speed, SimulationKind.SIMULATION, null);
	}

	/**
	 * Creates and registers a simulation made by {@code kind} (see the class comment for
	 * what happens at the limits).
	 * @throws LimitExceededException when the client's share or the instance is full of
	 * simulations in use
	 * @throws IllegalArgumentException for an invalid config or speed
	 */
	public LiveSimulation create(String profile, SimulationConfig config, ClockMode clock, double speed,
			SimulationKind kind, String label) {
		try {
			return tryCreate(profile, config, clock, speed, kind, label);
		}
		catch (LimitExceededException full) {
			// behind a proxy, copies that other instances now own, or deleted, still
			// count here until they are looked at again: drop those, then try once more
			// (a concurrent request may have dropped them a moment ago: try again anyway)
			Loader l = loader;
			if (l == null) {
				throw full;
			}
			l.discardOutdated();
			return tryCreate(profile, config, clock, speed, kind, label);
		}
	}

	private LiveSimulation tryCreate(String profile, SimulationConfig config, ClockMode clock, double speed,
			SimulationKind kind, String label) {
		LiveSimulation.requireSpeed(speed);
		String visitor = currentClient.address();
		Rebuild rebuild = Rebuild.current();
		// a rebuilt copy gets its owner back from the journal (SimulationOwnership)
		String owner = rebuild != null ? null : ownerKey.currentOrIssue();
		AtomicInteger mine;
		synchronized (admission) {
			mine = perClient.computeIfAbsent(visitor, k -> new AtomicInteger());
			int perClientLimit = budget.properties().maxSimulationsPerClient();
			if (mine.get() >= perClientLimit && evictOne(visitor, true) == null) {
				throw new LimitExceededException("maxSimulationsPerClient", "all " + perClientLimit
						+ " simulations this address holds here (tcplab.budget.max-simulations-per-client) are in use"
						+ " right now: each has a request in progress or a page showing it",
						"close a page that shows one, or delete one you no longer need:"
								+ " GET /api/simulations?mine=true lists yours, DELETE /api/simulations/{id} deletes one",
						1);
			}
			if (reserved.get() >= budget.maxSimulations() && evictOne(visitor, false) == null) {
				throw new LimitExceededException("maxSimulations", "this instance holds its limit of "
						+ budget.maxSimulations() + " simulations and every one is in use right now",
						"try again in a few seconds", 2);
			}
			if (!roomForOneMore(visitor)) {
				throw new LimitExceededException("memory",
						"the simulations in memory here hold this instance's memory budget and every one is in use"
								+ " right now",
						"try again in a few seconds", 2);
			}
			reserved.incrementAndGet();
			mine.incrementAndGet();
			// perClient entries are dropped when they reach 0 (released): keep ours
			perClient.putIfAbsent(visitor, mine);
		}
		try {
			budget.requireMemory();
			SimulationConfig capped = config.withTraceLevel(config.traceLevel(),
					Math.min(config.maxTraceEvents(), properties.maxTraceEvents()));
			Simulation engine = new Simulation(capped);
			String id = rebuild != null ? rebuild.id() : newId();
			long now = System.nanoTime();
			LiveSimulation live = new LiveSimulation(id, profile, config.seed(), engine, clock, speed, now,
					lockWaitNanos);
			live.origin(kind == null ? SimulationKind.SIMULATION : kind, label, visitor, owner);
			long born = rebuild != null && rebuild.createdAtMillis() > 0
					? now - Math.max(0, System.currentTimeMillis() - rebuild.createdAtMillis()) * 1_000_000 : now;
			held.put(id, new Held(visitor, born));
			pinForMaker(live, now);
			if (rebuild != null) {
				// a rebuild from the journal: registered
				// by adopt() once every entry is applied
				rebuild.built(live);
				return live;
			}
			simulations.put(id, live);
			return live;
		}
		catch (RuntimeException ex) {
			reserved.decrementAndGet();
			if (mine.decrementAndGet() <= 0) {
				perClient.remove(visitor, mine);
			}
			throw ex;
		}
	}

	/**
	 * Keeps a new copy from being dropped to make room while the request that made it is
	 * in progress (until the request completes: Spring's request-scope destruction
	 * callback, run by the RequestContextFilter after the response); a copy made outside
	 * a request is kept for {@link #MAKER_GRACE_NANOS}.
	 */
	private static void pinForMaker(LiveSimulation live, long now) {
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		if (request == null) {
			live.pinUntil(now + MAKER_GRACE_NANOS);
			return;
		}
		live.pin();
		try {
			request.registerDestructionCallback("tcplab.pin." + live.id() + "." + System.identityHashCode(live),
					live::unpin, RequestAttributes.SCOPE_REQUEST);
		}
		catch (IllegalStateException completed) {
			// the request has already completed (a job finishing after its response):
			// give the copy the grace a copy made outside a request gets
			live.unpin();
			live.pinUntil(now + MAKER_GRACE_NANOS);
		}
	}

	/**
	 * The id of a new simulation: the one the proxy chose for the request's first new
	 * simulation ({@link CurrentClient#proxySimulationId}) unless a copy here has it,
	 * else a random UUID. A creation made with the proxy's id lands on the instance that
	 * the same consistent hash sends every later request about it to (docs/decisions.md
	 * "Creations land on their owner").
	 */
	private String newId() {
		String suggested = currentClient.proxySimulationId();
		// held has every copy, also one being rebuilt
		return suggested != null && !held.containsKey(suggested) ? suggested : UUID.randomUUID().toString();
	}

	/** How long a copy made outside a request is not dropped to make room. */
	private static final long MAKER_GRACE_NANOS = 5_000_000_000L;

	/**
	 * Drops one in-memory copy to make room for {@code requester} (called under
	 * {@link #admission}): the least recently used copy that nobody uses of the requester
	 * ({@code ownShare}) or of the address holding the most (the instance limit). Kept
	 * copies go after unkept ones. Never waits for a simulation's lock.
	 * @return the copy dropped, or null when nothing could be dropped
	 */
	private LiveSimulation evictOne(String requester, boolean ownShare) {
		Map<String, Integer> counts = new HashMap<>();
		perClient.forEach((k, v) -> counts.put(k, v.get()));
		int requesterHolds = counts.getOrDefault(requester, 0);
		int holders = counts.size() + (counts.containsKey(requester) ? 0 : 1);
		int fairShare = Math.max(1, budget.maxSimulations() / holders);
		List<LiveSimulation> candidates = new ArrayList<>();
		for (LiveSimulation s : simulations.values()) {
			if (!ownShare || requester.equals(s.visitor())) {
				candidates.add(s);
			}
		}
		candidates.sort(Comparator.<LiveSimulation>comparingInt(s -> -counts.getOrDefault(s.visitor(), 0))
			.thenComparingInt(s -> s.subscriberCount() > 0 ? 1 : 0)
			.thenComparingInt(s -> s.kept() ? 1 : 0)
			.thenComparingLong(LiveSimulation::lastAccessNanos));
		long now = System.nanoTime();
		for (LiveSimulation s : candidates) {
			if (s.pinned(now)) {
				// the request that made it is still at work: dropping it would answer
				// that request 404
				continue;
			}
			if (s.subscriberCount() > 0) {
				// a page shows it: only an address above its fair
				// share loses such a copy, and only to one below it
				boolean overShare = counts.getOrDefault(s.visitor(), 0) > fairShare && requesterHolds < fairShare;
				if (ownShare || !overShare) {
					continue;
				}
			}
			if (evict(s, "evicted")) {
				if (logger.isDebugEnabled()) {
					logger.debug("made room for " + requester + ": dropped the in-memory copy of " + s.id() + " ("
							+ s.visitor() + " holds " + counts.getOrDefault(s.visitor(), 0) + ")");
				}
				return s;
			}
		}
		return null;
	}

	/**
	 * Heap the in-memory copies are counted for (see {@link SimulationBudget#bytesHeld}).
	 */
	public long bytesHeld() {
		long sum = 0;
		for (LiveSimulation s : simulations.values()) {
			sum += budget.bytesHeld(s.heldTraceEvents());
		}
		return sum;
	}

	/**
	 * Makes room in the memory budget for one more simulation's reservation by dropping
	 * copies as {@link #evictOne} picks them (called under {@link #admission}).
	 */
	private boolean roomForOneMore(String visitor) {
		long usable = budget.usableBytes();
		long held = bytesHeld();
		while (held + budget.reservedBytes() > usable) {
			LiveSimulation dropped = evictOne(visitor, false);
			if (dropped == null) {
				return false;
			}
			held -= budget.bytesHeld(dropped.heldTraceEvents());
		}
		return true;
	}

	/**
	 * Brings what the copies hold back within the memory budget when they grew past it:
	 * drops the least recently used copies, unwatched and unkept ones first, never one
	 * whose making request is in progress. A dropped journaled copy comes back when it is
	 * asked for (a viewer reconnects after {@code closed: evicted}).
	 * @return how many copies were dropped
	 */
	int trimToBudget() {
		long usable = budget.usableBytes();
		if (bytesHeld() <= usable) {
			return 0;
		}
		synchronized (admission) {
			long held = bytesHeld();
			List<LiveSimulation> candidates = new ArrayList<>(simulations.values());
			candidates.sort(Comparator.<LiveSimulation>comparingInt(s -> s.subscriberCount() > 0 ? 1 : 0)
				.thenComparingInt(s -> s.kept() ? 1 : 0)
				.thenComparingLong(LiveSimulation::lastAccessNanos));
			long now = System.nanoTime();
			int dropped = 0;
			for (LiveSimulation s : candidates) {
				if (held <= usable) {
					break;
				}
				long bytes = budget.bytesHeld(s.heldTraceEvents());
				if (!s.pinned(now) && evict(s, "evicted")) {
					held -= bytes;
					dropped++;
				}
			}
			if (dropped > 0) {
				logger.info(String.format(java.util.Locale.ROOT,
						"memory budget: dropped %d in-memory copies, %.0f of %.0f MB held", dropped, held / 1_048_576.0,
						usable / 1_048_576.0));
			}
			return dropped;
		}
	}

	/**
	 * Drops the in-memory copy {@code s} (its journal stays) unless a request holds it.
	 */
	private boolean evict(LiveSimulation s, String reason) {
		boolean[] dropped = { false };
		s.closeIfIdle(reason, () -> {
			if (simulations.remove(s.id(), s)) {
				released(s);
				dropped[0] = true;
			}
		});
		return dropped[0];
	}

	/**
	 * @throws SimulationNotFoundException for an unknown id
	 */
	public LiveSimulation get(String id) {
		LiveSimulation s = lookup(id);
		if (s == null) {
			throw new SimulationNotFoundException(id);
		}
		return s;
	}

	/**
	 * The simulation for a mutating request: the in-memory copy without asking the
	 * journal whether it is current (the conditional append finds out), else a rebuild.
	 * @throws SimulationNotFoundException for an unknown id
	 */
	LiveSimulation getForUpdate(String id) {
		Rebuild rebuild = Rebuild.current();
		if (rebuild != null && id != null && id.equals(rebuild.id())) {
			return rebuild.live();
		}
		LiveSimulation s = id == null ? null : simulations.get(id);
		Loader l = loader;
		LiveSimulation found = l == null ? s : l.currentForUpdate(id, s);
		if (found == null) {
			throw new SimulationNotFoundException(id);
		}
		return found;
	}

	/** Whether the journal shows this copy behind (false without a journal). */
	boolean behind(LiveSimulation s) {
		Loader l = loader;
		return l != null && l.behind(s);
	}

	public Optional<LiveSimulation> find(String id) {
		return Optional.ofNullable(lookup(id));
	}

	/**
	 * The simulation as this instance should serve it: the one being rebuilt on this
	 * thread, else the in-memory copy checked against the journal (a stale or deleted
	 * copy is dropped, a missing one rebuilt) when a journal is attached.
	 */
	private LiveSimulation lookup(String id) {
		if (id == null) {
			return null;
		}
		Rebuild rebuild = Rebuild.current();
		if (rebuild != null && id.equals(rebuild.id())) {
			return rebuild.live();
		}
		LiveSimulation s = simulations.get(id);
		Loader l = loader;
		return l == null ? s : l.current(id, s);
	}

	/**
	 * Brings simulations that are not in memory (or whose copy is stale) back from a
	 * journal.
	 */
	public interface Loader {

		/**
		 * @param held the in-memory copy, or null
		 * @return the copy to serve (held, or a rebuilt one), or null when the simulation
		 * does not exist (any more)
		 */
		LiveSimulation current(String id, LiveSimulation held);

		/**
		 * {@link #current} for a mutating request, which may skip the freshness read.
		 */
		default LiveSimulation currentForUpdate(String id, LiveSimulation held) {
			return current(id, held);
		}

		/** Whether the journal shows this copy behind. */
		default boolean behind(LiveSimulation held) {
			return false;
		}

		/**
		 * A simulation reached {@code tcplab.budget.max-lifetime}: it ends for good (its
		 * journal too), not only its in-memory copy.
		 */
		default void ended(String id) {
		}

		/**
		 * Drops every in-memory copy that the journal shows another instance moved on (or
		 * deleted).
		 * @return how many were dropped
		 */
		default int discardOutdated() {
			return 0;
		}

	}

	private volatile Loader loader;

	public void setLoader(Loader loader) {
		this.loader = loader;
	}

	/**
	 * Registers a simulation rebuilt from the journal (its slot was reserved by
	 * {@link #create}); when a copy is registered meanwhile, that one wins and this one
	 * is let go.
	 */
	LiveSimulation adopt(LiveSimulation rebuilt) {
		LiveSimulation prior = simulations.putIfAbsent(rebuilt.id(), rebuilt);
		if (prior != null) {
			released(rebuilt);
			rebuilt.close("replaced");
			return prior;
		}
		return rebuilt;
	}

	/**
	 * Lets a rebuild that failed give back its slot.
	 */
	void abandon(LiveSimulation rebuilt) {
		released(rebuilt);
		rebuilt.close("rebuild failed");
	}

	/**
	 * Drops this in-memory copy (not the journal); its viewers get {@code closed: reason}
	 * and reconnect. Returns false when another copy (or none) is registered.
	 */
	boolean discard(LiveSimulation s, String reason) {
		if (simulations.remove(s.id(), s)) {
			released(s);
			s.close(reason);
			return true;
		}
		return false;
	}

	/** Drops the in-memory copy of {@code id}, if any, without asking the journal. */
	boolean discard(String id, String reason) {
		LiveSimulation s = id == null ? null : simulations.get(id);
		return s != null && discard(s, reason);
	}

	/** The in-memory copy only (no journal). */
	Optional<LiveSimulation> held(String id) {
		return Optional.ofNullable(id == null ? null : simulations.get(id));
	}

	/**
	 * @throws SimulationNotFoundException for an unknown id
	 */
	public void delete(String id) {
		LiveSimulation s = simulations.remove(id);
		if (s == null) {
			throw new SimulationNotFoundException(id);
		}
		released(s);
		s.close("deleted");
	}

	private void released(LiveSimulation s) {
		reserved.decrementAndGet();
		Held h = held.remove(s.id());
		if (h != null) {
			AtomicInteger n = perClient.get(h.visitor());
			if (n != null && n.decrementAndGet() <= 0) {
				perClient.remove(h.visitor(), n);
			}
		}
	}

	/** Live simulations held by one client address. */
	public int heldBy(String visitor) {
		AtomicInteger n = perClient.get(visitor);
		return n == null ? 0 : n.get();
	}

	/** Client addresses holding at least one simulation here. */
	public int visitors() {
		return perClient.size();
	}

	public Collection<LiveSimulation> all() {
		return simulations.values();
	}

	public int size() {
		return simulations.size();
	}

	/**
	 * Evicts simulations idle for longer than {@code idleTtl} (unkept one-shot runs:
	 * {@code tcplab.ownership.one-shot-idle-ttl}; viewers get {@code closed: evicted})
	 * and, watched or not, those older than {@code tcplab.budget.max-lifetime}
	 * ({@code closed: expired}): a viewer's heartbeats do not keep a simulation alive
	 * forever.
	 */
	@Scheduled(fixedDelayString = "${tcplab.eviction-interval:PT30S}")
	public void evictIdle() {
		long now = System.nanoTime();
		long ttl = properties.idleTtl().toNanos();
		long oneShotTtl = Math.min(ttl, ownership.oneShotIdleTtl().toNanos());
		long lifetime = budget.properties().maxLifetime().toNanos();
		for (LiveSimulation s : simulations.values()) {
			boolean watched = s.subscriberCount() > 0;
			Held h = held.get(s.id());
			boolean expired = h != null && now - h.bornNanos() > lifetime;
			long idleTtl = s.kind().oneShot() && !s.kept() ? oneShotTtl : ttl;
			boolean idle = !watched && now - s.lastAccessNanos() > idleTtl && !s.pinned(now);
			if ((expired || idle) && simulations.remove(s.id(), s)) {
				released(s);
				s.close(expired ? "expired" : "evicted");
				Loader l = loader;
				if (expired && l != null) {
					l.ended(s.id());
				}
			}
		}
	}

	/**
	 * Advances every realtime simulation; every 5th tick (~4/s at 50 ms) tells viewers
	 * the clock; every 20th (~1/s) brings memory back within its budget
	 * ({@link #trimToBudget}).
	 */
	@Scheduled(fixedRateString = "${tcplab.realtime-tick:PT0.05S}")
	public void tickRealtime() {
		long now = System.nanoTime();
		boolean announce = (++tickCount % 5) == 0;
		if (tickCount % 20 == 0) {
			try {
				trimToBudget();
			}
			catch (RuntimeException ex) {
				logger.warn("memory budget sweep failed", ex);
			}
		}
		for (LiveSimulation s : simulations.values()) {
			try {
				s.tickRealtime(now, properties.maxAdvanceMs(), budget.properties().maxEventsPerTick());
				if (announce) {
					s.notifyClockLocked();
				}
			}
			catch (RuntimeException ex) {
				// one broken simulation must not stop the others' clocks, but it must not
				// fail silently either
				logger.warn("realtime tick failed for simulation " + s.id(), ex);
			}
		}
	}

}
