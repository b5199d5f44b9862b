package dev.tcplab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import dev.tcplab.reliability.RawHttp;
import dev.tcplab.testing.NginxProcess;
import dev.tcplab.testing.Visitor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 20, as a class uses the hosted demo: the stack of {@code deploy/compose.yaml}
 * (PostgreSQL, both instances with the file's environment, real nginx with
 * {@code deploy/nginx.conf}, every limit as shipped; see {@link ComposeStack}). 30
 * visitors, each from its own address, at the same time: open the page, run every
 * built-in scenario on two profiles (and load each run as the page does), 5 comparisons,
 * 10 packetdrill scripts, and leave the page. None may be locked out (429 other than a
 * short Retry-After wait) or get a 5xx, and the instances end with a bounded number of
 * simulations in memory. Before: a visitor through nginx was nginx's own address, and
 * every visitor shared 20 simulations.
 * <p>
 * A second test forges X-Forwarded-For through nginx: one address stays one client.
 * <p>
 * {@code -Djourney.repo=DIR} and {@code -Djourney.classes=DIR} run the same journey
 * against another checkout's deploy files and classes (the before/after figures of
 * docs/performance.md).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VisitorJourneyTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final int VISITORS = 30;

	static ComposeStack stack;

	static final Visitor.Tally tally = new Visitor.Tally();

	@BeforeAll
	static void start() throws Exception {
		NginxProcess.requireBinary();
		Path repo = Path.of(System.getProperty("journey.repo", "."));
		String classes = System.getProperty("journey.classes");
		String classpath = ComposeStack.classpathWith(classes);
		stack = ComposeStack.start(repo, classpath);
	}

	@AfterAll
	static void stop() throws Exception {
		if (stack != null) {
			stack.close();
		}
	}

	static List<String> packetdrillScripts() throws Exception {
		List<String> all = ComposeStack.packetdrillScripts();
		assertThat(all).as("packetdrill scripts").hasSizeGreaterThanOrEqualTo(10);
		return all.subList(0, 10);
	}

	/**
	 * What one visitor does; returns the id of the page's simulation (left at the end).
	 */
	static String lesson(Visitor v, int n, List<String> scenarios, List<String> scripts) throws InterruptedException {
		// the page: static files, the scenario list, a simulation
		// with a pair on a realtime clock, its trace, its stream
		PageOpen opened = PageOpen.open(v, 1000 + n);
		if (opened == null) {
			return null;
		}
		String page = opened.simulationId();
		RawHttp.Response ws = opened.stream();
		// like the page: a refused handshake (429 with Retry-After: the simulation waits
		// for
		// a free slot to come back from the journal) is tried again after the wait
		for (int tries = 0; ws.status() == 429 && tries < 5; tries++) {
			String after = ws.header("retry-after");
			Thread.sleep(1000L * (after == null || after.isBlank() ? 1 : Math.min(5, Long.parseLong(after.trim()))));
			ws = v.raw().send(RawHttp.handshake("/ws/simulations/" + page + "?since=0"));
		}
		assertThat(ws.status()).as("the page's stream through nginx").isEqualTo(101);
		RawHttp.closeQuietly(ws.upgraded());
		// every built-in scenario on two profiles, each run loaded as the page does
		for (String profile : List.of("linux", "bsd")) {
			for (String name : scenarios) {
				JsonNode run = v.json("POST", "/api/scenarios/" + name + "/runs", "{\"profile\":\"" + profile + "\"}",
						201);
				if (run != null) {
					v.json("GET", "/api/simulations/" + run.get("simulationId").asString(), null, 200);
				}
			}
		}
		// 5 comparisons of 2 to 4 variants
		for (int c = 0; c < 5; c++) {
			String name = scenarios.get((n + c * 3) % scenarios.size());
			StringBuilder variants = new StringBuilder("[{\"label\":\"linux\",\"profile\":\"linux\"}");
			variants.append(",{\"label\":\"bsd\",\"profile\":\"bsd\"}");
			if (c % 2 == 1) {
				variants.append(",{\"label\":\"windows\",\"profile\":\"windows\"}");
			}
			if (c == 4) {
				variants.append(",{\"label\":\"rfc9293\",\"profile\":\"rfc9293\"}");
			}
			v.json("POST", "/api/comparisons", "{\"scenario\":\"" + name + "\",\"variants\":" + variants + "]}", 200);
		}
		// 10 packetdrill scripts
		for (String script : scripts) {
			RawHttp.Response r = v.send("POST", "/api/packetdrill/runs?profile=linux", "text/plain", script, Map.of());
			if (r.status() != 200 && r.status() != 429 && r.status() < 500) {
				tally.failures.incrementAndGet();
			}
		}
		// the page is left (pagehide): deleted
		// unless a reload comes back within the grace
		v.send("DELETE", "/api/simulations/" + page + "?graceMs=3000", null);
		return page;
	}

	@Test
	@Order(1)
	void shouldLetThirtyVisitorsThroughTheShippedProxyDoAWholeLessonWithoutALockout() throws Exception {
		List<String> scenarios = new ArrayList<>();
		JsonNode list = JSON.readTree(ComposeStack.get(stack.url("/api/scenarios")).body());
		list.forEach(s -> scenarios.add(s.get("name").asString()));
		assertThat(scenarios).hasSizeGreaterThanOrEqualTo(19);
		List<String> scripts = packetdrillScripts();
		List<Visitor> visitors = new ArrayList<>();
		for (int i = 0; i < VISITORS; i++) {
			visitors.add(new Visitor("127.0.0." + (10 + i), stack.nginxPort, tally));
		}
		long started = System.nanoTime();
		ExecutorService pool = Executors.newFixedThreadPool(VISITORS);
		List<Future<String>> pages = new ArrayList<>();
		for (int i = 0; i < VISITORS; i++) {
			Visitor v = visitors.get(i);
			int n = i;
			pages.add(pool.submit(() -> lesson(v, n, scenarios, scripts)));
		}
		List<String> left = new ArrayList<>();
		for (Future<String> f : pages) {
			left.add(f.get(10, TimeUnit.MINUTES));
		}
		pool.shutdown();
		double seconds = (System.nanoTime() - started) / 1e9;
		int live = 0;
		int max = 0;
		for (Map.Entry<String, JsonNode> instance : stack.simulations().entrySet()) {
			String app = instance.getKey();
			JsonNode sims = instance.getValue();
			live += sims.get("live").asInt();
			max += sims.get("max").asInt();
			assertThat(sims.get("live").asInt()).as("%s: in memory within its visitors' shares", app)
				.isLessThanOrEqualTo(sims.get("visitors").asInt() * sims.get("maxPerVisitor").asInt());
		}
		System.out.printf(Locale.ROOT,
				"journey: %d visitors, %d requests in %.1f s, %d short Retry-After waits, %d lockouts %s, %d 5xx,"
						+ " %d other failures, p50 %d ms, p95 %d ms, p99 %d ms; %d simulations in memory at the end (limit %d)%n",
				VISITORS, tally.requests.get(), seconds, tally.shortWaits.get(), tally.lockoutCount(), tally.lockouts,
				tally.serverErrors.get(), tally.failures.get(), Visitor.percentile(tally.latenciesMicros, 50) / 1000,
				Visitor.percentile(tally.latenciesMicros, 95) / 1000,
				Visitor.percentile(tally.latenciesMicros, 99) / 1000, live, max);
		tally.examples.forEach(e -> System.out.println("journey: " + e));
		assertThat(tally.lockoutCount()).as("lockouts: %s %s", tally.lockouts, tally.examples).isZero();
		assertThat(tally.serverErrors.get()).as("5xx: %s", tally.examples).isZero();
		assertThat(tally.failures.get()).as("other failures: %s", tally.examples).isZero();
		assertThat(live).as("simulations in memory at the end").isLessThanOrEqualTo(max);
		// the pages were left: after their grace they are gone from their visitors' lists
		Visitor.sleep(5000);
		for (int i = 0; i < 3; i++) {
			JsonNode mine = visitors.get(i).json("GET", "/api/simulations?mine=true", null, 200);
			List<String> ids = new ArrayList<>();
			mine.get("simulations").forEach(s -> ids.add(s.get("id").asString()));
			assertThat(ids).as("visitor %d's list", i).isNotEmpty().doesNotContain(left.get(i));
		}
		stack.keepLogs = false;
	}

	// issue 27, finding 4: one address rotating its own X-Forwarded-For is one visitor,
	// through nginx (which overwrites the header) and straight to an instance (which
	// believes the header from nginx only); counted by the instances' visitors holding
	// simulations, which forged addresses would each add to
	@Test
	@Order(2)
	void shouldCountAClientThatForgesXForwardedForAsTheAddressNginxSees() throws Exception {
		Map<String, Integer> before = visitorsPerInstance();
		RawHttp forger = new RawHttp("127.0.0.99", stack.nginxPort, false);
		for (int i = 0; i < 10; i++) {
			RawHttp.Response r = forger.request("POST", "/api/simulations", Map.of("X-Forwarded-For", "6.6.6." + i),
					"application/json", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
			assertThat(r.status()).as(r.body()).isEqualTo(201);
		}
		Map<String, Integer> through = visitorsPerInstance();
		String app = stack.appPorts.keySet().iterator().next();
		RawHttp direct = new RawHttp("127.0.0.98", stack.appPorts.get(app), false);
		for (int i = 0; i < 10; i++) {
			RawHttp.Response r = direct.request("POST", "/api/simulations", Map.of("X-Forwarded-For", "7.7.7." + i),
					"application/json", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
			assertThat(r.status()).as(r.body()).isEqualTo(201);
		}
		Map<String, Integer> after = visitorsPerInstance();
		System.out.printf(Locale.ROOT,
				"journey: visitors holding simulations per instance: %s; after 10 forged through nginx %s; after 10 forged straight to %s %s%n",
				before, through, app, after);
		// forged addresses believed would add 10;
		// copies idling out can only take some away
		for (String a : before.keySet()) {
			assertThat(through.get(a) - before.get(a)).as("%s: new visitors from one address forging 10", a)
				.isLessThanOrEqualTo(1);
		}
		assertThat(after.get(app) - through.get(app))
			.as("new visitors on %s from one address forging 10 straight to it", app)
			.isLessThanOrEqualTo(1);
	}

	static Map<String, Integer> visitorsPerInstance() throws Exception {
		Map<String, Integer> out = new java.util.TreeMap<>();
		stack.simulations().forEach((app, sims) -> out.put(app, sims.get("visitors").asInt()));
		return out;
	}

}
