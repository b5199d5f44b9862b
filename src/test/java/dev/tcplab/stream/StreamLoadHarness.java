package dev.tcplab.stream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.tcplab.TcplabApplication;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.ClockMode;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.simulation.TraceSubscriber;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Load harness for the live stream (not a unit test). Starts the application in-process
 * on a random port, creates M realtime simulations that keep producing events (every
 * simulation opens a pair and closes the previous one every {@code intervalMs}; the
 * realtime clock then plays out FIN/ACK exchanges and timers), connects N viewers
 * round-robin over them with java.net.http WebSockets on loopback, and prints delivered
 * events/s, event-to-client latency (wall time stamped when the simulation publishes the
 * event, compared on receipt) and lost or duplicated events.
 * <p>
 * Run (docs/performance.md): <pre>
 * ./mvnw -B -q test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.tcplab.stream.StreamLoadHarness -Dexec.args="viewers=1000 simulations=200 seconds=30"
 * </pre> Arguments (name=value): viewers, simulations, seconds (measured phase),
 * intervalMs (pair period per simulation), speed (realtime speed), clients (HttpClient
 * instances), out (file to append the result line to).
 */
public final class StreamLoadHarness {

	private static final int BUCKET_MICROS = 100;

	private static final int BUCKETS = 100_000; // 10 s in 100 µs steps

