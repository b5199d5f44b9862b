package dev.tcplab.simulation;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code simulations}: how many simulations this instance holds and how
 * many jobs run now (shown with {@code management.endpoint.health.show-details}). Always
 * UP: a full instance answers 429, it is not unhealthy.
 */
@Component("simulations")
class SimulationsHealth implements HealthIndicator {

	private final SimulationRegistry registry;

	private final JobGate jobs;

	SimulationsHealth(SimulationRegistry registry, JobGate jobs) {
		this.registry = registry;
		this.jobs = jobs;
	}

	@Override
	public Health health() {
		return Health.up()
			.withDetail("live", this.registry.size())
			.withDetail("jobsRunning", this.jobs.running())
			.withDetail("maxJobs", this.jobs.properties().concurrentJobs())
			.build();
	}

}
