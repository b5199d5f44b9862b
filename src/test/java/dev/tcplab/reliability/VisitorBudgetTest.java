package dev.tcplab.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.tcplab.testing.ApiTest;
import dev.tcplab.reliability.RawHttp.Response;
import dev.tcplab.simulation.SimulationRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Issue 27, the budgets of one visitor over time: its CPU share is charged while a job
 * runs (not only when the request completes, which an endless job never did), and a
 * simulation's lifetime counts from its creation even when it idles until evicted and is
 * rebuilt from the journal.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.budget.cpu-ms-per-second=50", "tcplab.budget.cpu-burst-ms=300",
				"tcplab.budget.jobs.max-cpu=PT30S", "tcplab.budget.jobs.max-wall=PT60S",
				"tcplab.budget.jobs.max-actions=2000000000", "tcplab.budget.max-lifetime=PT3S",
				"tcplab.idle-ttl=PT0.3S", "tcplab.eviction-interval=PT1H" })
class VisitorBudgetTest extends ApiTest {

	@Autowired
	SimulationRegistry registry;

	// finding 1: the per-client CPU budget was charged only when a request completed, so
	// an endless job was never charged
	@Test
	void shouldChargeAJobsCpuToItsVisitorWhileItRuns() throws Exception {
		int before = this.registry.size();
		long t0 = System.nanoTime();
		Response r = new RawHttp("127.0.0.70", this.port, 20_000).post("/api/scenarios/runs", "application/json",
				HostileVisitorTest.ENDLESS.getBytes(StandardCharsets.UTF_8));
		long ms = (System.nanoTime() - t0) / 1_000_000;
		System.out.printf("reliability: endless document against a 300 ms CPU burst: %d after %d ms%n", r.status(), ms);
		assertThat(r.status()).as(r.body()).isEqualTo(429);
		JsonNode p = this.json.readTree(r.body());
		assertThat(p.get("limit").asString()).isEqualTo("cpuTime");
		assertThat(r.header("retry-after")).isNotBlank();
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (this.registry.size() != before && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(this.registry.size()).isEqualTo(before);
	}

	// finding 6: an evicted simulation was rebuilt with a fresh
	// lifetime, so idling escaped tcplab.budget.max-lifetime
	@Test
	void shouldCountALifetimeFromCreationAcrossEvictionAndRebuild() throws Exception {
		RawHttp http = new RawHttp("127.0.0.71", this.port);
		String idle = this.json.readTree(http.post("/api/simulations", "{}").body()).get("id").asString();
		String touched = this.json.readTree(http.post("/api/simulations", "{}").body()).get("id").asString();
		// both were created before this instant
		long created = System.nanoTime();
		Thread.sleep(500);
		this.registry.evictIdle();
		assertThat(this.registry.size()).as("both evicted (idle)").isZero();
		// rebuilt from the journal within its lifetime
		assertThat(http.get("/api/simulations/" + touched).status()).isEqualTo(200);
		while (System.nanoTime() - created < 3_300_000_000L) {
			Thread.sleep(50);
		}
		this.registry.evictIdle();
		assertThat(http.get("/api/simulations/" + touched).status()).as("the rebuilt copy kept its birth")
			.isEqualTo(404);
		assertThat(http.get("/api/simulations/" + idle).status()).as("evicted, then its lifetime ended").isEqualTo(404);
	}

}
