package dev.tcplab.simulation;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-row INSERTs for the journal's batches on PostgreSQL only, and never against what
 * the operator set (docs/decisions.md, "The journal's bookkeeping leaves the request
 * path").
 */
class PostgresBatchedInsertsTest {

	static HikariDataSource processed(String url) {
		HikariDataSource ds = new HikariDataSource();
		ds.setJdbcUrl(url);
		new PostgresBatchedInserts().postProcessAfterInitialization(ds, "dataSource");
		return ds;
	}

	@Test
	void shouldRewriteBatchedInsertsOnPostgresql() {
		try (HikariDataSource ds = processed("jdbc:postgresql://db:5432/tcplab?connectTimeout=1&socketTimeout=5")) {
			assertThat(ds.getDataSourceProperties()).containsEntry("reWriteBatchedInserts", "true");
		}
	}

	@Test
	void shouldLeaveOtherDatabasesAndTheOperatorsChoiceAlone() {
		try (HikariDataSource h2 = processed("jdbc:h2:mem:x")) {
			assertThat(h2.getDataSourceProperties()).isEmpty();
		}
		try (HikariDataSource off = processed("jdbc:postgresql://db/tcplab?reWriteBatchedInserts=false")) {
			assertThat(off.getDataSourceProperties()).isEmpty();
		}
		HikariDataSource set = new HikariDataSource();
		set.setJdbcUrl("jdbc:postgresql://db/tcplab");
		set.addDataSourceProperty("reWriteBatchedInserts", "false");
		new PostgresBatchedInserts().postProcessAfterInitialization(set, "dataSource");
		assertThat(set.getDataSourceProperties()).containsEntry("reWriteBatchedInserts", "false");
		set.close();
	}

}
