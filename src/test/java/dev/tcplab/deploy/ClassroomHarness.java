package dev.tcplab.deploy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tcplab.reliability.RawHttp;
import dev.tcplab.testing.Visitor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A classroom on the hosted demo (issue 20; a harness, not a test: kept out of
 * {@code ./mvnw verify}): the stack of {@code deploy/compose.yaml} as
 * {@link VisitorJourneyTest} runs it, and N visitors, each from its own address, doing a
 * whole lesson with think time for M minutes: open the page and drive its pair, run
 * scenarios and step through them, compare profiles, run packetdrill scripts, look at
 * their list and delete one, keep one, leave the page and open a new one. Reports
 * lockouts (429 other than a short Retry-After wait), 5xx, p50/p95/p99 of every request,
 * simulations in memory (sampled every 10 s) and the journal's bytes at the end.
 *
 * <pre>
 * ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" dev.tcplab.deploy.ClassroomHarness visitors=100 minutes=10
 * </pre>
 *
 * Options: {@code thinkMs=2000..8000} (pause after each action, uniform), {@code seed=1},
 * {@code repo=DIR} and {@code classes=DIR} (another checkout's deploy files and classes,
 * for a before/after).
 */
public final class ClassroomHarness {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private ClassroomHarness() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> opts = ComposeStack.options(args);
		int visitors = Integer.parseInt(opts.getOrDefault("visitors", "100"));
		double minutes = Double.parseDouble(opts.getOrDefault("minutes", "10"));
		String[] think = opts.getOrDefault("thinkMs", "2000..8000").split("\\.\\.");
		long thinkMin = Long.parseLong(think[0]);
		long thinkMax = Long.parseLong(think[think.length - 1]);
		long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
		String classes = opts.get("classes");
		String classpath = ComposeStack.classpathWith(classes);
		List<String> scripts = ComposeStack.packetdrillScripts();
		long t0 = System.nanoTime();
		try (ComposeStack stack = ComposeStack.start(Path.of(opts.getOrDefault("repo", ".")), classpath)) {
			System.out.printf(Locale.ROOT, "classroom: stack up in %.0f s (%s)%n", (System.nanoTime() - t0) / 1e9,
					stack.appPorts.keySet());
			List<String> scenarios = new ArrayList<>();
			JSON.readTree(ComposeStack.get(stack.url("/api/scenarios")).body())
				.forEach(s -> scenarios.add(s.get("name").asString()));
			Visitor.Tally tally = new Visitor.Tally();
			AtomicInteger lessons = new AtomicInteger();
			AtomicInteger actions = new AtomicInteger();
			long deadline = System.nanoTime() + (long) (minutes * 60e9);
			ExecutorService pool = Executors.newFixedThreadPool(visitors + 1);
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < visitors; i++) {
				Visitor v = new Visitor("127.0." + (1 + i / 200) + "." + (10 + i % 200), stack.nginxPort, tally);
				Random rnd = new Random(seed * 1000 + i);
				running.add(pool.submit(() -> {
					// visitors arrive over the first minute
					Visitor.sleep((long) (rnd.nextDouble() * 60_000 * Math.min(1, minutes / 2)));
					while (System.nanoTime() < deadline) {
						lesson(v, rnd, scenarios, scripts, deadline, thinkMin, thinkMax, actions);
						lessons.incrementAndGet();
					}
					return null;
				}));
			}
			int peakLive = 0;
			List<String> samples = new ArrayList<>();
			while (System.nanoTime() < deadline) {
				Visitor.sleep(10_000);
				int live = 0;
				for (JsonNode sims : stack.simulations().values()) {
					live += sims.get("live").asInt();
				}
				peakLive = Math.max(peakLive, live);
				samples.add(Integer.toString(live));
			}
			for (Future<?> f : running) {
				f.get(5, TimeUnit.MINUTES);
			}
			pool.shutdown();
			int live = 0;
			int max = 0;
			for (JsonNode sims : stack.simulations().values()) {
				live += sims.get("live").asInt();
				max += sims.get("max").asInt();
			}
			long journalBytes = 0;
			long journalRows = 0;
			long simulations = 0;
			long kept = 0;
			String db = stack.appEnvironments.values().iterator().next().get("SPRING_DATASOURCE_URL");
			// the URL may carry parameters (?connectTimeout=…): the name ends before them
			String dbName = db.substring(db.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
			try (Connection c = stack.postgres.getDatabase("postgres", dbName).getConnection();
					Statement st = c.createStatement()) {
				try (ResultSet rs = st.executeQuery("SELECT pg_total_relation_size('tcplab_journal_entry')"
						+ " + pg_total_relation_size('tcplab_simulation'), (SELECT COUNT(*) FROM tcplab_journal_entry),"
						+ " (SELECT COUNT(*) FROM tcplab_simulation)")) {
					rs.next();
					journalBytes = rs.getLong(1);
					journalRows = rs.getLong(2);
					simulations = rs.getLong(3);
				}
				try (ResultSet rs = st
					.executeQuery("SELECT COUNT(*) FROM tcplab_simulation_owner WHERE kept_at IS NOT NULL")) {
					rs.next();
					kept = rs.getLong(1);
				}
				catch (java.sql.SQLException before) {
					kept = -1;
				}
			}
			System.out.printf(Locale.ROOT,
					"classroom: %d visitors × %.0f min, think %d..%d ms: %d lessons, %d actions, %d requests;"
							+ " lockouts %d %s; 5xx %d; other failures %d; short Retry-After waits %d;"
							+ " latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms;"
							+ " simulations in memory: peak %d, at the end %d (limit %d);"
							+ " journal: %d simulations (%d kept), %d entries, %.1f MB%n",
					visitors, minutes, thinkMin, thinkMax, lessons.get(), actions.get(), tally.requests.get(),
					tally.lockoutCount(), tally.lockouts, tally.serverErrors.get(), tally.failures.get(),
					tally.shortWaits.get(), Visitor.percentile(tally.latenciesMicros, 50) / 1000.0,
					Visitor.percentile(tally.latenciesMicros, 95) / 1000.0,
					Visitor.percentile(tally.latenciesMicros, 99) / 1000.0, peakLive, live, max, simulations, kept,
					journalRows, journalBytes / 1e6);
			System.out.println("classroom: in memory every 10 s: " + String.join(" ", samples));
			tally.examples.forEach(e -> System.out.println("classroom: " + e));
			stack.keepLogs = tally.lockoutCount() > 0 || tally.serverErrors.get() > 0;
		}
	}

	/**
	 * One lesson: a page with a pair, a few scenarios stepped through, a comparison, a
	 * packetdrill script, the visitor's list, and the page left.
	 */
	static void lesson(Visitor v, Random rnd, List<String> scenarios, List<String> scripts, long deadline,
			long thinkMin, long thinkMax, AtomicInteger actions) {
		Runnable think = () -> {
			actions.incrementAndGet();
			Visitor.sleep(thinkMin + (long) (rnd.nextDouble() * (thinkMax - thinkMin)));
		};
		PageOpen opened = PageOpen.open(v, rnd.nextInt(1_000_000));
		if (opened == null) {
			think.run();
			return;
		}
		String page = opened.simulationId();
		RawHttp.Response ws = opened.stream();
		think.run();
		// drive the page's pair: lose the next ACK, close both sides
		v.json("POST", "/api/simulations/" + page + "/pairs/1/events",
				"{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\"}", 200);
		v.json("POST", "/api/simulations/" + page + "/pairs/1/events", "{\"type\":\"close\",\"side\":\"client\"}", 200);
		think.run();
		v.json("POST", "/api/simulations/" + page + "/pairs/1/events", "{\"type\":\"close\",\"side\":\"server\"}", 200);
		v.json("GET", "/api/simulations/" + page, null, 200);
		think.run();
		// scenarios, each stepped through (the page reads the simulation after each step)
		for (int k = 0; k < 3 + rnd.nextInt(4) && System.nanoTime() < deadline; k++) {
			String name = scenarios.get(rnd.nextInt(scenarios.size()));
			String profile = List.of("linux", "bsd", "rfc9293", "windows").get(rnd.nextInt(4));
			JsonNode run = v.json("POST", "/api/scenarios/" + name + "/runs", "{\"profile\":\"" + profile + "\"}", 201);
			if (run == null) {
				think.run();
				continue;
			}
			String id = run.get("simulationId").asString();
			for (int step = 0; step < Math.min(4, run.get("narration").size()); step++) {
				v.json("GET", "/api/simulations/" + id, null, 200);
				think.run();
			}
		}
		if (System.nanoTime() < deadline) {
			String name = scenarios.get(rnd.nextInt(scenarios.size()));
			v.json("POST", "/api/comparisons", "{\"scenario\":\"" + name
					+ "\",\"variants\":[{\"label\":\"linux\",\"profile\":\"linux\"},{\"label\":\"bsd\",\"profile\":\"bsd\"}]}",
					200);
			think.run();
		}
		if (System.nanoTime() < deadline) {
			v.send("POST", "/api/packetdrill/runs?profile=linux", "text/plain",
					scripts.get(rnd.nextInt(scripts.size())), Map.of());
			think.run();
		}
		// what do I hold? delete the oldest other than the page (newest first), keep the
		// page now and then (a shared link)
		JsonNode mine = v.json("GET", "/api/simulations?mine=true", null, 200);
		if (mine != null && mine.get("simulations") != null) {
			JsonNode all = mine.get("simulations");
			for (int k = all.size() - 1; k >= 0; k--) {
				String other = all.get(k).get("id").asString();
				if (!other.equals(page)) {
					v.send("DELETE", "/api/simulations/" + other, null);
					break;
				}
			}
		}
		boolean keep = rnd.nextInt(10) == 0;
		if (keep) {
			v.json("POST", "/api/simulations/" + page + "/keep", null, 200);
		}
		if (ws.upgraded() != null) {
			RawHttp.closeQuietly(ws.upgraded());
		}
		if (!keep) {
			v.send("DELETE", "/api/simulations/" + page + "?graceMs=10000", null);
		}
		think.run();
	}

}
