package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.TcplabApplication;
import dev.tcplab.engine.EngineVersion;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Upgrades (issue 21): a journal written by the previous release (schema V1, as it
 * landed, with its entries' JSON) is migrated by Flyway to the current schema on H2 and
 * on PostgreSQL 16, and its simulation is served: the same trace as the same requests
 * give now, named as recorded before engine versions were kept ({@code recordedBy: [0]}),
 * its journal kept (the long retention) with its size accounted; new entries name this
 * engine.
 */
class JournalMigrationTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final HttpClient http = HttpClient.newHttpClient();

	static final String ID = "7e1c3f00-0000-4000-8000-000000000001";

	/**
	 * The previous release's entries for: create seed 7, a pair, close, advance 50 ms.
	 */
	static final String[][] V1_ENTRIES = { { "0", "0", "create",
			"{\"profile\":\"linux\",\"seed\":7,\"latencyMs\":null,\"clock\":null,\"speed\":null,\"overrides\":null,"
					+ "\"traceLevel\":null,\"clientAddress\":null,\"serverAddress\":null,\"pinnedIsn\":null,"
					+ "\"retainClosedPairs\":null}" },
			{ "1", "0", "pair",
					"{\"serverPort\":80,\"clientPort\":null,\"clientReuseAddr\":false,\"establish\":true}" },
			{ "2", "30000", "event", "{\"pairId\":1,\"event\":{\"type\":\"close\",\"side\":\"CLIENT\"}}" },
			{ "3", "30000", "clock",
					"{\"clock\":null,\"paused\":null,\"speed\":null,\"action\":{\"kind\":\"advance\",\"ms\":50.0}}" } };

	@TempDir
	Path dir;

	@Test
	void shouldMigrateAnH2JournalOfThePreviousRelease() throws Exception {
		migrateAndServe("jdbc:h2:file:" + dir.resolve("tcplab") + ";WRITE_DELAY=0", "", "");
	}

	@Test
	void shouldMigrateAPostgresJournalOfThePreviousRelease() throws Exception {
		try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
			migrateAndServe(pg.getJdbcUrl("postgres", "postgres"), "postgres", "");
		}
	}

	void migrateAndServe(String url, String user, String password) throws Exception {
		Flyway.configure().dataSource(url, user, password).target("1").load().migrate();
		JdbcTemplate db = new JdbcTemplate(new DriverManagerDataSource(url, user, password));
		long recordedAt = System.currentTimeMillis() - 60_000;
		db.update("INSERT INTO tcplab_simulation (id, created_at) VALUES (?, ?)", ID, recordedAt);
		for (String[] e : V1_ENTRIES) {
			db.update(
					"INSERT INTO tcplab_journal_entry (simulation_id, entry_no, virtual_time_us, kind, payload,"
							+ " recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
					ID, Long.parseLong(e[0]), Long.parseLong(e[1]), e[2], e[3], recordedAt);
		}

		try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TcplabApplication.class).run(
				"--server.port=0", "--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
				"--spring.datasource.password=" + password, "--spring.main.banner-mode=off",
				"--logging.level.root=WARN")) {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) ctx).getWebServer().getPort()
					+ "/api/simulations";
			Map<String, Object> row = db.queryForMap("SELECT kept, bytes, last_at FROM tcplab_simulation WHERE id = ?",
					ID);
			assertThat(row.get("kept")).isEqualTo(true);
			assertThat(((Number) row.get("bytes")).longValue()).isGreaterThan(200);
			assertThat(((Number) row.get("last_at")).longValue()).isEqualTo(recordedAt);
			if (url.startsWith("jdbc:postgresql:")) {
				// db/vendor/postgresql V40: the queue-like tables keep their pages, so
				// the
				// planner keeps their primary keys (docs/performance.md)
				for (String table : new String[] { "tcplab_simulation", "tcplab_journal_entry",
						"tcplab_simulation_owner", "tcplab_trace_chunk" }) {
					assertThat(
							db.queryForObject("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = ?",
									String.class, table))
						.as(table)
						.contains("vacuum_truncate=false");
				}
			}

			JsonNode sim = JSON.readTree(get(base + "/" + ID).body());
			assertThat(sim.at("/engine/version").asInt()).isEqualTo(EngineVersion.BEHAVIOUR);
			assertThat(sim.at("/engine/recordedBy").toString()).isEqualTo("[0]");
			assertThat(sim.at("/engine/recordedTraceServed").asBoolean()).isFalse();
			JsonNode journal = JSON.readTree(get(base + "/" + ID + "/journal").body());
			assertThat(journal).hasSize(4);
			journal.forEach(e -> assertThat(e.get("engineVersion").asInt()).isZero());

			// the same requests now give the same trace
			String fresh = JSON.readTree(post(base, V1_ENTRIES[0][3]).body()).get("id").asString();
			post(base + "/" + fresh + "/pairs", "{}");
			post(base + "/" + fresh + "/pairs/1/events", "{\"type\":\"close\",\"side\":\"client\"}");
			post(base + "/" + fresh + "/clock", "{\"advanceMs\":50}");
			assertThat(get(base + "/" + ID + "/trace?since=0").body())
				.isEqualTo(get(base + "/" + fresh + "/trace?since=0").body());

			// it goes on with this engine
			assertThat(post(base + "/" + ID + "/clock", "{\"advanceMs\":10}").statusCode()).isEqualTo(200);
			JsonNode after = JSON.readTree(get(base + "/" + ID + "/journal").body());
			assertThat(after.get(4).get("engineVersion").asInt()).isEqualTo(EngineVersion.BEHAVIOUR);
		}
	}

	static HttpResponse<String> get(String url) throws Exception {
		HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(r.statusCode()).as(url + " " + r.body()).isEqualTo(200);
		return r;
	}

	static HttpResponse<String> post(String url, String body) throws Exception {
		HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
			.header("content-type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(r.statusCode() / 100).as(url + " " + r.body()).isEqualTo(2);
		return r;
	}

}
