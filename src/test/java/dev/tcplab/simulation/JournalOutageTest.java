package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.TcplabApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 21, a database outage under load: PostgreSQL 16 (zonky) is stopped while four
 * clients drive an instance, and started again. While it is down every route answers
 * within 2 s: what needs the journal with 503 problem+json and {@code Retry-After}, reads
 * of simulations in memory with 200, liveness and readiness UP. When it is back the
 * instance serves everything again by itself.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JournalOutageTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@TempDir
	Path dir;

	record Answer(int status, long ms, String body, String retryAfter, String contentType) {
	}

	static Answer send(String method, String url, String body) {
		long t0 = System.nanoTime();
		try {
			HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
			b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
					: b.header("content-type", "application/json")
						.method(method, HttpRequest.BodyPublishers.ofString(body));
			HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(r.statusCode(), (System.nanoTime() - t0) / 1_000_000, r.body(),
					r.headers().firstValue("retry-after").orElse(null),
					r.headers().firstValue("content-type").orElse(""));
		}
		catch (Exception ex) {
			return new Answer(-1, (System.nanoTime() - t0) / 1_000_000, ex.toString(), null, "");
		}
	}

	EmbeddedPostgres startPostgres(int port) throws Exception {
		return EmbeddedPostgres.builder()
			.setPort(port)
			.setDataDirectory(dir.resolve("pg"))
			.setCleanDataDirectory(false)
			.start();
	}

	@Test
	void shouldAnswerEveryRouteWithinTwoSecondsWhileTheDatabaseIsDownAndRecover() throws Exception {
		int pgPort;
		try (ServerSocket s = new ServerSocket(0)) {
			pgPort = s.getLocalPort();
		}
		EmbeddedPostgres pg = startPostgres(pgPort);
		try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TcplabApplication.class).run(
				"--server.port=0",
				"--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + pgPort
						+ "/postgres?connectTimeout=1&socketTimeout=5",
				"--spring.datasource.username=postgres", "--spring.main.banner-mode=off", "--logging.level.root=ERROR",
				"--tcplab.budget.max-simulations-per-client=100000", "--tcplab.requests-per-second=100000",
				"--tcplab.request-burst=100000")) {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) ctx).getWebServer().getPort();
			String sims = base + "/api/simulations";
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				Answer created = send("POST", sims, "{\"seed\":" + i + "}");
				assertThat(created.status()).as(created.body()).isEqualTo(201);
				String id = JSON.readTree(created.body()).get("id").asString();
				assertThat(send("POST", sims + "/" + id + "/pairs", "{}").status()).isEqualTo(201);
				ids.add(id);
			}
			// load: each client changes its own simulation and creates and deletes one
			AtomicBoolean stop = new AtomicBoolean();
			AtomicReference<String> phase = new AtomicReference<>("up");
			Map<String, List<Answer>> answers = new java.util.concurrent.ConcurrentHashMap<>();
			List<Thread> clients = new ArrayList<>();
			for (int c = 0; c < 2; c++) {
				String mine = ids.get(c);
				Thread t = new Thread(() -> {
					while (!stop.get()) {
						String p = phase.get();
						List<Answer> list = answers.computeIfAbsent(p,
								k -> Collections.synchronizedList(new ArrayList<>()));
						list.add(send("POST", sims + "/" + mine + "/clock", "{\"advanceMs\":1}"));
						Answer created = send("POST", sims, "{}");
						list.add(created);
						if (created.status() == 201) {
							list.add(send("DELETE", sims + "/" + JSON.readTree(created.body()).get("id").asString(),
									null));
						}
					}
				});
				t.start();
				clients.add(t);
			}
			Thread.sleep(2000);

			pg.close();
			phase.set("down");
			Thread.sleep(500);
			// every route, while the database is down
			String held = ids.get(3);
			Map<String, Answer> probe = new TreeMap<>();
			probe.put("GET simulation (in memory)", send("GET", sims + "/" + held, null));
			probe.put("GET trace (in memory)", send("GET", sims + "/" + held + "/trace?since=0", null));
			probe.put("POST pairs", send("POST", sims + "/" + held + "/pairs", "{}"));
			probe.put("POST clock", send("POST", sims + "/" + held + "/clock", "{\"advanceMs\":5}"));
			probe.put("POST simulations", send("POST", sims, "{}"));
			probe.put("GET journal", send("GET", sims + "/" + held + "/journal", null));
			probe.put("DELETE simulation", send("DELETE", sims + "/" + ids.get(2), null));
			probe.put("GET unknown simulation", send("GET", sims + "/" + java.util.UUID.randomUUID(), null));
			probe.put("GET /", send("GET", base + "/", null));
			probe.put("GET liveness", send("GET", base + "/actuator/health/liveness", null));
			probe.put("GET readiness", send("GET", base + "/actuator/health/readiness", null));
			probe.put("GET health", send("GET", base + "/actuator/health", null));
			probe.put("GET prometheus", send("GET", base + "/actuator/prometheus", null));
			Thread.sleep(3000);
			probe.forEach((k, a) -> System.out.printf("outage: %-28s %d in %d ms%n", k, a.status(), a.ms()));
			probe.forEach((k, a) -> assertThat(a.ms()).as(k + " answered within 2 s").isLessThan(2000));
			assertThat(probe.get("GET simulation (in memory)").status()).isEqualTo(200);
			assertThat(probe.get("GET trace (in memory)").status()).isEqualTo(200);
			assertThat(probe.get("GET /").status()).isEqualTo(200);
			assertThat(probe.get("GET liveness").status()).isEqualTo(200);
			assertThat(probe.get("GET readiness").status()).isEqualTo(200);
			assertThat(probe.get("GET health").status()).isEqualTo(503);
			for (String k : List.of("POST pairs", "POST clock", "POST simulations", "GET journal", "DELETE simulation",
					"GET unknown simulation")) {
				Answer a = probe.get(k);
				assertThat(a.status()).as(k + ": " + a.body()).isEqualTo(503);
				assertThat(a.retryAfter()).as(k).isNotNull();
				assertThat(a.contentType()).as(k).isEqualTo("application/problem+json");
			}
			assertThat(send("GET", base + "/actuator/prometheus", null).body())
				.contains("tcplab_journal_circuit_open{application=\"tcplab\"} 1.0")
				.contains("tcplab_refusals_total{application=\"tcplab\",limit=\"journal\",status=\"503\"}");

			pg = startPostgres(pgPort);
			long back = System.nanoTime();
			phase.set("recovering");
			long recoveredMs = -1;
			while (System.nanoTime() - back < TimeUnit.SECONDS.toNanos(30)) {
				if (send("POST", sims + "/" + held + "/clock", "{\"advanceMs\":5}").status() == 200
						&& send("POST", sims, "{}").status() == 201) {
					recoveredMs = (System.nanoTime() - back) / 1_000_000;
					break;
				}
				Thread.sleep(100);
			}
			assertThat(recoveredMs).as("recovered by itself").isNotNegative();
			phase.set("back");
			Thread.sleep(2000);
			stop.set(true);
			for (Thread t : clients) {
				t.join(15_000);
			}
			Map<String, Map<Integer, Integer>> byPhase = new TreeMap<>();
			Map<String, Long> worst = new TreeMap<>();
			answers.forEach((p, list) -> {
				synchronized (list) {
					for (Answer a : list) {
						byPhase.computeIfAbsent(p, k -> new TreeMap<>()).merge(a.status(), 1, Integer::sum);
						worst.merge(p, a.ms(), Math::max);
					}
				}
			});
			System.out.println("outage: load answers by phase " + byPhase + ", slowest " + worst
					+ " ms; back to normal " + recoveredMs + " ms after the database");
			assertThat(worst.get("down")).as("slowest answer under load while down").isLessThan(2000);
			// (a client's loop reads the phase once per round: a round begun just before
			// the
			// stop may still create and delete)
			assertThat(byPhase.get("down").keySet()).isSubsetOf(200, 201, 204, 503);
			assertThat(byPhase.get("back").keySet()).as("after recovery").isSubsetOf(200, 201, 204);
		}
		finally {
			pg.close();
		}
	}

}
