package dev.tcplab.simulation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties({ TcplabProperties.class, BudgetProperties.class, JournalProperties.class,
		JobProperties.class })
class SimulationConfiguration {

	/** Checks an H2 journal file before Flyway opens it (docs/operations.md). */
	@Bean
	static JournalFileGuard journalFileGuard(JournalDamage damage) {
		return new JournalFileGuard(damage);
	}

}
