package dev.tcplab.simulation;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * On PostgreSQL, has the driver send a JDBC batch of {@code INSERT}s as multi-row
 * {@code INSERT}s ({@code reWriteBatchedInserts}): the group-commit writer's batch of
 * entries becomes one statement per table instead of one per row (docs/performance.md,
 * "2026-12-07 (night)"). A URL or data source property that names the setting wins; other
 * databases are left as they are (H2 refuses settings it does not know).
 */
class PostgresBatchedInserts implements BeanPostProcessor {

	static final String PROPERTY = "reWriteBatchedInserts";

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource hikari && applies(hikari.getJdbcUrl())
				&& !hikari.getDataSourceProperties().containsKey(PROPERTY)) {
			hikari.addDataSourceProperty(PROPERTY, "true");
		}
		return bean;
	}

	static boolean applies(String jdbcUrl) {
		return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.contains(PROPERTY + "=");
	}

}
