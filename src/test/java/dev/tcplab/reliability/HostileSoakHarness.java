package dev.tcplab.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.tcplab.testing.HarnessOptions;
import dev.tcplab.reliability.RawHttp.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Soak harness of issue 27 (a benchmark, not a test; kept out of {@code ./mvnw verify}):
 * 20 notebook clients, each on its own loopback address, run the README's notebook flow
 * (create, pair, lose an ACK, close, advance, close, run until idle, read the trace,
 * delete) with a think time, against a fresh application process with the shipped
 * configuration. Phases: a baseline; then the same clients while one hostile address runs
 * the worst recipes of issue 27 (endless scenario documents and comparisons as
 * {@code curl -m5} would send them, 64 KB packetdrill scripts of window writes, deeply
 * nested scripts) from 20 threads; then the attacker leaves and the harness waits and
 * looks whether anything keeps running: the process's CPU rate, threads and file
 * descriptors (from {@code /proc}), and its simulations and running jobs (health details,
 * where the application reports them).
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" dev.tcplab.reliability.HostileSoakHarness \
 *     label=after baselineSeconds=60 attackSeconds=120 recoverySeconds=30
 * </pre>
 *
 * {@code appClasses=DIR} runs another build's classes (e.g. the code before the change,
 * {@code git archive} + {@code ./mvnw compile}) with the same dependencies, for an A/B
 * comparison; run A and B interleaved, on a machine as quiet as possible (the figures
 * print the load average). {@code heap=2g} is the application's -Xmx.
 */
public final class HostileSoakHarness {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private HostileSoakHarness() {
	}

