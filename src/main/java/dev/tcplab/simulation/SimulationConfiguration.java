package dev.tcplab.simulation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties({ TcplabProperties.class, BudgetProperties.class, JournalProperties.class,
		OwnershipProperties.class })
class SimulationConfiguration {

}
