package dev.tcplab.simulation;

import java.util.Collection;
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

/**
 * The live simulations of this instance, keyed by random UUIDs. Creates them within the
 * instance limit, evicts idle ones, and drives realtime clocks.
 */
@Service
public class SimulationRegistry {

	private static final Log logger = LogFactory.getLog(SimulationRegistry.class);

	private final Map<String, LiveSimulation> simulations = new ConcurrentHashMap<>();

	private final AtomicInteger reserved = new AtomicInteger();

	private final TcplabProperties properties;

	private long tickCount;

	public SimulationRegistry(TcplabProperties properties) {
		this.properties = properties;
	}

	public TcplabProperties properties() {
		return properties;
	}

	/**
	 * Creates and registers a simulation.
	 * @throws LimitExceededException when the instance already holds
	 * {@code maxSimulations}
	 * @throws IllegalArgumentException for an invalid config or speed
	 */
	public LiveSimulation create(String profile, SimulationConfig config, ClockMode clock, double speed) {
		if (reserved.incrementAndGet() > properties.maxSimulations()) {
			reserved.decrementAndGet();
			throw new LimitExceededException("maxSimulations",
					"this instance already runs " + properties.maxSimulations()
							+ " simulations (the limit); delete one you no longer need or try again later");
		}
		try {
			SimulationConfig capped = config.withTraceLevel(config.traceLevel(),
					Math.min(config.maxTraceEvents(), properties.maxTraceEvents()));
			Simulation engine = new Simulation(capped);
			String id = UUID.randomUUID().toString();
			LiveSimulation live = new LiveSimulation(id, profile, config.seed(), engine, clock, speed,
					System.nanoTime());
			simulations.put(id, live);
			return live;
		}
		catch (RuntimeException ex) {
			reserved.decrementAndGet();
			throw ex;
		}
	}

	/**
	 * @throws SimulationNotFoundException for an unknown id
	 */
	public LiveSimulation get(String id) {
		LiveSimulation s = id == null ? null : simulations.get(id);
		if (s == null) {
			throw new SimulationNotFoundException(id);
		}
		return s;
	}

	public Optional<LiveSimulation> find(String id) {
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
		reserved.decrementAndGet();
		s.close("deleted");
	}

	public Collection<LiveSimulation> all() {
		return simulations.values();
	}

	public int size() {
		return simulations.size();
	}

	/**
	 * Evicts simulations idle for longer than {@code idleTtl}; their viewers get
	 * {@code closed: evicted}.
	 */
	@Scheduled(fixedDelayString = "${tcplab.eviction-interval:PT30S}")
	public void evictIdle() {
		long now = System.nanoTime();
		long ttl = properties.idleTtl().toNanos();
		for (LiveSimulation s : simulations.values()) {
			boolean watched = s.subscriberCount() > 0;
			if (!watched && now - s.lastAccessNanos() > ttl && simulations.remove(s.id(), s)) {
				reserved.decrementAndGet();
				s.close("evicted");
			}
		}
	}

	/**
	 * Advances every realtime simulation; every 5th tick (~4/s at 50 ms) tells viewers
	 * the clock.
	 */
	@Scheduled(fixedRateString = "${tcplab.realtime-tick:PT0.05S}")
	public void tickRealtime() {
		long now = System.nanoTime();
		boolean announce = (++tickCount % 5) == 0;
		for (LiveSimulation s : simulations.values()) {
			try {
				s.tickRealtime(now, properties.maxAdvanceMs());
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
