package dev.tcplab.simulation;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.tcplab.engine.EventResult;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.SimulationView;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.engine.TraceLevel;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * The one door through which anything changes a simulation. Per-simulation operations of
 * the REST API (pairs, events, clock) run under {@link LiveSimulation#withLock}, with
 * every argument checked before the engine is touched, so a rejected request leaves the
 * simulation exactly as it was. Jobs that make their own simulation (scenario runs,
 * documents, comparisons, packetdrill scripts, capture replays) go through
 * {@link #job(SimulationKind)}: admitted, budgeted while they run, journaled by their own
 * entry. Everything is journaled before the engine runs (docs/decisions.md, "One door").
 */
@Service
public class SimulationService {

	private final SimulationRegistry registry;

	private final TcplabProperties properties;

	private final SimulationJournal journal;

	private final JobGate jobs;

	private final SimulationOwnership ownership;

	public SimulationService(SimulationRegistry registry, SimulationJournal journal, JobGate jobs,
			SimulationOwnership ownership) {
		this.registry = registry;
		this.properties = registry.properties();
		this.journal = journal;
		this.jobs = jobs;
		this.ownership = ownership;
	}

	SimulationJournal journal() {
		return journal;
	}

	/** The limits of jobs (tcplab.budget.jobs). */
	public JobProperties jobProperties() {
		return jobs.properties();
	}

	/**
	 * Starts a job of the current request that makes its own simulations: admitted now
	 * (at most {@code concurrent-per-client} per visitor and {@code concurrent} per
	 * instance at once), budgeted from now. Close it (try-with-resources); see
	 * {@link Job}.
	 * @throws JobBudgetExceededException 429 {@code jobsPerClient} / {@code jobsBusy}
	 */
	public Job job(SimulationKind kind) {
		if (!kind.oneShot()) {
			throw new IllegalArgumentException(kind + " is a request on an existing simulation, not a job");
		}
		JobGate.Admission admission = jobs.admit();
		return new Job(this, kind, jobs.budget(), admission);
	}

	public TcplabProperties properties() {
		return properties;
	}

	/** The per-client and per-request budgets. */
	public BudgetProperties budget() {
		return registry.budget().properties();
	}

	/**
	 * A simulation as the API shows it: the engine's view plus the service's clock
	 * settings.
	 */
	public record Snapshot(String id, String profile, long seed, ClockMode clock, double speed, boolean paused,
			double latencyMs, TraceLevel traceLevel, boolean pinnedIsn, String clientAddress, String serverAddress,
			SimulationView view, EngineInfo engine) {
	}

	/**
	 * Which engine made what the simulation shows (docs/operations.md "Upgrades").
	 *
	 * @param version this engine's behaviour version
	 * @param recordedBy the versions that wrote its journal, when any differs (else null)
	 * @param traceMatchesRecording whether this engine's replay equals the recorded trace
	 * (null: same engine, or nothing recorded to compare)
	 * @param recordedTraceServed true when the trace shown is the recorded one (the
	 * simulation is then read-only)
	 */
	@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
	public record EngineInfo(int version, java.util.SortedSet<Integer> recordedBy, Boolean traceMatchesRecording,
			boolean recordedTraceServed) {

		public static EngineInfo current() {
			return new EngineInfo(dev.tcplab.engine.EngineVersion.BEHAVIOUR, null, null, false);
		}

	}

	/**
	 * A slice of the trace. {@code truncated}: events before {@code oldestSeq} that were
	 * asked for are gone.
	 */
	public record TraceSlice(List<TraceEvent> events, long nextSeq, long oldestSeq, boolean truncated,
			int engineVersion) {

		public TraceSlice(List<TraceEvent> events, long nextSeq, long oldestSeq, boolean truncated) {
			this(events, nextSeq, oldestSeq, truncated, dev.tcplab.engine.EngineVersion.BEHAVIOUR);
		}

	}

	/** What a clock request did. */
	public record ClockOutcome(double nowMs, Object result, List<TraceEvent> trace, ClockMode clock, boolean paused,
			double speed, Double nextEventAtMs) {
	}

	/**
	 * A validated clock request: settings first (clock mode, paused, speed), then at most
	 * one time action.
	 *
	 * @param action null for settings only
	 */
	public record ClockCommand(ClockMode clock, Boolean paused, Double speed, ClockAction action) {
	}

	/**
	 * The time action of a clock request. Journaled as JSON, so it names its kind
	 * ({@code "kind": "advance" | "runUntilIdle" | "step"}) for the rebuild to read back.
	 */
	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
	@JsonSubTypes({ @JsonSubTypes.Type(value = ClockAction.Advance.class, name = "advance"),
			@JsonSubTypes.Type(value = ClockAction.RunUntilIdle.class, name = "runUntilIdle"),
			@JsonSubTypes.Type(value = ClockAction.Step.class, name = "step") })
	public sealed interface ClockAction {

		/**
		 * @throws IllegalArgumentException when it would move the clock by more than
		 * {@code maxAdvanceMs}
		 */
		default void checkLimit(long maxAdvanceMs) {
		}

		/**
		 * Runs the action, at most {@code maxEvents} scheduled events of it (result
		 * {@link Simulation#BUDGET} when it stopped there).
		 */
		EventResult runOn(Simulation engine, int maxEvents);

		private static void check(String name, double ms, long maxAdvanceMs) {
			if (!(ms >= 0) || ms > maxAdvanceMs) {
				throw new IllegalArgumentException(
						name + " must be between 0 and " + maxAdvanceMs + " (tcplab.max-advance-ms), got " + ms);
			}
		}

		/** Run every event due in the next {@code ms} of virtual time. */
		record Advance(double ms) implements ClockAction {

			@Override
			public void checkLimit(long maxAdvanceMs) {
				check("advanceMs", this.ms, maxAdvanceMs);
			}

			@Override
			public EventResult runOn(Simulation engine, int maxEvents) {
				return engine.advance(this.ms, maxEvents);
			}

		}

		/** Run until nothing is pending, for at most {@code maxMs}. */
		record RunUntilIdle(double maxMs) implements ClockAction {

			@Override
			public void checkLimit(long maxAdvanceMs) {
				check("maxMs", this.maxMs, maxAdvanceMs);
			}

			@Override
			public EventResult runOn(Simulation engine, int maxEvents) {
				return engine.runUntilIdle(this.maxMs, maxEvents);
			}

		}

		/** Run everything at the next pending instant. */
		record Step() implements ClockAction {

			@Override
			public EventResult runOn(Simulation engine, int maxEvents) {
				return engine.step();
			}

		}

	}

	/**
	 * Builds the engine config from a spec and registers a new simulation.
	 * @throws IllegalArgumentException for an unknown profile, override, clock, trace
	 * level or address
	 * @throws LimitExceededException when the instance is full
	 */
	public LiveSimulation create(SimulationSpec spec) {
		String profile = spec.profile() == null ? "linux" : spec.profile().trim().toLowerCase(java.util.Locale.ROOT);
		StackConstants constants = StackConstants.forProfile(profile).withOverrides(spec.overrides());
		long seed = spec.seed() != null ? spec.seed() : ThreadLocalRandom.current().nextLong(0, 1L << 53);
		double latency = spec.latencyMs() == null ? 10 : spec.latencyMs();
		TraceLevel level = parseTraceLevel(spec.traceLevel());
		String client = spec.clientAddress() == null ? null : requireIpv4("clientAddress", spec.clientAddress());
		String server = spec.serverAddress() == null ? null : requireIpv4("serverAddress", spec.serverAddress());
		if (client != null && client.equals(server)) {
			throw new IllegalArgumentException("clientAddress and serverAddress must differ");
		}
		ClockMode clock = ClockMode.parse(spec.clock());
		double speed = spec.speed() == null ? 1.0 : spec.speed();
		SimulationConfig config = new SimulationConfig(constants, seed, latency, level, properties.maxTraceEvents(),
				client, server, !Boolean.FALSE.equals(spec.retainClosedPairs()), Boolean.TRUE.equals(spec.pinnedIsn()));
		SimulationSpec resolved = new SimulationSpec(spec.profile(), seed, spec.latencyMs(), spec.clock(), spec.speed(),
				spec.overrides(), spec.traceLevel(), spec.clientAddress(), spec.serverAddress(), spec.pinnedIsn(),
				spec.retainClosedPairs(), spec.kind(), spec.label());
		for (int attempt = 0;; attempt++) {
			LiveSimulation live = registry.create(profile, config, clock, speed, spec.originKind(), spec.label());
			try {
				journal.created(live, resolved, ownership.rowOf(live));
				ownership.rebuilt(live);
				return live;
			}
			catch (DataIntegrityViolationException taken) {
				registry.discard(live, "not journaled");
				if (attempt > 0) {
					throw taken;
				}
				// the id the proxy chose is in the journal already (only a trusted proxy
				// can name one, and nginx's are random: a local client reused one); the
				// request's proxy id is spent, so the next try gets a random UUID
			}
			catch (RuntimeException ex) {
				registry.discard(live, "not journaled");
				throw ex;
			}
		}
	}

	/**
	 * Creates a simulation made by {@code kind}, described by {@code label} (e.g. a
	 * scenario's name): what makes a simulation decides its lifetime and where it stands
	 * when memory is short (docs/decisions.md, "Issue 20").
	 */
	public LiveSimulation create(SimulationSpec spec, SimulationKind kind, String label) {
		return create(spec.withOrigin(kind, label));
	}

	/**
	 * Runs a mutating action on a simulation; when this copy turns out to be stale (its
	 * journal append collided with another instance's), the copy has been dropped and the
	 * action is applied once more on a copy rebuilt from the journal. A second collision
	 * reaches the caller as a retryable {@link StaleCopyException}.
	 */
	private <T> T mutate(String id, java.util.function.Function<LiveSimulation, T> action) {
		LiveSimulation s = registry.getForUpdate(id);
		try {
			return s.withLock(action);
		}
		catch (StaleCopyException ex) {
			return registry.get(id).withLock(action);
		}
		catch (SimulationNotFoundException ex) {
			if (!s.isClosed() || !journal.enabled()) {
				throw ex;
			}
			// this copy was dropped meanwhile (moved, stale): ask again
			return registry.get(id).withLock(action);
		}
		catch (JournalUnavailableException | RecordedByOtherEngineException | LimitExceededException ex) {
			throw ex;
		}
		catch (RuntimeException refused) {
			// refused by a check before the append, on a copy not compared with the
			// journal: if another instance moved the simulation on, ask the current copy
			if (journal.enabled() && !s.isClosed() && registry.behind(s)) {
				registry.discard(s, "moved");
				return registry.get(id).withLock(action);
			}
			throw refused;
		}
	}

	/** {@link #create} and the new simulation's snapshot. */
	public Snapshot createSnapshot(SimulationSpec spec) {
		LiveSimulation live = create(spec);
		try {
			return live.withLock(SimulationService::snapshotLocked);
		}
		catch (SimulationNotFoundException evicted) {
			// another request at the same share made room by dropping this copy before
			// it was answered: its journal brings it back
			return registry.get(live.id()).withLock(SimulationService::snapshotLocked);
		}
	}

	public LiveSimulation get(String id) {
		return registry.get(id);
	}

	public void delete(String id) {
		if (!journal.enabled()) {
			registry.delete(id);
			return;
		}
		boolean journaled = journal.delete(id);
		boolean held = registry.discard(id, "deleted");
		if (!journaled && !held) {
			throw new SimulationNotFoundException(id);
		}
	}

	public Snapshot snapshot(String id) {
		return registry.get(id).withLock(SimulationService::snapshotLocked);
	}

	/**
	 * The snapshot of a simulation whose lock the caller holds (inside
	 * {@link LiveSimulation#withLock}).
	 */
	public Snapshot snapshotOf(LiveSimulation locked) {
		return snapshotLocked(locked);
	}

	/** The snapshot of a simulation whose lock the caller holds. */
	public static Snapshot snapshotLocked(LiveSimulation s) {
		Simulation engine = s.engine();
		SimulationConfig c = engine.config();
		EngineInfo info = s.recordedBy() == null ? EngineInfo.current()
				: new EngineInfo(dev.tcplab.engine.EngineVersion.BEHAVIOUR, s.recordedBy(), s.traceMatchesRecording(),
						s.recordedTrace() != null);
		return new Snapshot(s.id(), s.profile(), s.seed(), s.clock(), s.speed(), s.paused(), c.latencyMs(),
				c.traceLevel(), c.pinnedIsn(), c.clientAddress(), c.serverAddress(), engine.view(), info);
	}

	/**
	 * Opens a pair within the per-simulation pair limit.
	 * @throws LimitExceededException when the simulation already has {@code maxPairs}
	 * pairs
	 */
	public PairView openPair(String id, int serverPort, Integer clientPort, boolean clientReuseAddr,
			boolean establish) {
		requirePort("serverPort", serverPort);
		if (clientPort != null) {
			requirePort("clientPort", clientPort);
		}
		return mutate(id, s -> {
			int pairs = s.engine().view().pairs().size();
			if (pairs >= properties.maxPairs()) {
				throw new LimitExceededException("maxPairs", "this simulation already has " + pairs
						+ " pairs (the limit is " + properties.maxPairs() + "); create another simulation");
			}
			journal.record(s, SimulationJournal.PAIR,
					new SimulationJournal.PairEntry(serverPort, clientPort, clientReuseAddr, establish));
			return s.engine().openPair(serverPort, clientPort, clientReuseAddr, establish);
		});
	}

	/**
	 * @throws java.util.NoSuchElementException for an unknown pair
	 */
	public PairView pair(String id, int pairId) {
		return registry.get(id).withLock(s -> s.engine().pair(pairId));
	}

	/**
	 * @throws java.util.NoSuchElementException for an unknown pair
	 */
	public EventResult apply(String id, int pairId, PairEvent event) {
		return mutate(id, s -> {
			if (!s.engine().hasPair(pairId)) {
				throw new java.util.NoSuchElementException("simulation " + id + " has no pair " + pairId);
			}
			journal.record(s, SimulationJournal.EVENT, new SimulationJournal.EventEntry(pairId, event));
			return s.engine().apply(pairId, event);
		});
	}

	/** Checks a clock command completely, then applies it. */
	public ClockOutcome clock(String id, ClockCommand cmd) {
		if (cmd.speed() != null) {
			// before anything changes: a rejected request changes nothing
			LiveSimulation.requireSpeed(cmd.speed());
		}
		if (cmd.action() != null) {
			cmd.action().checkLimit(properties.maxAdvanceMs());
		}
		return mutate(id, s -> {
			journal.record(s, SimulationJournal.CLOCK, cmd);
			if (cmd.clock() != null) {
				s.setClock(cmd.clock());
			}
			if (cmd.speed() != null) {
				s.setSpeed(cmd.speed());
			}
			if (cmd.paused() != null) {
				s.setPaused(cmd.paused());
			}
			Simulation engine = s.engine();
			int maxEvents = budget().maxEventsPerRequest();
			long traceFrom = engine.nextSeq();
			EventResult r = cmd.action() == null ? null : cmd.action().runOn(engine, maxEvents);
			if (r != null && Simulation.BUDGET.equals(r.result())) {
				throw new EventBudgetExceededException(maxEvents, engine.nowMs(), traceFrom, engine.nextSeq());
			}
			return new ClockOutcome(engine.nowMs(), r == null ? "ok" : r.result(), r == null ? List.of() : r.trace(),
					s.clock(), s.paused(), s.speed(), engine.nextEventAtMs());
		});
	}

	/**
	 * Kept trace events with seq ≥ since (at most {@code limit} of them when given).
	 */
	public TraceSlice trace(String id, long since, Integer limit) {
		if (since < 0) {
			throw new IllegalArgumentException("since must not be negative, got " + since);
		}
		if (limit != null && limit < 1) {
			throw new IllegalArgumentException("limit must be positive, got " + limit);
		}
		return registry.get(id).withLock(s -> {
			Simulation engine = s.engine();
			List<TraceEvent> recorded = s.recordedTrace();
			long oldest = recorded == null ? engine.oldestSeq() : recorded.isEmpty() ? 0 : recorded.get(0).seq();
			List<TraceEvent> events = s.eventsSince(since);
			long next = recorded == null ? engine.nextSeq()
					: recorded.isEmpty() ? 0 : recorded.get(recorded.size() - 1).seq() + 1;
			if (limit != null && events.size() > limit) {
				events = List.copyOf(events.subList(0, limit));
				next = events.get(events.size() - 1).seq() + 1;
			}
			int version = recorded == null || s.recordedBy() == null ? dev.tcplab.engine.EngineVersion.BEHAVIOUR
					: s.recordedBy().last();
			return new TraceSlice(events, next, oldest, since < oldest, version);
		});
	}

	/** Every kept trace event, for exports. */
	public List<TraceEvent> allEvents(String id) {
		return registry.get(id).withLock(s -> s.eventsSince(0));
	}

	static TraceLevel parseTraceLevel(String s) {
		if (s == null) {
			return TraceLevel.FULL;
		}
		for (TraceLevel l : TraceLevel.values()) {
			if (l.name().equalsIgnoreCase(s.trim())) {
				return l;
			}
		}
		throw new IllegalArgumentException("traceLevel must be \"full\", \"states\" or \"none\", got \"" + s + "\"");
	}

	static String requireIpv4(String name, String s) {
		String[] parts = s.trim().split("\\.", -1);
		if (parts.length != 4) {
			throw new IllegalArgumentException(name + " must be a dotted IPv4 address, got \"" + s + "\"");
		}
		for (String p : parts) {
			if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
				throw new IllegalArgumentException(name + " must be a dotted IPv4 address, got \"" + s + "\"");
			}
		}
		return s.trim();
	}

	static void requirePort(String name, int port) {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException(name + " must be between 1 and 65535, got " + port);
		}
	}

}
