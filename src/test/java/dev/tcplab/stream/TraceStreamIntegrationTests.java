package dev.tcplab.stream;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.TraceLevel;
import dev.tcplab.simulation.ClockMode;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live stream end to end: a real server on a random port, real WebSocket clients,
 * simulations driven through the registry from several threads and by the realtime clock.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.stream.buffer-size-limit=262144", "tcplab.stream.send-time-limit=PT3S",
				"tcplab.stream.heartbeat-interval=PT1S",
				// fifty viewers from one test client
				"tcplab.stream.max-viewers-per-client=100" })
class TraceStreamIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	SimulationRegistry registry;

	@Autowired
	TraceStreamer streamer;

	private final List<StreamTestClient> clients = new ArrayList<>();

	private final List<String> simulations = new ArrayList<>();

	@AfterEach
	void cleanUp() {
		this.clients.forEach(StreamTestClient::abort);
		for (String id : this.simulations) {
			this.registry.find(id).ifPresent(s -> this.registry.delete(id));
		}
	}

	@Test
	void shouldStartWithSnapshotThenDeliverEveryEventOnceInOrderWhileThreadsAndRealtimeClockProduce() throws Exception {
		LiveSimulation live = create(ClockMode.REALTIME, 5.0);
		lifecycles(live, 2, 80);
		StreamTestClient viewer = connect(live.id(), null);

		JsonNode snapshot = viewer.await(m -> m.path("type").asString().equals("snapshot"), WAIT);
		assertThat(viewer.messages().get(0).path("type").asString()).isEqualTo("snapshot");
		assertThat(snapshot.path("simulation").path("id").asString()).isEqualTo(live.id());
		assertThat(snapshot.path("simulation").path("clock").asString()).isEqualTo("realtime");
		assertThat(snapshot.path("simulation").path("pairs").size()).isEqualTo(2);
		assertThat(snapshot.path("simulation").path("constants").path("timeWaitMs").asLong()).isEqualTo(60_000);
		assertThat(snapshot.path("simulation").path("traceLevel").asString()).isEqualTo("full");
		assertThat(snapshot.path("simulation").path("pairs").get(0).path("client").path("state").asString())
			.isNotEmpty();
		assertThat(snapshot.path("since").asLong()).isZero();

		produceConcurrently(live, 3, 15);
		long end = pause(live);
		viewer.awaitSeq(end - 1, WAIT);

		assertThat(viewer.eventSeqs()).containsExactlyElementsOf(LongStream.range(0, end).boxed().toList());
		assertThat(viewer.ofType("state")).isNotEmpty();
		assertThat(viewer.ofType("segment")).isNotEmpty();
		assertThat(viewer.ofType("clock")).as("realtime clock ticks").isNotEmpty();
		JsonNode last = viewer.await(m -> m.path("type").asString().equals("clock") && m.path("paused").asBoolean(),
				WAIT);
		assertThat(last.path("speed").asDouble()).isEqualTo(5.0);
	}

	@Test
	void shouldResumeAfterDisconnectWithoutGapOrDuplicate() throws Exception {
		LiveSimulation live = create(ClockMode.MANUAL, 1.0);
		StreamTestClient first = connect(live.id(), null);
		lifecycles(live, 3, 80);
		long mid = nextSeq(live);
		first.awaitSeq(mid - 1, WAIT);
		first.abort();
		List<Long> before = first.eventSeqs();
		long resumeFrom = before.get(before.size() - 1) + 1;

		lifecycles(live, 3, 81);
		StreamTestClient second = connect(live.id(), resumeFrom);
		lifecycles(live, 2, 82);
		long end = nextSeq(live);
		second.awaitSeq(end - 1, WAIT);

		JsonNode snapshot = second.messages().get(0);
		assertThat(snapshot.path("type").asString()).isEqualTo("snapshot");
		assertThat(snapshot.path("since").asLong()).isEqualTo(resumeFrom);
		List<Long> all = new ArrayList<>(before);
		all.addAll(second.eventSeqs());
		assertThat(all).containsExactlyElementsOf(LongStream.range(0, end).boxed().toList());
	}

	@Test
	void shouldGiveFiftyViewersOfOneSimulationIdenticalSequences() throws Exception {
		LiveSimulation live = create(ClockMode.REALTIME, 10.0);
		List<StreamTestClient> viewers = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			viewers.add(connect(live.id(), 0L));
			if (i == 25) {
				lifecycles(live, 2, 80);
			}
		}
		produceConcurrently(live, 2, 10);
		long end = pause(live);
		for (StreamTestClient v : viewers) {
			v.awaitSeq(end - 1, WAIT);
		}
		List<String> reference = viewers.get(0).eventTexts();
		assertThat(reference).hasSize((int) end);
		for (StreamTestClient v : viewers) {
			assertThat(v.eventTexts()).isEqualTo(reference);
		}
		assertThat(reference.get(0)).contains("\"type\":").contains("\"seq\":0");
	}

	@Test
	void shouldDropAViewerThatStopsReadingWhileAnotherReceivesEverything() throws Exception {
		LiveSimulation live = create(ClockMode.MANUAL, 1.0);
		long droppedBefore = this.streamer.droppedViewers();
		StreamTestClient healthy = connect(live.id(), 0L);
		try (StalledViewer stalled = new StalledViewer(this.port, "/ws/simulations/" + live.id() + "?since=0")) {
			awaitSubscribers(live, 2);
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (this.streamer.droppedViewers() == droppedBefore && System.nanoTime() < deadline) {
				// a steady stream the healthy viewer keeps up with, while the stalled
				// one's backlog grows
				lifecycles(live, 5, 80);
				Thread.sleep(10);
			}
			assertThat(this.streamer.droppedViewers()).as("slow viewer dropped").isEqualTo(droppedBefore + 1);
			// the stalled viewer wakes up: it finds what was written before the drop,
			// then the 4008 close
			java.util.concurrent.CompletableFuture<List<StalledViewer.Frame>> wakeUp = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> {
					try {
						return stalled.readAll();
					}
					catch (java.io.IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				});
			assertThat(subscribers(live)).isEqualTo(1);
			lifecycles(live, 5, 80);
			long end = nextSeq(live);
			healthy.awaitSeq(end - 1, WAIT);
			assertThat(healthy.eventSeqs()).containsExactlyElementsOf(LongStream.range(0, end).boxed().toList());

			List<StalledViewer.Frame> frames = wakeUp.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			StalledViewer.Frame close = frames.get(frames.size() - 1);
			assertThat(close.opcode())
				.as("close frame after %d frames; reading ended by %s", frames.size(), stalled.ending)
				.isEqualTo(8);
			assertThat(close.closeCode()).isEqualTo(Viewer.TOO_SLOW);
			assertThat(close.closeReason()).startsWith("too slow, resume with since=");
			long resume = Long.parseLong(close.closeReason().substring("too slow, resume with since=".length()));
			List<Long> got = StalledViewer.texts(frames)
				.stream()
				.map(StreamTestClient.JSON::readTree)
				.filter(m -> m.has("seq"))
				.map(m -> m.get("seq").asLong())
				.toList();
			assertThat(got).containsExactlyElementsOf(LongStream.range(0, got.size()).boxed().toList());
			assertThat(resume).isLessThanOrEqualTo(got.size());

			// and resumes from its own last seq + 1 without a gap
			StreamTestClient resumed = connect(live.id(), (long) got.size());
			resumed.awaitSeq(end - 1, WAIT);
			List<Long> all = new ArrayList<>(got);
			all.addAll(resumed.eventSeqs());
			assertThat(all).containsExactlyElementsOf(LongStream.range(0, end).boxed().toList());
		}
	}

	@Test
	void shouldRefuseHandshakeForUnknownSimulationWith404AndMalformedSinceWith400() {
		assertThatThrownBy(() -> StreamTestClient.connect(this.port, "no-such-simulation", null))
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					ex -> assertThat(ex.getResponse().statusCode()).isEqualTo(404));
		LiveSimulation live = create(ClockMode.MANUAL, 1.0);
		assertThatThrownBy(() -> StreamTestClient.connect(this.port, live.id() + "?since=abc", null)).cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					ex -> assertThat(ex.getResponse().statusCode()).isEqualTo(400));
	}

	@Test
	void shouldSendClosedAndCloseWhenTheSimulationIsDeleted() throws Exception {
		LiveSimulation live = create(ClockMode.MANUAL, 1.0);
		StreamTestClient viewer = connect(live.id(), null);
		lifecycles(live, 1, 80);
		long end = nextSeq(live);
		viewer.awaitSeq(end - 1, WAIT);
		this.registry.delete(live.id());

		StreamTestClient.Close close = viewer.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(close.code()).isEqualTo(1000);
		List<JsonNode> messages = viewer.messages();
		JsonNode lastMessage = messages.get(messages.size() - 1);
		assertThat(lastMessage.path("type").asString()).isEqualTo("closed");
		assertThat(lastMessage.path("reason").asString()).isEqualTo("deleted");
	}

	@Test
	void shouldReportTruncatedHistoryAndContinueFromOldestKeptEvent() throws Exception {
		SimulationConfig config = SimulationConfig.of("linux", 7, Map.of()).withTraceLevel(TraceLevel.FULL, 40);
		LiveSimulation live = this.registry.create("linux", config, ClockMode.MANUAL, 1.0);
		this.simulations.add(live.id());
		lifecycles(live, 4, 80);
		long end = nextSeq(live);
		long oldest = live.withLock(s -> s.engine().oldestSeq());
		assertThat(oldest).isPositive();

		StreamTestClient viewer = connect(live.id(), 0L);
		viewer.awaitSeq(end - 1, WAIT);
		List<JsonNode> messages = viewer.messages();
		assertThat(messages.get(0).path("type").asString()).isEqualTo("snapshot");
		assertThat(messages.get(1).path("type").asString()).isEqualTo("error");
		assertThat(messages.get(1).path("code").asString()).isEqualTo("HISTORY_TRUNCATED");
		assertThat(messages.get(1).path("oldestSeq").asLong()).isEqualTo(oldest);
		assertThat(viewer.eventSeqs()).containsExactlyElementsOf(LongStream.range(oldest, end).boxed().toList());
	}

	@Test
	void shouldSendHeartbeatsWhenIdle() throws Exception {
		LiveSimulation live = create(ClockMode.MANUAL, 1.0);
		StreamTestClient viewer = connect(live.id(), null);
		JsonNode heartbeat = viewer.await(m -> m.path("type").asString().equals("heartbeat"), Duration.ofSeconds(5));
		assertThat(heartbeat.size()).isEqualTo(1);
	}

	// ---- fixtures ----

	private LiveSimulation create(ClockMode clock, double speed) {
		LiveSimulation live = this.registry.create("linux", SimulationConfig.of("linux", 42, Map.of()), clock, speed);
		this.simulations.add(live.id());
		return live;
	}

	private StreamTestClient connect(String id, Long since) {
		StreamTestClient client = StreamTestClient.connect(this.port, id, since);
		this.clients.add(client);
		return client;
	}

	/**
	 * Opens, closes and runs out n pairs on a server port (each a full teardown with
	 * TIME_WAIT).
	 */
	private static void lifecycles(LiveSimulation live, int n, int serverPort) {
		for (int i = 0; i < n; i++) {
			live.withLock(s -> {
				PairView pair = s.engine().openPair(serverPort, null, false, true);
				s.engine().apply(pair.id(), new PairEvent.Close(Side.CLIENT));
				if (s.clock() == ClockMode.MANUAL) {
					s.engine().advance(100);
				}
				s.engine().apply(pair.id(), new PairEvent.Close(Side.SERVER));
				if (s.clock() == ClockMode.MANUAL) {
					s.engine().advance(100);
				}
				return null;
			});
		}
	}

	/**
	 * Several threads open and close pairs through withLock while the realtime runner
	 * advances the clock.
	 */
	private static void produceConcurrently(LiveSimulation live, int threads, int perThread)
			throws InterruptedException {
		CountDownLatch done = new CountDownLatch(threads);
		AtomicBoolean failed = new AtomicBoolean();
		for (int t = 0; t < threads; t++) {
			int serverPort = 8000 + t;
			Thread thread = new Thread(() -> {
				try {
					for (int i = 0; i < perThread; i++) {
						lifecycles(live, 1, serverPort);
						Thread.sleep(15);
					}
				}
				catch (InterruptedException | RuntimeException ex) {
					failed.set(true);
				}
				finally {
					done.countDown();
				}
			});
			thread.start();
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(failed).isFalse();
	}

	/**
	 * Pauses the realtime clock; returns the trace end (no event is produced afterwards).
	 */
	private static long pause(LiveSimulation live) {
		return live.withLock(s -> {
			s.setPaused(true);
			return s.engine().nextSeq();
		});
	}

	private static long nextSeq(LiveSimulation live) {
		return live.withLock(s -> s.engine().nextSeq());
	}

	private static int subscribers(LiveSimulation live) {
		return live.subscriberCount();
	}

	private static void awaitSubscribers(LiveSimulation live, int n) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (live.subscriberCount() < n && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(live.subscriberCount()).isEqualTo(n);
	}

}
