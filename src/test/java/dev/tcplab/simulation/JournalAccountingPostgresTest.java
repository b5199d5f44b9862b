package dev.tcplab.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link JournalAccountingTest} on PostgreSQL 16 (zonky), where two transactions that
 * lock the same simulation rows in different orders deadlock: a quota read that wrote the
 * accounting on its own thread beside the writer's deletions failed every request of the
 * writer's batch with 503 (2026-12-07).
 */
class JournalAccountingPostgresTest extends JournalAccountingTest {

	static final EmbeddedPostgres postgres;

	static {
		try {
			postgres = EmbeddedPostgres.builder().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", "postgres"));
		registry.add("spring.datasource.username", () -> "postgres");
	}

	@AfterAll
	static void stop() throws IOException {
		postgres.close();
	}

}
