package dev.tcplab.simulation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of one instance (application.yaml, prefix {@code tcplab}).
 *
 * @param maxSimulations live simulations per instance; 0 (the default) = as many as fit
 * in the heap at their largest ({@link SimulationBudget})
 * @param maxPairs pairs per simulation
 * @param maxTraceEvents trace events kept per simulation (older ones are compacted)
 * @param maxAdvanceMs largest clock advance (or runUntilIdle limit) per request
 * @param idleTtl a simulation untouched this long is evicted
 * @param realtimeTick how often the realtime runner advances realtime simulations
 * @param requestsPerSecond sustained requests per client per second (token bucket)
 * @param requestBurst bucket size of that limit
 */
@ConfigurationProperties("tcplab")
public record TcplabProperties(int maxSimulations, int maxPairs, int maxTraceEvents, long maxAdvanceMs,
		Duration idleTtl, Duration realtimeTick, int requestsPerSecond, int requestBurst) {

	public TcplabProperties {
		maxSimulations = Math.max(0, maxSimulations);
		maxPairs = maxPairs <= 0 ? 64 : maxPairs;
		maxTraceEvents = maxTraceEvents <= 0 ? 100_000 : maxTraceEvents;
		maxAdvanceMs = maxAdvanceMs <= 0 ? 3_600_000 : maxAdvanceMs;
		idleTtl = idleTtl == null ? Duration.ofMinutes(30) : idleTtl;
		realtimeTick = realtimeTick == null ? Duration.ofMillis(50) : realtimeTick;
		requestsPerSecond = requestsPerSecond <= 0 ? 50 : requestsPerSecond;
		requestBurst = requestBurst <= 0 ? 200 : requestBurst;
	}
}
