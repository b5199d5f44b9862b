package dev.tcplab.simulation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.tcplab.engine.EventResult;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.SimulationView;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.engine.TraceLevel;

import org.springframework.stereotype.Service;

/**
 * Per-simulation operations of the REST API. Every operation runs under
 * {@link LiveSimulation#withLock}, and every argument is checked before the engine is
 * touched, so a rejected request leaves the simulation exactly as it was.
 */
@Service
public class SimulationService {

	private final SimulationRegistry registry;

	private final TcplabProperties properties;

	public SimulationService(SimulationRegistry registry) {
		this.registry = registry;
		this.properties = registry.properties();
	}

	public TcplabProperties properties() {
		return properties;
	}

	/** The per-client and per-request budgets. */
	public BudgetProperties budget() {
		return registry.budget().properties();
	}

	/**
	 * What a client may choose when creating a simulation; nulls mean "default".
	 */
	public record Spec(String profile, Long seed, Double latencyMs, String clock, Double speed,
			Map<String, Object> overrides, String traceLevel, String clientAddress, String serverAddress,
			Boolean pinnedIsn, Boolean retainClosedPairs) {
	}

	/**
	 * A simulation as the API shows it: the engine's view plus the service's clock
	 * settings.
	 */
	public record Snapshot(String id, String profile, long seed, ClockMode clock, double speed, boolean paused,
			double latencyMs, TraceLevel traceLevel, boolean pinnedIsn, String clientAddress, String serverAddress,
			SimulationView view) {
	}

	/**
	 * A slice of the trace. {@code truncated}: events before {@code oldestSeq} that were
	 * asked for are gone.
	 */
	public record TraceSlice(List<TraceEvent> events, long nextSeq, long oldestSeq, boolean truncated) {
	}

	/** What a clock request did. */
	public record ClockOutcome(double nowMs, Object result, List<TraceEvent> trace, ClockMode clock, boolean paused,
			double speed, Double nextEventAtMs) {
	}

	/**
	 * A validated clock request: settings first (clock mode, paused, speed), then at most
	 * one time action.
	 *
	 * @param action null, "advance", "runUntilIdle" or "step"
	 */
	public record ClockCommand(ClockMode clock, Boolean paused, Double speed, String action, double ms) {
	}

	/**
	 * Builds the engine config from a spec and registers a new simulation.
	 * @throws IllegalArgumentException for an unknown profile, override, clock, trace
	 * level or address
	 * @throws LimitExceededException when the instance is full
	 */
	public LiveSimulation create(Spec spec) {
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
		return registry.create(profile, config, clock, speed);
	}

	/** {@link #create} and the new simulation's snapshot. */
	public Snapshot createSnapshot(Spec spec) {
		return create(spec).withLock(SimulationService::snapshotLocked);
	}

	public LiveSimulation get(String id) {
		return registry.get(id);
	}

	public void delete(String id) {
		registry.delete(id);
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
		return new Snapshot(s.id(), s.profile(), s.seed(), s.clock(), s.speed(), s.paused(), c.latencyMs(),
				c.traceLevel(), c.pinnedIsn(), c.clientAddress(), c.serverAddress(), engine.view());
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
		return registry.get(id).withLock(s -> {
			int pairs = s.engine().view().pairs().size();
			if (pairs >= properties.maxPairs()) {
				throw new LimitExceededException("maxPairs", "this simulation already has " + pairs
						+ " pairs (the limit is " + properties.maxPairs() + "); create another simulation");
			}
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
		return registry.get(id).withLock(s -> {
			if (!s.engine().hasPair(pairId)) {
				throw new java.util.NoSuchElementException("simulation " + id + " has no pair " + pairId);
			}
			return s.engine().apply(pairId, event);
		});
	}

	/** Checks a clock command completely, then applies it. */
	public ClockOutcome clock(String id, ClockCommand cmd) {
		if (cmd.speed() != null && !(cmd.speed() >= 0.01 && cmd.speed() <= 1000)) {
			throw new IllegalArgumentException("speed must be between 0.01 and 1000, got " + cmd.speed());
		}
		if (cmd.action() != null && !"step".equals(cmd.action())) {
			if (!(cmd.ms() >= 0) || cmd.ms() > properties.maxAdvanceMs()) {
				throw new IllegalArgumentException(
						("advance".equals(cmd.action()) ? "advanceMs" : "maxMs") + " must be between 0 and "
								+ properties.maxAdvanceMs() + " (tcplab.max-advance-ms), got " + cmd.ms());
			}
		}
		return registry.get(id).withLock(s -> {
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
			EventResult r = null;
			if ("advance".equals(cmd.action())) {
				r = engine.advance(cmd.ms(), maxEvents);
			}
			else if ("runUntilIdle".equals(cmd.action())) {
				r = engine.runUntilIdle(cmd.ms(), maxEvents);
			}
			else if ("step".equals(cmd.action())) {
				r = engine.step();
			}
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
			long oldest = engine.oldestSeq();
			List<TraceEvent> events = engine.eventsSince(since);
			long next = engine.nextSeq();
			if (limit != null && events.size() > limit) {
				events = List.copyOf(events.subList(0, limit));
				next = events.get(events.size() - 1).seq() + 1;
			}
			return new TraceSlice(events, next, oldest, since < oldest);
		});
	}

	/** Every kept trace event, for exports. */
	public List<TraceEvent> allEvents(String id) {
		return registry.get(id).withLock(s -> s.engine().eventsSince(0));
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
