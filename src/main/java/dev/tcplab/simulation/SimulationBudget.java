package dev.tcplab.simulation;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The memory budget of this instance, derived and checked at start-up. One simulation at
 * its largest takes {@code maxTraceEvents × bytesPerTraceEvent + maxPairs × bytesPerPair}
 * of heap, but a lesson's simulation holds a few hundred trace events: each simulation
 * reserves {@code reservedTraceEvents × bytesPerTraceEvent + maxPairs × bytesPerPair},
 * and {@code maxSimulations} reservations must fit in {@code heapFraction} of the heap
 * (docs/decisions.md, "Memory is budgeted by what simulations hold"). What the
 * simulations actually hold is summed by the registry ({@link #bytesHeld}): past the
 * budget, least recently used copies leave memory and new ones wait. Without an explicit
 * {@code tcplab.max-simulations} the limit is derived from the heap; an explicit one that
 * does not fit stops the start with a message that says what to change. While running,
 * new simulations are refused (429 {@code memory}) and health is OUT_OF_SERVICE when the
 * heap in use after garbage collection passes {@code memoryHighWater}.
 */
@Component("simulationMemory")
public class SimulationBudget implements HealthIndicator {

	private static final Log logger = LogFactory.getLog(SimulationBudget.class);

	private final BudgetProperties budget;

	private final long heapBytes;

	private final long perSimulationBytes;

	private final long reservedBytes;

	private final long usableBytes;

	private final long pairBytes;

	private final int maxSimulations;

	public SimulationBudget(TcplabProperties properties, BudgetProperties budget) {
		this.budget = budget;
		this.heapBytes = budget.heap() != null ? budget.heap().toBytes() : Runtime.getRuntime().maxMemory();
		this.perSimulationBytes = (long) properties.maxTraceEvents() * budget.bytesPerTraceEvent()
				+ (long) properties.maxPairs() * budget.bytesPerPair();
		this.pairBytes = (long) properties.maxPairs() * budget.bytesPerPair();
		this.reservedBytes = (long) Math.min(properties.maxTraceEvents(), budget.reservedTraceEvents())
				* budget.bytesPerTraceEvent() + this.pairBytes;
		long usable = (long) (this.heapBytes * budget.heapFraction());
		this.usableBytes = usable;
		if (usable < this.perSimulationBytes) {
			logger.warn(String.format(Locale.ROOT,
					"one simulation at its largest (%.1f MB) does not fit in %.0f MB (%.0f%% of the heap): such a"
							+ " simulation leaves memory when it grows past the budget",
					mb(this.perSimulationBytes), mb(usable), budget.heapFraction() * 100));
		}
		long fits = Math.max(1, usable / this.reservedBytes);
		if (properties.maxSimulations() > 0) {
			if (properties.maxSimulations() > fits) {
				throw new IllegalStateException(String.format(Locale.ROOT,
						"tcplab.max-simulations=%d does not fit in memory: each simulation reserves %.1f MB "
								+ "(tcplab.budget.reserved-trace-events=%d, tcplab.max-pairs=%d), and %d of them "
								+ "need %.0f MB, but %.0f%% of the %.0f MB heap is %.0f MB (room for %d). Lower "
								+ "tcplab.max-simulations or tcplab.budget.reserved-trace-events, or raise -Xmx.",
						properties.maxSimulations(), mb(this.reservedBytes), budget.reservedTraceEvents(),
						properties.maxPairs(), properties.maxSimulations(),
						mb(this.reservedBytes * properties.maxSimulations()), budget.heapFraction() * 100,
						mb(this.heapBytes), mb(usable), fits));
			}
			this.maxSimulations = properties.maxSimulations();
		}
		else {
			this.maxSimulations = (int) Math.min(fits, 100_000);
		}
		logger.info(String.format(Locale.ROOT,
				"memory budget: %.1f MB reserved per simulation (%.1f MB at its largest), at most %d simulations in"
						+ " %.0f MB (%.0f%% of %.0f MB heap)",
				mb(this.reservedBytes), mb(this.perSimulationBytes), this.maxSimulations, mb(usable),
				budget.heapFraction() * 100, mb(this.heapBytes)));
	}

	private static double mb(long bytes) {
		return bytes / 1_048_576.0;
	}

	public BudgetProperties properties() {
		return this.budget;
	}

	/** Live simulations this instance may hold (configured, or derived from the heap). */
	public int maxSimulations() {
		return this.maxSimulations;
	}

	public long perSimulationBytes() {
		return this.perSimulationBytes;
	}

	/** What each simulation reserves when counting how many fit. */
	public long reservedBytes() {
		return this.reservedBytes;
	}

	/** The heap simulations may fill: {@code heapFraction} of the budgeted heap. */
	public long usableBytes() {
		return this.usableBytes;
	}

	/**
	 * What a simulation holding {@code traceEvents} trace events is counted for: its
	 * events and pairs at their largest, at least its reservation.
	 */
	public long bytesHeld(long traceEvents) {
		return Math.max(this.reservedBytes, traceEvents * this.budget.bytesPerTraceEvent() + this.pairBytes);
	}

	public long heapBytes() {
		return this.heapBytes;
	}

	/**
	 * Heap in use as a share of the budgeted heap: the usage after the last garbage
	 * collection where the JVM reports it, so garbage not yet collected does not count.
	 */
	public double heapInUse() {
		Runtime rt = Runtime.getRuntime();
		long now = rt.totalMemory() - rt.freeMemory();
		if (now <= this.budget.memoryHighWater() * this.heapBytes) {
			return now / (double) this.heapBytes;
		}
		long afterGc = 0;
		boolean known = false;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()) {
				MemoryUsage u = pool.getCollectionUsage();
				if (u != null) {
					afterGc += u.getUsed();
					known = true;
				}
			}
		}
		return (known ? Math.min(now, afterGc) : now) / (double) this.heapBytes;
	}

	/** True when new simulations must be refused to keep the heap out of trouble. */
	public boolean memoryNearLimit() {
		return heapInUse() > this.budget.memoryHighWater();
	}

	/**
	 * @throws LimitExceededException {@code memory} when the heap is near its limit
	 */
	public void requireMemory() {
		if (memoryNearLimit()) {
			throw new LimitExceededException("memory",
					"the server is short of memory; no new simulations until some are deleted or expire");
		}
	}

	@Override
	public Health health() {
		double inUse = heapInUse();
		Health.Builder b = inUse > this.budget.memoryHighWater() ? Health.outOfService() : Health.up();
		return b.withDetail("heapInUse", Math.round(inUse * 1000) / 1000.0)
			.withDetail("memoryHighWater", this.budget.memoryHighWater())
			.withDetail("heapMb", Math.round(mb(this.heapBytes)))
			.withDetail("perSimulationMb", Math.round(mb(this.perSimulationBytes) * 10) / 10.0)
			.withDetail("reservedPerSimulationMb", Math.round(mb(this.reservedBytes) * 10) / 10.0)
			.withDetail("maxSimulations", this.maxSimulations)
			.build();
	}

}
