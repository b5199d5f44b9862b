package dev.tcplab.simulation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one client may take from a shared instance (application.yaml, prefix
 * {@code tcplab.budget}). See docs/reliability.md.
 *
 * @param maxSimulationsPerClient live simulations one client address may hold
 * @param maxLifetime a simulation older than this is closed ("expired"), watched or not
 * @param maxEventsPerRequest scheduled events one request may run; a clock action that
 * needs more stops there (429 {@code maxEventsPerRequest}, the work done is kept)
 * @param maxEventsPerTick scheduled events one realtime simulation may run per tick of
 * the realtime runner; a simulation that needs more falls behind wall time instead of
 * delaying the others
 * @param maxInlineTraceEvents trace events returned inside an event or clock answer; the
 * rest is read with {@code GET …/trace?since=}
 * @param cpuMsPerSecond request CPU time per client and second (a token bucket in
 * milliseconds of CPU)
 * @param cpuBurstMs bucket size of that budget
 * @param bytesPerTraceEvent heap retained by one kept trace event (measured: 19.2 MB per
 * 100,000 events)
 * @param bytesPerPair heap of one pair at its largest (two TCBs, one window of segments
 * in flight each way)
 * @param heap the heap the simulations are budgeted against; empty = the JVM's maximum
 * heap (-Xmx)
 * @param heapFraction the share of that heap simulations may fill (what they hold, see
 * {@code reservedTraceEvents}); the rest is headroom
 * @param reservedTraceEvents trace events reserved for each simulation when counting how
 * many fit (a lesson's simulation holds a few hundred): the instance limit is the
 * budgeted heap over this reservation, not over a simulation's worst case, and what the
 * simulations actually hold is summed; when the sum passes the budget, the least recently
 * used copies leave memory (their journal stays) and new ones wait (429 {@code memory})
 * @param memoryHighWater share of the heap in use (after garbage collection) above which
 * new simulations are refused and health reports OUT_OF_SERVICE
 */
@ConfigurationProperties("tcplab.budget")
public record BudgetProperties(@DefaultValue("20") int maxSimulationsPerClient,
		@DefaultValue("PT4H") Duration maxLifetime, @DefaultValue("100000") int maxEventsPerRequest,
		@DefaultValue("5000") int maxEventsPerTick, @DefaultValue("1000") int maxInlineTraceEvents,
		@DefaultValue("250") int cpuMsPerSecond, @DefaultValue("3000") int cpuBurstMs,
		@DefaultValue("200") int bytesPerTraceEvent, @DefaultValue("40960") int bytesPerPair, DataSize heap,
		@DefaultValue("0.6") double heapFraction, @DefaultValue("0.9") double memoryHighWater,
		@DefaultValue("5000") int reservedTraceEvents) {

	public BudgetProperties {
		if (maxSimulationsPerClient < 1 || maxEventsPerRequest < 1 || maxEventsPerTick < 1 || maxInlineTraceEvents < 1
				|| cpuMsPerSecond < 1 || cpuBurstMs < 1 || bytesPerTraceEvent < 1 || bytesPerPair < 1
				|| reservedTraceEvents < 1) {
			throw new IllegalArgumentException("tcplab.budget limits must be positive");
		}
		if (!(heapFraction > 0 && heapFraction <= 1) || !(memoryHighWater > 0 && memoryHighWater <= 1)) {
			throw new IllegalArgumentException("tcplab.budget.heap-fraction and memory-high-water must be in (0, 1]");
		}
	}
}
