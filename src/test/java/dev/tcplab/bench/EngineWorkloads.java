package dev.tcplab.bench;

import java.util.Map;

import dev.tcplab.engine.EventResult;
import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.LoadSpec.LoadStats;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.TraceLevel;
import dev.tcplab.engine.Snapshots.PairView;

/**
 * The engine workloads the benchmarks and harnesses share. One <em>lifecycle</em> is what
 * the issue counts: a three-way handshake, one request and one response, a four-way close
 * and the expiry of the TIME_WAIT that the active closer is left with (RFC 9293 §3.6,
 * §3.10.8).
 */
final class EngineWorkloads {

	/**
	 * Lifecycles per batch: below the 28,232 ports of the Linux ephemeral range, so the
	 * client never runs out.
	 */
	static final int BATCH = 20_000;

	static final int SERVER_PORT = 80;

	static final int REQUEST_BYTES = 100;

	static final int RESPONSE_BYTES = 100;

	private EngineWorkloads() {
	}

	/**
	 * Linux profile, seed 1, 10 ms latency; closed pairs are dropped except at FULL (as
	 * the UI keeps them).
	 */
	static SimulationConfig config(TraceLevel level, Map<String, ?> overrides) {
		SimulationConfig c = SimulationConfig.of("linux", 1, overrides).withTraceLevel(level, 100_000);
		return level == TraceLevel.FULL ? c : c.withRetainClosedPairs(false);
	}

	static SimulationConfig config(TraceLevel level) {
		return config(level, Map.of());
	}

	/**
	 * Runs {@code lifecycles} complete lifecycles through the engine's generated workload
	 * (all connects within one simulated second, the client closes first) until the
	 * simulation is idle, i.e. every TIME_WAIT has expired.
	 * @throws IllegalStateException when the engine did not complete exactly that many
	 * lifecycles
	 */
	static LoadStats loadBatch(SimulationConfig config, int lifecycles, Side closer) {
		return loadBatch(config, lifecycles, closer, lifecycles);
	}

	/**
	 * {@link #loadBatch(SimulationConfig, int, Side)} at {@code rate} new connections per
	 * simulated second (fewer open at once: the engine's working set shrinks).
	 */
	static LoadStats loadBatch(SimulationConfig config, int lifecycles, Side closer, int rate) {
		Simulation sim = new Simulation(config);
		sim.startLoad(new LoadSpec(rate, lifecycles * 1000L / rate, closer, REQUEST_BYTES, RESPONSE_BYTES, 0,
				SERVER_PORT, 0, 0));
		EventResult r = sim.runUntilIdle(24L * 3600 * 1000);
		LoadStats stats = sim.loadStats();
		if (stats.completed() != lifecycles || stats.connectFailures() != 0 || !"idle".equals(r.result())) {
			throw new IllegalStateException("batch of " + lifecycles + " ended " + r.result() + " with " + stats);
		}
		return stats;
	}

	/**
	 * One lifecycle driven call by call through the public facade, as the REST API would:
	 * the pair's id is returned once the client's TIME_WAIT has expired and the
	 * simulation is idle again.
	 */
	static int apiLifecycle(Simulation sim) {
		double hop = sim.config().latencyMs() + 1;
		PairView pair = sim.openPair(SERVER_PORT, null, false, true);
		int id = pair.id();
		sim.apply(id, new PairEvent.Send(Side.CLIENT, REQUEST_BYTES));
		sim.advance(hop);
		sim.apply(id, new PairEvent.Recv(Side.SERVER, null));
		sim.apply(id, new PairEvent.Send(Side.SERVER, RESPONSE_BYTES));
		sim.advance(hop);
		sim.apply(id, new PairEvent.Recv(Side.CLIENT, null));
		sim.apply(id, new PairEvent.Close(Side.CLIENT));
		sim.advance(hop);
		sim.apply(id, new PairEvent.Recv(Side.SERVER, null));
		sim.apply(id, new PairEvent.Close(Side.SERVER));
		EventResult r = sim.runUntilIdle(24L * 3600 * 1000);
		if (!"idle".equals(r.result())) {
			throw new IllegalStateException("lifecycle of pair " + id + " did not end idle: " + r.result());
		}
		return id;
	}

}
