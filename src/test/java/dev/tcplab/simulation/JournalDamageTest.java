package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.TcplabApplication;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 27 finding 5: a damaged H2 journal file. For each damage the issue lists, the
 * instance starts, serves every simulation it could read (200) and answers the rest with
 * 410 or 404, never 500 or a 503 "retryable" that stays; the {@code journal} health
 * component says DAMAGED with what was found; the retention cleanup runs; a new
 * simulation can be created. A zero-length file after data existed is reported as such.
 */
class JournalDamageTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final HttpClient http = HttpClient.newHttpClient();

	static final int SIMULATIONS = 40;

	@TempDir
	Path dir;

	ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(TcplabApplication.class).run("--server.port=0",
				"--spring.datasource.url=jdbc:h2:file:" + dir.resolve("tcplab") + ";WRITE_DELAY=0",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--tcplab.budget.max-simulations-per-client=1000", "--logging.level.dev.tcplab.simulation=OFF");
	}

	/** 40 simulations with a pair and two events each; their ids. */
	List<String> journalSome() {
		List<String> ids = new ArrayList<>();
		try (ConfigurableApplicationContext ctx = start()) {
			SimulationService service = ctx.getBean(SimulationService.class);
			for (int i = 0; i < SIMULATIONS; i++) {
				String id = service
					.create(new SimulationSpec("linux", (long) i, null, null, null, null, null, null, null, null, null))
					.id();
				service.openPair(id, 80, null, false, true);
				service.apply(id, 1, new PairEvent.Close(Side.CLIENT));
				service.clock(id, new SimulationService.ClockCommand(null, null, null,
						new SimulationService.ClockAction.Advance(50)));
				ids.add(id);
				this.recordedNowMs = service.snapshot(id).view().nowMs();
			}
		}
		return ids;
	}

	/** The virtual time of the simulations journaled, when the journal was whole. */
	double recordedNowMs;

	Path file() {
		return dir.resolve("tcplab.mv.db");
	}

	record Outcome(Map<Integer, Integer> statuses, JsonNode journalHealth, String createdId, List<JsonNode> served) {
	}

	/** Starts on the damaged file and asks for every simulation over HTTP. */
	Outcome restart(List<String> ids) throws Exception {
		try (ConfigurableApplicationContext ctx = start()) {
			int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
			String base = "http://127.0.0.1:" + port;
			Map<Integer, Integer> statuses = new TreeMap<>();
			List<JsonNode> served = new ArrayList<>();
			for (String id : ids) {
				HttpResponse<String> r = http.send(
						HttpRequest.newBuilder(URI.create(base + "/api/simulations/" + id)).build(),
						HttpResponse.BodyHandlers.ofString());
				statuses.merge(r.statusCode(), 1, Integer::sum);
				if (r.statusCode() == 200) {
					served.add(JSON.readTree(r.body()));
				}
				if (r.statusCode() == 410) {
					assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
					assertThat(JSON.readTree(r.body()).get("detail").asString()).contains("damaged");
				}
			}
			// the cleanup keeps working (nothing is
			// old enough here, but it must not fail)
			ctx.getBean(SimulationJournal.class).deleteExpired();
			HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/simulations"))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"seed\":1}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			JsonNode health = JSON
				.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString())
					.body());
			HttpResponse<String> liveness = http.send(
					HttpRequest.newBuilder(URI.create(base + "/actuator/health/liveness")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(liveness.statusCode()).isEqualTo(200);
			return new Outcome(statuses, health.at("/components/journal"),
					JSON.readTree(created.body()).get("id").asString(), served);
		}
	}

	void damage(Consumer<RandomAccessFile> how) throws IOException {
		try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
			how.accept(f);
		}
	}

	static byte[] garbage(int n) {
		byte[] b = new byte[n];
		new Random(n).nextBytes(b);
		return b;
	}

	/**
	 * A damage H2 cannot open: everything journaled before answers 410 and it is
	 * reported.
	 */
	Outcome shouldStartEmptyAndReport(Consumer<RandomAccessFile> how) throws Exception {
		Outcome o = shouldStartAndReport(how);
		assertThat(o.statuses()).containsOnlyKeys(410);
		assertThat(o.journalHealth().get("status").asString()).isEqualTo("DAMAGED");
		assertThat(o.journalHealth().at("/details/file").asString()).contains("moved to");
		return o;
	}

	Outcome shouldStartAndReport(Consumer<RandomAccessFile> how) throws Exception {
		List<String> ids = journalSome();
		damage(how);
		Outcome o = restart(ids);
		System.out.println("journal damage: " + o.statuses() + " " + o.journalHealth());
		assertThat(o.statuses().keySet()).as("every simulation answers 200 or 410").isSubsetOf(200, 410);
		if (o.statuses().containsKey(410)) {
			assertThat(o.journalHealth().get("status").asString()).isEqualTo("DAMAGED");
		}
		return o;
	}

	// where the garbage lands decides what is lost: every simulation answers 200 or 410
	// (never 503 or 500), and what answers 410 is reported
	@Test
	void shouldServeWhatItCanReadWithFourKilobytesOfGarbageMidFile() throws Exception {
		Outcome o = shouldStartAndReport(f -> write(f, garbage(4096), len(f) / 2));
		assertThat(o.statuses().getOrDefault(200, 0)).as("simulations still served").isPositive();
	}

	@Test
	void shouldServeWhatItCanReadWithFourKilobytesOfGarbageNearTheEnd() throws Exception {
		shouldStartAndReport(f -> write(f, garbage(4096), Math.max(0, len(f) - 3 * 4096)));
	}

	@Test
	void shouldStartOnAFileTruncatedToHalf() throws Exception {
		// H2 either cannot open it (moved aside), rolls back to an older version (the
		// marker shows it), or finds every chunk in the first half (the file had room
		// at its end): what is gone answers 410 and is reported, and what is served is
		// whole, never an older state of the simulation
		Outcome o = shouldStartAndReport(f -> {
			try {
				f.setLength(f.length() / 2);
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		});
		if (o.statuses().containsKey(410)) {
			assertThat(o.journalHealth().get("status").asString()).isEqualTo("DAMAGED");
		}
		assertThat(o.served()).as("served simulations carry every recorded event").allSatisfy(view -> {
			assertThat(view.get("nowMs").asDouble()).isEqualTo(this.recordedNowMs);
			assertThat(view.get("pairs")).hasSize(1);
		});
	}

	@Test
	void shouldStartOnAZeroedHeader() throws Exception {
		shouldStartEmptyAndReport(f -> write(f, new byte[8192], 0));
	}

	@Test
	void shouldStartOnOneMegabyteOfGarbage() throws Exception {
		shouldStartEmptyAndReport(f -> write(f, garbage(1 << 20), 0));
	}

	@Test
	void shouldReportAZeroLengthFileAfterDataExisted() throws Exception {
		Outcome o = shouldStartAndReport(f -> {
			try {
				f.setLength(0);
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		});
		assertThat(o.journalHealth().at("/details/file").asString()).contains("is empty", "they are lost");
		assertThat(o.statuses()).containsOnlyKeys(410);
	}

	@Test
	void shouldReportAMissingFileAfterDataExisted() throws Exception {
		List<String> ids = journalSome();
		Files.delete(file());
		Outcome o = restart(ids);
		assertThat(o.journalHealth().get("status").asString()).isEqualTo("DAMAGED");
		assertThat(o.journalHealth().at("/details/file").asString()).contains("is missing", "they are lost");
	}

	@Test
	void shouldStaySilentOnASoundFile() throws Exception {
		List<String> ids = journalSome();
		Outcome o = restart(ids);
		assertThat(o.statuses()).containsOnlyKeys(200);
		assertThat(o.journalHealth().get("status").asString()).isEqualTo("UP");
	}

	static long len(RandomAccessFile f) {
		try {
			return f.length();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static void write(RandomAccessFile f, byte[] bytes, long at) {
		try {
			f.seek(at);
			f.write(bytes);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
