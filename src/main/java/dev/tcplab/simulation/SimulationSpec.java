package dev.tcplab.simulation;

import java.util.Map;

/**
 * What a client may choose when creating a simulation; nulls mean "default". The
 * journal's first entry of every simulation is this record, resolved (seed chosen).
 */
public record SimulationSpec(String profile, Long seed, Double latencyMs, String clock, Double speed,
		Map<String, Object> overrides, String traceLevel, String clientAddress, String serverAddress, Boolean pinnedIsn,
		Boolean retainClosedPairs) {
}
