package dev.tcplab.simulation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties({ TcplabProperties.class, BudgetProperties.class, JournalProperties.class,
		JobProperties.class, OwnershipProperties.class })
class SimulationConfiguration {

	/** Checks an H2 journal file before Flyway opens it (docs/operations.md). */
	@Bean
	static JournalFileGuard journalFileGuard(JournalDamage damage) {
		return new JournalFileGuard(damage);
	}

	/** Multi-row INSERTs for the journal's batches on PostgreSQL. */
	@Bean
	static PostgresBatchedInserts postgresBatchedInserts() {
		return new PostgresBatchedInserts();
	}

	/**
	 * Health component {@code simulations}: how many simulations this instance holds and
	 * how many jobs run now (shown with {@code management.endpoint.health.show-details}).
	 * Always UP: a full instance answers 429, it is not unhealthy.
	 */
	@Bean("simulations")
	HealthIndicator simulationsHealth(SimulationRegistry registry, JobGate jobs) {
		return () -> Health.up()
			.withDetail("live", registry.size())
			.withDetail("jobsRunning", jobs.running())
			.withDetail("maxJobs", jobs.properties().concurrentJobs())
			.build();
	}

}
