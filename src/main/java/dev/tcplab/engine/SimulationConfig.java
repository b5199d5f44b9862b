package dev.tcplab.engine;

import java.util.Map;

/**
 * How to build a {@link Simulation}.
 *
 * @param constants stack constants (a profile preset, possibly overridden)
 * @param seed seed of the one RNG of this simulation (ISNs, ephemeral ports, random loss)
 * @param latencyMs one-way latency of every link, in ms (may be fractional; 0 allowed)
 * @param traceLevel how much the recorder keeps
 * @param maxTraceEvents trace events kept in memory; older ones are compacted away
 * (oldestSeq moves on)
 * @param clientAddress IPv4 address of the client host
 * @param serverAddress IPv4 address of the server host
 * @param retainClosedPairs keep pairs whose endpoints are all CLOSED in snapshots (false
 * for load runs)
 * @param pinnedIsn use ISNs 1000 (client) and 5000 (server) + 100 000 per reincarnation
 * instead of random ones, for teaching
 */
public record SimulationConfig(StackConstants constants, long seed, double latencyMs, TraceLevel traceLevel,
		int maxTraceEvents, String clientAddress, String serverAddress, boolean retainClosedPairs, boolean pinnedIsn) {

	public SimulationConfig {
		if (constants == null) {
			throw new IllegalArgumentException("constants must be given");
		}
		if (!(latencyMs >= 0) || latencyMs > 60_000) {
			throw new IllegalArgumentException("latencyMs must be between 0 and 60000");
		}
		if (maxTraceEvents < 1) {
			throw new IllegalArgumentException("maxTraceEvents must be positive");
		}
		traceLevel = traceLevel == null ? TraceLevel.FULL : traceLevel;
		clientAddress = clientAddress == null ? "10.0.0.2" : clientAddress;
		serverAddress = serverAddress == null ? "10.0.0.1" : serverAddress;
	}

	/** Linux profile, seed 1, 10 ms latency, full trace of up to 100 000 events. */
	public static SimulationConfig defaults() {
		return of("linux", 1, Map.of());
	}

	public static SimulationConfig of(String profile, long seed, Map<String, ?> overrides) {
		return new SimulationConfig(StackConstants.forProfile(profile).withOverrides(overrides), seed, 10,
				TraceLevel.FULL, 100_000, null, null, true, false);
	}

	public SimulationConfig withLatencyMs(double ms) {
		return new SimulationConfig(constants, seed, ms, traceLevel, maxTraceEvents, clientAddress, serverAddress,
				retainClosedPairs, pinnedIsn);
	}

	public SimulationConfig withTraceLevel(TraceLevel level, int maxEvents) {
		return new SimulationConfig(constants, seed, latencyMs, level, maxEvents, clientAddress, serverAddress,
				retainClosedPairs, pinnedIsn);
	}

	public SimulationConfig withAddresses(String client, String server) {
		return new SimulationConfig(constants, seed, latencyMs, traceLevel, maxTraceEvents, client, server,
				retainClosedPairs, pinnedIsn);
	}

	public SimulationConfig withRetainClosedPairs(boolean retain) {
		return new SimulationConfig(constants, seed, latencyMs, traceLevel, maxTraceEvents, clientAddress,
				serverAddress, retain, pinnedIsn);
	}

	public SimulationConfig withPinnedIsn(boolean pinned) {
		return new SimulationConfig(constants, seed, latencyMs, traceLevel, maxTraceEvents, clientAddress,
				serverAddress, retainClosedPairs, pinned);
	}
}