	private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS + 1);

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong lost = new AtomicLong();

	private final AtomicLong duplicated = new AtomicLong();

	private final AtomicLong unstamped = new AtomicLong();

	private final Map<String, Stamps> stamps = new ConcurrentHashMap<>();

	public static void main(String[] args) throws Exception {
		Map<String, String> opts = new HashMap<>();
		for (String a : args) {
			for (String part : a.trim().split("\\s+")) {
				int eq = part.indexOf('=');
				if (eq > 0) {
					opts.put(part.substring(0, eq), part.substring(eq + 1));
				}
			}
		}
		new StreamLoadHarness().run(Integer.parseInt(opts.getOrDefault("viewers", "1000")),
				Integer.parseInt(opts.getOrDefault("simulations", "200")),
				Integer.parseInt(opts.getOrDefault("seconds", "30")),
				Integer.parseInt(opts.getOrDefault("intervalMs", "2000")),
				Double.parseDouble(opts.getOrDefault("speed", "1")),
				Integer.parseInt(opts.getOrDefault("clients", "4")), opts.get("out"));
		System.exit(0);
	}

	/** Wall-clock nanos at which each seq of one simulation was published. */
	static final class Stamps implements TraceSubscriber {

		final AtomicLongArray nanos;

		Stamps(int capacity) {
			this.nanos = new AtomicLongArray(capacity);
		}

		@Override
		public void onEvent(TraceEvent event) {
			if (event.seq() < this.nanos.length()) {
				this.nanos.set((int) event.seq(), System.nanoTime());
			}
		}

	}

	/** One viewer: checks seq continuity and records latency. */
	final class Viewer implements WebSocket.Listener {

		final String simulation;

		final Stamps stamp;

		final StringBuilder partial = new StringBuilder();

		volatile long expected;

		volatile boolean snapshot;

		final CompletableFuture<Integer> closed = new CompletableFuture<>();

		WebSocket webSocket;

		Viewer(String simulation, Stamps stamp) {
			this.simulation = simulation;
			this.stamp = stamp;
		}

		@Override
		public void onOpen(WebSocket ws) {
			ws.request(Long.MAX_VALUE);
		}

		@Override
		public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
			long now = System.nanoTime();
			String text;
			if (!last || this.partial.length() > 0) {
				this.partial.append(data);
				if (!last) {
					return null;
				}
				text = this.partial.toString();
				this.partial.setLength(0);
			}
			else {
				text = data.toString();
			}
			long seq = seqOf(text);
			if (seq >= 0) {
				onEventSeq(seq, now);
			}
			else if (text.startsWith("{\"type\":\"snapshot\"")) {
				this.snapshot = true;
			}
			return null;
		}

		private void onEventSeq(long seq, long now) {
			long exp = this.expected;
			if (seq == exp) {
				this.expected = seq + 1;
			}
			else if (seq > exp) {
				StreamLoadHarness.this.lost.addAndGet(seq - exp);
				this.expected = seq + 1;
			}
			else {
				StreamLoadHarness.this.duplicated.incrementAndGet();
				return;
			}
			StreamLoadHarness.this.received.incrementAndGet();
			long published = seq < this.stamp.nanos.length() ? this.stamp.nanos.get((int) seq) : 0;
			if (published == 0) {
				StreamLoadHarness.this.unstamped.incrementAndGet();
				return;
			}
			long micros = Math.max(0, (now - published) / 1000);
			StreamLoadHarness.this.histogram.incrementAndGet((int) Math.min(BUCKETS, micros / BUCKET_MICROS));
		}

		@Override
		public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
			this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket ws, Throwable error) {
			this.closed.complete(-1);
		}

	}

	/**
	 * The trace event's own "seq" (not tcpSeq/relSeq, whose keys differ), or −1 for
	 * stream control messages.
	 */
	static long seqOf(String json) {
		int at = json.indexOf("\"seq\":");
		if (at < 0) {
			return -1;
		}
		long v = 0;
		for (int i = at + 6; i < json.length(); i++) {
			char c = json.charAt(i);
			if (c < '0' || c > '9') {
				break;
			}
			v = v * 10 + (c - '0');
		}
		return v;
	}

	void run(int viewerCount, int simulationCount, int seconds, int intervalMs, double speed, int clientCount,
			String out) throws Exception {
		ConfigurableApplicationContext ctx = SpringApplication.run(TcplabApplication.class, "--server.port=0",
				"--logging.level.root=WARN", "--spring.main.banner-mode=off",
				"--tcplab.max-simulations=" + Math.max(1000, simulationCount), "--tcplab.idle-ttl=PT1H",
				// one local client opens everything: lift the per-client
				// caps; small traces so the simulations fit the memory budget
				"--tcplab.max-trace-events=5000", "--tcplab.budget.max-simulations-per-client=1000000",
				"--tcplab.stream.max-viewers=1000000", "--tcplab.stream.max-viewers-per-client=1000000",
				"--tcplab.requests-per-second=1000000", "--tcplab.request-burst=1000000");
		int port = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
		SimulationRegistry registry = ctx.getBean(SimulationRegistry.class);
		TraceStreamer streamer = ctx.getBean(TraceStreamer.class);
		int capacity = 20_000;

		List<LiveSimulation> sims = new ArrayList<>();
		for (int i = 0; i < simulationCount; i++) {
			LiveSimulation live = registry.create("linux", SimulationConfig.of("linux", i, Map.of()),
					ClockMode.REALTIME, speed);
			Stamps s = new Stamps(capacity);
			live.subscribe(s, 0);
			this.stamps.put(live.id(), s);
			sims.add(live);
		}

		List<HttpClient> clients = new ArrayList<>();
		for (int i = 0; i < clientCount; i++) {
			clients.add(HttpClient.newBuilder().executor(Executors.newFixedThreadPool(1)).build());
		}
		List<Viewer> viewers = new ArrayList<>();
		long connectStart = System.nanoTime();
		List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
		for (int i = 0; i < viewerCount; i++) {
			LiveSimulation live = sims.get(i % simulationCount);
			Viewer v = new Viewer(live.id(), this.stamps.get(live.id()));
			viewers.add(v);
			pending.add(clients.get(i % clientCount)
				.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(30))
				.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/simulations/" + live.id() + "?since=0"), v)
				.thenApply(ws -> v.webSocket = ws));
			if (pending.size() >= 100) {
				CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				pending.clear();
			}
		}
		CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		long connected = viewers.stream().filter(v -> v.webSocket != null).count();
		double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
		System.out.printf("connected %d viewers to %d simulations in %.1f s (server sees %d)%n", connected,
				simulationCount, connectSeconds, streamer.viewerCount());

		// produce: every simulation opens a pair and closes
		// its previous one every intervalMs (staggered)
		ScheduledExecutorService producers = Executors.newScheduledThreadPool(1);
		Map<String, Integer> previous = new ConcurrentHashMap<>();
		for (int i = 0; i < sims.size(); i++) {
			LiveSimulation live = sims.get(i);
			long offset = (long) intervalMs * i / sims.size();
			producers.scheduleAtFixedRate(() -> {
				try {
					live.withLock(s -> {
						Integer prev = previous.get(live.id());
						if (prev != null) {
							s.engine().apply(prev, new PairEvent.Close(Side.CLIENT));
						}
						PairView p = s.engine().openPair(80, null, false, false);
						previous.put(live.id(), p.id());
						return null;
					});
				}
				catch (RuntimeException ex) {
					System.err.println("producer: " + ex);
				}
			}, offset, intervalMs, TimeUnit.MILLISECONDS);
		}
		// warm up one interval, then measure
		Thread.sleep(Math.max(2000, intervalMs));
		resetCounters();
		long publishedBefore = totalNextSeq(sims);
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean();
		long cpu0 = os.getProcessCpuTime();
		long t0 = System.nanoTime();
		Thread.sleep(seconds * 1000L);
		double cpuPercent = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0) * 100;
		double loadAverage = os.getSystemLoadAverage();
		long publishedDuring = totalNextSeq(sims) - publishedBefore;
		long receivedDuring = this.received.get();
		double elapsed = (System.nanoTime() - t0) / 1e9;
		long[] snapshotHistogram = new long[BUCKETS + 1];
		for (int i = 0; i <= BUCKETS; i++) {
			snapshotHistogram[i] = this.histogram.get(i);
		}

		// stop: no more producer calls, pause every clock, then every viewer must reach
		// its simulation's end
		producers.shutdownNow();
		producers.awaitTermination(5, TimeUnit.SECONDS);
		Map<String, Long> end = new HashMap<>();
		for (LiveSimulation live : sims) {
			end.put(live.id(), live.withLock(s -> {
				s.setPaused(true);
				return s.engine().nextSeq();
			}));
		}
		long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < drainDeadline
				&& viewers.stream().anyMatch(v -> v.expected < end.get(v.simulation) && !v.closed.isDone())) {
			Thread.sleep(100);
		}
		long missingAtEnd = 0;
		int closedEarly = 0;
		for (Viewer v : viewers) {
			missingAtEnd += Math.max(0, end.get(v.simulation) - v.expected);
			if (v.closed.isDone()) {
				closedEarly++;
			}
		}
		long lostTotal = this.lost.get() + missingAtEnd;
		double p50 = percentile(snapshotHistogram, 0.50);
		double p99 = percentile(snapshotHistogram, 0.99);
		double p999 = percentile(snapshotHistogram, 0.999);
		double max = maxOf(snapshotHistogram);
		String line = String
			.format("viewers=%d simulations=%d intervalMs=%d speed=%s seconds=%.0f published=%.0f/s delivered=%.0f/s "
					+ "p50=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms lost=%d duplicated=%d droppedViewers=%d closedEarly=%d "
					+ "processCpu=%.0f%% loadAvg=%.1f cores=%d", viewerCount, simulationCount, intervalMs, speed,
					elapsed, publishedDuring / elapsed, receivedDuring / elapsed, p50, p99, p999, max, lostTotal,
					this.duplicated.get(), streamer.droppedViewers(), closedEarly, cpuPercent, loadAverage,
					Runtime.getRuntime().availableProcessors());
		System.out.println("RESULT " + line);
		if (out != null) {
			Files.writeString(Path.of(out), line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
					java.nio.file.StandardOpenOption.APPEND);
		}
		for (Viewer v : viewers) {
			if (v.webSocket != null) {
				v.webSocket.abort();
			}
		}
		ctx.close();
	}

	private void resetCounters() {
		for (int i = 0; i <= BUCKETS; i++) {
			this.histogram.set(i, 0);
		}
		this.received.set(0);
	}

	private static long totalNextSeq(List<LiveSimulation> sims) {
		long total = 0;
		for (LiveSimulation live : sims) {
			total += live.withLock(s -> s.engine().nextSeq());
		}
		return total;
	}

	private static double percentile(long[] h, double q) {
		long total = 0;
		for (long c : h) {
			total += c;
		}
		if (total == 0) {
			return Double.NaN;
		}
		long rank = (long) Math.ceil(q * total);
		long seen = 0;
		for (int i = 0; i < h.length; i++) {
			seen += h[i];
			if (seen >= rank) {
				return (i + 1) * BUCKET_MICROS / 1000.0;
			}
		}
		return Double.NaN;
	}

	private static double maxOf(long[] h) {
		for (int i = h.length - 1; i >= 0; i--) {
			if (h[i] > 0) {
				return (i + 1) * BUCKET_MICROS / 1000.0;
			}
		}
		return Double.NaN;
	}

}