	public static void main(String[] args) throws Exception {
		HarnessOptions opts = HarnessOptions.parse(args);
		String label = opts.text("label", "run");
		int clients = opts.integer("clients", 20);
		int baseline = opts.integer("baselineSeconds", 60);
		int attack = opts.integer("attackSeconds", 120);
		int recovery = opts.integer("recoverySeconds", 30);
		long thinkMs = opts.whole("thinkMs", 100);
		int port;
		try (ServerSocket s = new ServerSocket(0)) {
			port = s.getLocalPort();
		}
		Path data = Files.createTempDirectory("tcplab-soak");
		String classpath = System.getProperty("java.class.path");
		if (opts.has("appClasses")) {
			classpath = Arrays.stream(classpath.split(java.io.File.pathSeparator))
				.filter(e -> !e.endsWith("target/classes") && !e.endsWith("test-classes"))
				.reduce(opts.text("appClasses", null), (a, b) -> a + java.io.File.pathSeparator + b);
		}
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx" + opts.text("heap", "2g"), "-cp", classpath, "dev.tcplab.TcplabApplication",
				"--server.port=" + port, "--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--spring.datasource.url=jdbc:h2:file:" + data.resolve("tcplab") + ";WRITE_DELAY=0",
				"--management.endpoint.health.show-details=always"));
		Process app = new ProcessBuilder(cmd).redirectErrorStream(true)
			.redirectOutput(data.resolve("app.log").toFile())
			.start();
		try {
			RawHttp probe = new RawHttp("127.0.0.1", port, 5_000);
			long deadline = System.nanoTime() + 180_000_000_000L;
			while (probe.get("/actuator/health").status() != 200) {
				if (System.nanoTime() > deadline || !app.isAlive()) {
					throw new IllegalStateException("the application did not start; see " + data.resolve("app.log"));
				}
				Thread.sleep(500);
			}
			System.out.printf("## %s: %d notebook clients, think %d ms; load average at start %s%n", label, clients,
					thinkMs, loadAverage());
			Notebooks notebooks = new Notebooks(port, clients, thinkMs);
			notebooks.start();
			Thread.sleep(10_000); // warm-up
			Phase base = notebooks.measure(baseline, app);
			Sample before = sample(app, probe);
			Attacker attacker = new Attacker(port);
			attacker.start();
			Phase hostile = notebooks.measure(attack, app);
			attacker.stop();
			Thread.sleep(recovery * 1000L);
			Phase afterwards = notebooks.measure(Math.max(10, recovery / 2), app);
			Sample after = sample(app, probe);
			notebooks.stop();
			System.out.printf("| %s | phase | req/s | p50 ms | p99 ms | max ms | errors | app CPU (cores) |%n", label);
			System.out.println(base.row(label, "baseline"));
			System.out.println(hostile.row(label, "under attack"));
			System.out.println(afterwards.row(label, "after the attacker left"));
			System.out.printf("%s: attacker sent %d requests, answers %s%n", label, attacker.sent.get(),
					attacker.answers);
			System.out.printf("%s: threads %d → %d, descriptors %d → %d, simulations %s → %s, jobs running %s → %s%n",
					label, before.threads, after.threads, before.fds, after.fds, before.simulations, after.simulations,
					before.jobs, after.jobs);
			System.out.printf("%s: p99 under attack / baseline = %.2f; load average at end %s%n", label,
					hostile.percentileMs(0.99) / Math.max(0.001, base.percentileMs(0.99)), loadAverage());
		}
		finally {
			app.destroy();
			app.waitFor();
		}
	}

	static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException ex) {
			return "?";
		}
	}

	/**
	 * What the process holds: threads, descriptors; simulations and jobs as it reports
	 * them.
	 */
	record Sample(long threads, long fds, String simulations, String jobs) {
	}

	static Sample sample(Process app, RawHttp probe) throws IOException {
		long threads = Files.readAllLines(Path.of("/proc", Long.toString(app.pid()), "status"))
			.stream()
			.filter(l -> l.startsWith("Threads:"))
			.mapToLong(l -> Long.parseLong(l.substring(8).trim()))
			.findFirst()
			.orElse(-1);
		long fds;
		try (var list = Files.list(Path.of("/proc", Long.toString(app.pid()), "fd"))) {
			fds = list.count();
		}
		String simulations = "n/a";
		String jobs = "n/a";
		Response health = probe.get("/actuator/health");
		if (health.status() == 200) {
			JsonNode sims = JSON.readTree(health.body()).path("components").path("simulations").path("details");
			if (sims.has("live")) {
				simulations = sims.get("live").asString();
				jobs = sims.get("jobsRunning").asString();
			}
		}
		return new Sample(threads, fds, simulations, jobs);
	}

	/** Process CPU time (user + system) in nanoseconds, from /proc. */
	static long cpuNanos(Process app) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(app.pid()), "stat"));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
			return ticks * 10_000_000L; // USER_HZ = 100
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	record Phase(long requests, double seconds, long[] micros, long errors, double cores) {

		double percentileMs(double p) {
			return micros.length == 0 ? 0 : micros[Math.min(micros.length - 1, (int) (micros.length * p))] / 1000.0;
		}

		String row(String label, String phase) {
			return String.format("| %s | %s | %.1f | %.1f | %.1f | %.1f | %d | %.2f |", label, phase,
					requests / seconds, percentileMs(0.5), percentileMs(0.99),
					micros.length == 0 ? 0 : micros[micros.length - 1] / 1000.0, errors, cores);
		}
	}

	/** The well-behaved clients: each loops the notebook flow on its own address. */
	static final class Notebooks {

		final int port;

		final int clients;

		final long thinkMs;

		final AtomicBoolean running = new AtomicBoolean(true);

		final List<Thread> threads = new ArrayList<>();

		volatile List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

		final AtomicLong errors = new AtomicLong();

		Notebooks(int port, int clients, long thinkMs) {
			this.port = port;
			this.clients = clients;
			this.thinkMs = thinkMs;
		}

		void start() {
			for (int c = 0; c < clients; c++) {
				RawHttp http = new RawHttp("127.0.1." + (c + 1), port, 30_000);
				threads.add(daemon("notebook-" + c, () -> {
					while (running.get()) {
						try {
							flow(http);
						}
						catch (RuntimeException ex) {
							errors.incrementAndGet();
						}
					}
				}));
			}
		}

		void stop() throws InterruptedException {
			HostileSoakHarness.stop(running, threads);
		}

		Phase measure(int seconds, Process app) throws InterruptedException {
			latencies = Collections.synchronizedList(new ArrayList<>());
			errors.set(0);
			long cpu0 = cpuNanos(app);
			long t0 = System.nanoTime();
			Thread.sleep(seconds * 1000L);
			double elapsed = (System.nanoTime() - t0) / 1e9;
			double cores = (cpuNanos(app) - cpu0) / 1e9 / elapsed;
			long[] all;
			synchronized (latencies) {
				all = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
			}
			return new Phase(all.length, elapsed, all, errors.get(), cores);
		}

		Response timed(java.util.function.Supplier<Response> request) {
			long t0 = System.nanoTime();
			Response r = request.get();
			latencies.add((System.nanoTime() - t0) / 1000);
			if (r.status() < 200 || r.status() >= 300) {
				errors.incrementAndGet();
			}
			return r;
		}

		void flow(RawHttp http) {
			Response created = timed(() -> http.post("/api/simulations", "{\"profile\":\"linux\"}"));
			if (created.status() != 201) {
				pause(1000);
				return;
			}
			String sim = "/api/simulations/" + JSON.readTree(created.body()).get("id").asString();
			String[][] steps = { { sim + "/pairs", "{}" },
					{ sim + "/pairs/1/events", "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\"}" },
					{ sim + "/pairs/1/events", "{\"type\":\"close\",\"side\":\"client\"}" },
					{ sim + "/clock", "{\"advanceMs\":100}" },
					{ sim + "/pairs/1/events", "{\"type\":\"close\",\"side\":\"server\"}" },
					{ sim + "/clock", "{\"runUntilIdle\":true}" } };
			for (String[] step : steps) {
				pause(thinkMs);
				timed(() -> http.post(step[0], step[1]));
			}
			pause(thinkMs);
			timed(() -> http.get(sim + "/trace?since=0"));
			pause(thinkMs);
			timed(() -> http.send(("DELETE " + sim + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1)));
		}

		static void pause(long ms) {
			try {
				Thread.sleep(ms);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** One hostile address, 20 threads, the worst recipes of issue 27 in turn. */
	static final class Attacker {

		final int port;

		final AtomicBoolean running = new AtomicBoolean(true);

		final List<Thread> threads = new ArrayList<>();

		final AtomicLong sent = new AtomicLong();

		final Map<String, Integer> answers = new ConcurrentHashMap<>();

		Attacker(int port) {
			this.port = port;
		}

		void start() {
			String endless = HostileVisitorTest.ENDLESS;
			byte[] document = endless.getBytes(StandardCharsets.UTF_8);
			byte[] comparison = ("{\"scenario\":" + endless + ",\"variants\":[{\"label\":\"a\"},{\"label\":\"b\"}]}")
				.getBytes(StandardCharsets.UTF_8);
			byte[] windows = HostileVisitorTest.windowsScript().getBytes(StandardCharsets.UTF_8);
			byte[] nested = ("0 socket(" + "a=".repeat(20_000) + "1) = 3\n").getBytes(StandardCharsets.UTF_8);
			for (int i = 0; i < 20; i++) {
				int n = i;
				// like curl -m5: the attacker gives up after 5 s and sends the next one
				RawHttp http = new RawHttp("127.0.2.1", port, 5_000);
				threads.add(daemon("attacker-" + i, () -> {
					int round = n;
					while (running.get()) {
						Response r = switch (round++ % 5) {
							case 0, 1 -> http.post("/api/scenarios/runs", "application/json", document);
							case 2 -> http.post("/api/comparisons", "application/json", comparison);
							case 3 -> http.post("/api/packetdrill/runs", "text/plain", windows);
							default -> http.post("/api/packetdrill/runs", "text/plain", nested);
						};
						sent.incrementAndGet();
						answers.merge(String.valueOf(r.status()), 1, Integer::sum);
						if (r.status() == 429) {
							Notebooks.pause(200);
						}
					}
				}));
			}
		}

		void stop() throws InterruptedException {
			HostileSoakHarness.stop(running, threads);
		}

	}

	static Thread daemon(String name, Runnable body) {
		Thread t = new Thread(body, name);
		t.setDaemon(true);
		t.start();
		return t;
	}

	static void stop(AtomicBoolean running, List<Thread> threads) throws InterruptedException {
		running.set(false);
		for (Thread t : threads) {
			t.join(30_000);
		}
	}

}
