package dev.tcplab.simulation;

import java.time.Duration;

import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of one instance (application.yaml, prefix {@code tcplab}). The realtime runner's
 * period, {@code tcplab.realtime-tick}, is read by its {@code @Scheduled} annotation.
 *
 * @param maxSimulations live simulations per instance; 0 (the default) = as many as fit
 * in the heap at their largest ({@link SimulationBudget})
 * @param maxPairs pairs per simulation
 * @param maxTraceEvents trace events kept per simulation (older ones are compacted)
 * @param maxAdvanceMs largest clock advance (or runUntilIdle limit) per request
 * @param idleTtl a simulation untouched this long is evicted
 * @param requestsPerSecond sustained requests per client per second (token bucket)
 * @param requestBurst bucket size of that limit
 */
@ConfigurationProperties("tcplab")
@Validated
public record TcplabProperties(@DefaultValue("0") @PositiveOrZero int maxSimulations,
		@DefaultValue("64") @Positive int maxPairs, @DefaultValue("100000") @Positive int maxTraceEvents,
		@DefaultValue("3600000") @Positive long maxAdvanceMs, @DefaultValue("PT30M") Duration idleTtl,
		@DefaultValue("50") @Positive int requestsPerSecond, @DefaultValue("200") @Positive int requestBurst) {
}
