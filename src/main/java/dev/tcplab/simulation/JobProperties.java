package dev.tcplab.simulation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The budget of one job (application.yaml, prefix {@code tcplab.budget.jobs}; see
 * docs/reliability.md): what a single request that runs a scenario, a scenario document,
 * a comparison, a packetdrill script or a capture replay may take, checked between its
 * engine steps while it runs, and how many such jobs may run at once.
 *
 * @param maxActions script operations (scenario actions, repeat iterations, packetdrill
 * lines and clock moves) one job may run; beyond: 413 {@code jobActions}
 * @param maxTraceEvents trace events one job may record; beyond: 413
 * {@code jobTraceEvents}
 * @param sliceEvents scheduled events the engine runs between two checks of the budget (a
 * clock move of a job runs in slices of this many events; the trace is the same)
 * @param maxCpu CPU time one job may use; beyond: 429 {@code jobCpuTime}
 * @param maxWall wall time one job may take; beyond: 429 {@code jobWallTime}
 * @param concurrent jobs running at once on this instance; 0 = the number of processors
 * (at least 2); beyond: 429 {@code jobsBusy} with Retry-After
 * @param concurrentPerClient jobs one client address may run at once; beyond: 429
 * {@code jobsPerClient} with Retry-After
 * @param lockWait longest time a request waits for a simulation another request is using;
 * then 429 {@code simulationBusy} with Retry-After
 * @param requestsInProgressPerClient requests one client address may have in progress at
 * once (so one address can never park every request thread); beyond: 429
 * {@code requestsInProgressPerClient}
 */
@ConfigurationProperties("tcplab.budget.jobs")
public record JobProperties(@DefaultValue("100000") int maxActions, @DefaultValue("100000") int maxTraceEvents,
		@DefaultValue("10000") int sliceEvents, @DefaultValue("PT2S") Duration maxCpu,
		@DefaultValue("PT10S") Duration maxWall, @DefaultValue("0") int concurrent,
		@DefaultValue("2") int concurrentPerClient, @DefaultValue("PT1S") Duration lockWait,
		@DefaultValue("64") int requestsInProgressPerClient) {

	public JobProperties {
		if (maxActions < 1 || maxTraceEvents < 1 || sliceEvents < 1 || concurrent < 0 || concurrentPerClient < 1
				|| requestsInProgressPerClient < 1) {
			throw new IllegalArgumentException("tcplab.budget.jobs limits must be positive");
		}
		if (maxCpu.isNegative() || maxCpu.isZero() || maxWall.isNegative() || maxWall.isZero()
				|| lockWait.isNegative()) {
			throw new IllegalArgumentException("tcplab.budget.jobs durations must be positive");
		}
	}

	/** Jobs at once on this instance. */
	public int concurrentJobs() {
		return concurrent > 0 ? concurrent : Math.max(2, Runtime.getRuntime().availableProcessors());
	}

	/** Defaults, for code and tests outside Spring. */
	public static JobProperties defaults() {
		return new JobProperties(100_000, 100_000, 10_000, Duration.ofSeconds(2), Duration.ofSeconds(10), 0, 2,
				Duration.ofSeconds(1), 64);
	}

}
