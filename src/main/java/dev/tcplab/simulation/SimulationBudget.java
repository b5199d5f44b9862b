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
 * The memory budget of this instance, derived and checked at start-up: one simulation at
 * its largest takes {@code maxTraceEvents × bytesPerTraceEvent + maxPairs × bytesPerPair}
 * of heap, and {@code maxSimulations} of them must fit in {@code heapFraction} of the
 * heap. Without an explicit {@code tcplab.max-simulations} the limit is derived from the
 * heap; an explicit one that does not fit stops the start with a message that says what
 * to change. While running, new simulations are refused (429 {@code memory}) and health
 * is OUT_OF_SERVICE when the heap in use after garbage collection passes
 * {@code memoryHighWater}.
 */
@Component("simulationMemory")
public class SimulationBudget implements HealthIndicator {

	private static final Log logger = LogFactory.getLog(SimulationBudget.class);

	private final BudgetProperties budget;

	private final long heapBytes;

	private final long perSimulationBytes;

	private final int maxSimulations;

	public SimulationBudget(TcplabProperties properties, BudgetProperties budget) {
		this.budget = budget;
		this.heapBytes = budget.heap() != null ? budget.heap().toBytes() : Runtime.getRuntime().maxMemory();
		this.perSimulationBytes = (long) properties.maxTraceEvents() * budget.bytesPerTraceEvent()
				+ (long) properties.maxPairs() * budget.bytesPerPair();
		long usable = (long) (this.heapBytes * budget.heapFraction());
		long fits = Math.max(1, usable / this.perSimulationBytes);
		if (properties.maxSimulations() > 0) {
			if (properties.maxSimulations() > fits) {
				throw new IllegalStateException(String.format(Locale.ROOT,
						"tcplab.max-simulations=%d does not fit in memory: one simulation at its largest "
								+ "(tcplab.max-trace-events=%d, tcplab.max-pairs=%d) takes %.1f MB, and %d of them "
								+ "need %.0f MB, but %.0f%% of the %.0f MB heap is %.0f MB (room for %d). Lower "
								+ "tcplab.max-simulations or tcplab.max-trace-events, or raise -Xmx.",
						properties.maxSimulations(), properties.maxTraceEvents(), properties.maxPairs(),
						mb(this.perSimulationBytes), properties.maxSimulations(),
						mb(this.perSimulationBytes * properties.maxSimulations()), budget.heapFraction() * 100,
						mb(this.heapBytes), mb(usable), fits));
			}
			this.maxSimulations = properties.maxSimulations();
		}
		else {
			this.maxSimulations = (int) Math.min(fits, 100_000);
		}
		logger.info(String.format(Locale.ROOT,
				"memory budget: %.1f MB per simulation at its largest, at most %d simulations in %.0f MB (%.0f%% of %.0f MB heap)",
				mb(this.perSimulationBytes), this.maxSimulations, mb(usable), budget.heapFraction() * 100,
				mb(this.heapBytes)));
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
			.withDetail("maxSimulations", this.maxSimulations)
			.build();
	}

}
