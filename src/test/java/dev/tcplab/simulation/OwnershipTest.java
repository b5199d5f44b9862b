package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.tcplab.reliability.RawHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 20 in one instance: a visitor is never locked out by what they made and left, a
 * few addresses cannot fill the instance for a newcomer, a visitor lists and frees what
 * they own (and only that), a page that was left is deleted unless reloaded, and the 429s
 * that remain name what to do. Each test uses its own client addresses (127.0.0.x), so
 * the per-address shares do not mix.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=1000000", "tcplab.request-burst=1000000",
				"tcplab.budget.cpu-ms-per-second=1000000", "tcplab.budget.cpu-burst-ms=1000000",
				"tcplab.max-simulations=24", "tcplab.max-trace-events=20000",
				"tcplab.budget.max-simulations-per-client=6", "tcplab.ownership.release-check-interval=PT0.1S" })
class OwnershipTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	SimulationRegistry registry;

	@Autowired
	JournalTraces traces;

	/** A visitor: one client address, and the cookies its answers set. */
	final class Visitor {

		final RawHttp http;

		final String address;

		final Map<String, String> cookies = new HashMap<>();

		Visitor(String address) {
			this.address = address;
			this.http = new RawHttp(address, port);
		}

		RawHttp.Response send(String method, String path, String json) {
			Map<String, String> headers = new HashMap<>();
			if (!cookies.isEmpty()) {
				headers.put("Cookie", String.join("; ",
						cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
			}
			RawHttp.Response r = http.request(method, path, headers, "application/json",
					json == null ? null : json.getBytes(StandardCharsets.UTF_8));
			String set = r.header("set-cookie");
			if (set != null) {
				String pair = set.split(";", 2)[0];
				cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
			}
			return r;
		}

		JsonNode json(String method, String path, String body, int status) {
			RawHttp.Response r = send(method, path, body);
			assertThat(r.status()).as("%s %s from %s: %s", method, path, address, r.body()).isEqualTo(status);
			return r.body().isEmpty() ? null : JSON.readTree(r.body());
		}

		String create() {
			return json("POST", "/api/simulations", "{}", 201).get("id").asString();
		}

		List<String> mine() {
			List<String> ids = new ArrayList<>();
			json("GET", "/api/simulations?mine=true", null, 200).get("simulations")
				.forEach(s -> ids.add(s.get("id").asString()));
			return ids;
		}

	}

	// issue 20, finding 1: scenario and packetdrill runs one after the other never lock a
	// reader out; what they hold in memory stays within the address's share
	@Test
	void shouldNeverLockOutAReaderWhoRunsScenarioAfterScenario() {
		Visitor reader = new Visitor("127.0.0.11");
		List<String> names = new ArrayList<>();
		reader.json("GET", "/api/scenarios", null, 200).forEach(s -> names.add(s.get("name").asString()));
		List<String> runs = new ArrayList<>();
		for (String profile : List.of("linux", "bsd")) {
			for (String name : names) {
				runs.add(reader
					.json("POST", "/api/scenarios/" + name + "/runs", "{\"profile\":\"" + profile + "\"}", 201)
					.get("simulationId")
					.asString());
			}
		}
		for (int i = 0; i < 12; i++) {
			RawHttp.Response r = reader.http.request("POST", "/api/packetdrill/runs?profile=linux", Map.of(),
					"text/plain", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n".getBytes(StandardCharsets.UTF_8));
			assertThat(r.status()).as(r.body()).isEqualTo(200);
		}
		assertThat(registry.heldBy("127.0.0.11")).as("copies in memory").isLessThanOrEqualTo(6);
		// the first run left memory long ago and comes back from the journal
		assertThat(reader.json("GET", "/api/simulations/" + runs.get(0), null, 200).get("id").asString())
			.isEqualTo(runs.get(0));
		assertThat(reader.mine()).as("every run is listed as the reader's").containsAll(runs);
	}

	@Test
	void shouldListOnlyWhatWasMadeWithTheSameOwnerKey() {
		Visitor a = new Visitor("127.0.0.21");
		Visitor b = new Visitor("127.0.0.21");
		String mineA = a.create();
		RawHttp.Response issued = b.send("POST", "/api/simulations", "{}");
		assertThat(issued.header("set-cookie")).startsWith("tcplab_owner=")
			.contains("HttpOnly", "SameSite=Lax", "Path=/api");
		String mineB = JSON.readTree(issued.body()).get("id").asString();
		String run = a.json("POST", "/api/scenarios/lost-fin/runs", "{}", 201).get("simulationId").asString();
		assertThat(a.mine()).containsExactlyInAnyOrder(run, mineA);
		assertThat(b.mine()).containsExactly(mineB);
		Visitor nobody = new Visitor("127.0.0.21");
		assertThat(nobody.mine()).as("no key, nothing listed").isEmpty();
		RawHttp.Response all = nobody.send("GET", "/api/simulations", null);
		assertThat(all.status()).isEqualTo(400);
		assertThat(all.body()).contains("mine=true");
		JsonNode item = null;
		for (JsonNode s : a.json("GET", "/api/simulations?mine=true", null, 200).get("simulations")) {
			item = s.get("id").asString().equals(run) ? s : item;
		}
		assertThat(item.get("kind").asString()).isEqualTo("scenario");
		assertThat(item.get("label").asString()).isEqualTo("lost-fin");
		assertThat(item.get("durable").asBoolean()).isTrue();
		assertThat(item.get("kept").asBoolean()).isFalse();
		a.json("DELETE", "/api/simulations/" + run, null, 204);
		assertThat(a.mine()).containsExactly(mineA);
	}

	// issue 20, finding 3: a few addresses filling the instance do not keep a
	// newcomer out; the heaviest address gives up its least recently used copy
	@Test
	void shouldMakeRoomForANewcomerWhenAFewAddressesFilledTheInstance() {
		List<Visitor> heavy = List.of(new Visitor("127.0.0.31"), new Visitor("127.0.0.32"), new Visitor("127.0.0.33"),
				new Visitor("127.0.0.34"), new Visitor("127.0.0.35"));
		for (int round = 0; round < 6; round++) {
			for (Visitor v : heavy) {
				v.create();
			}
		}
		assertThat(registry.size()).isLessThanOrEqualTo(24);
		Visitor newcomer = new Visitor("127.0.0.39");
		String page = newcomer.create();
		newcomer.json("POST", "/api/simulations/" + page + "/pairs", "{}", 201);
		assertThat(registry.heldBy("127.0.0.39")).isEqualTo(1);
		assertThat(registry.size()).isLessThanOrEqualTo(24);
	}

	@Test
	void shouldKeepAKeptSimulationInMemoryWhileUnkeptOnesMakeRoom() {
		Visitor v = new Visitor("127.0.0.41");
		String kept = v.create();
		JsonNode item = v.json("POST", "/api/simulations/" + kept + "/keep", null, 200);
		assertThat(item.get("kept").asBoolean()).isTrue();
		for (int i = 0; i < 10; i++) {
			v.json("POST", "/api/scenarios/lost-fin/runs", "{}", 201);
		}
		assertThat(registry.held(kept)).as("the kept one is still in memory").isPresent();
		RawHttp.Response release = v.send("DELETE", "/api/simulations/" + kept + "?graceMs=1000", null);
		assertThat(release.status()).isEqualTo(409);
		assertThat(release.body()).contains("kept");
		RawHttp.Response document = v.send("GET", "/api/scenarios/lost-fin", null);
		RawHttp.Response run = v.http.request("POST", "/api/scenarios/runs", Map.of(), "application/json",
				document.body().getBytes(StandardCharsets.UTF_8));
		assertThat(run.status()).as(run.body()).isEqualTo(201);
		String authored = JSON.readTree(run.body()).get("simulationId").asString();
		// a submitted document's run is journaled with the document itself (one door,
		// issue 24), so it can be kept and shared like a built-in scenario's run
		RawHttp.Response keptRun = v.send("POST", "/api/simulations/" + authored + "/keep", null);
		assertThat(keptRun.status()).as(keptRun.body()).isEqualTo(200);
		assertThat(JSON.readTree(keptRun.body()).get("kept").asBoolean()).isTrue();
	}

	@Test
	void shouldDeleteAPageThatWasLeftUnlessItIsUsedAgainWithinTheGrace() throws Exception {
		Visitor v = new Visitor("127.0.0.51");
		String left = v.create();
		String reloaded = v.create();
		assertThat(v.send("DELETE", "/api/simulations/" + left + "?graceMs=300", null).status()).isEqualTo(202);
		assertThat(v.send("DELETE", "/api/simulations/" + reloaded + "?graceMs=1500", null).status()).isEqualTo(202);
		v.json("GET", "/api/simulations/" + reloaded, null, 200);
		// waiting without touching it (a GET is a use)
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (registry.held(left).isPresent() && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(v.send("GET", "/api/simulations/" + left, null).status()).as("deleted after its grace")
			.isEqualTo(404);
		Thread.sleep(2000);
		assertThat(v.send("GET", "/api/simulations/" + reloaded, null).status()).as("used again: kept").isEqualTo(200);
		assertThat(v.send("DELETE", "/api/simulations/" + reloaded + "?graceMs=600001", null).status()).isEqualTo(400);
	}

	// writing the recorded trace (every trace-flush-interval) is the server's own
	// housekeeping: a page left during it is still deleted after its grace
	@Test
	void shouldDeleteALeftPageEvenWhenItsRecordedTraceIsWrittenDuringTheGrace() throws Exception {
		Visitor v = new Visitor("127.0.0.53");
		String left = v.create();
		assertThat(v.send("DELETE", "/api/simulations/" + left + "?graceMs=1000", null).status()).isEqualTo(202);
		traces.flushAll();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (registry.held(left).isPresent() && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(v.send("GET", "/api/simulations/" + left, null).status()).as("deleted after its grace")
			.isEqualTo(404);
	}

	// the one per-address refusal left: every copy the address holds is in use (here: a
	// page shows each); the 429 says what to do, with the route
	@Test
	void shouldNameTheActionWhenEverySimulationOfAnAddressIsInUse() throws Exception {
		Visitor v = new Visitor("127.0.0.1");
		List<WebSocket> viewers = new ArrayList<>();
		HttpClient ws = HttpClient.newHttpClient();
		try {
			for (int i = 0; i < 6; i++) {
				String id = v.create();
				viewers.add(ws.newWebSocketBuilder()
					.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/simulations/" + id + "?since=0"),
							new WebSocket.Listener() {
							})
					.get(10, TimeUnit.SECONDS));
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (registry.all().stream().filter(s -> s.subscriberCount() > 0).count() < 6
					&& System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			RawHttp.Response full = v.send("POST", "/api/simulations", "{}");
			assertThat(full.status()).isEqualTo(429);
			assertThat(full.isProblemJson()).isTrue();
			JsonNode problem = JSON.readTree(full.body());
			assertThat(problem.get("limit").asString()).isEqualTo("maxSimulationsPerClient");
			assertThat(problem.get("action").asString()).contains("GET /api/simulations?mine=true",
					"DELETE /api/simulations/{id}");
			assertThat(full.header("retry-after")).isEqualTo("1");
			viewers.remove(0).sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
			deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			int status;
			while ((status = v.send("POST", "/api/simulations", "{}").status()) == 429
					&& System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertThat(status).as("a page closed: room again").isEqualTo(201);
		}
		finally {
			viewers.forEach(w -> w.abort());
		}
	}

}
