package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.export.PcapWriterTest;
import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The REST journey of design.md against the real engine: create, pair, lose the last ACK,
 * clock, trace, pcap, limits.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=100000", "tcplab.request-burst=100000", "tcplab.max-pairs=3",
				"tcplab.max-advance-ms=600000", "tcplab.max-trace-events=40" })
class SimulationApiTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	SimulationService service;

	HttpJson http;

	@BeforeEach
	void client() {
		http = new HttpJson(port, json);
	}

	String create(String body) {
		Answer a = http.post("/api/simulations", body);
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		return a.json().get("id").asString();
	}

	Answer event(String id, int pair, String body) {
		return http.post("/api/simulations/" + id + "/pairs/" + pair + "/events", body);
	}

	@Test
	void shouldCreateAPairLoseTheLastAckAndReadTheTrace() {
		Answer created = http.post("/api/simulations", "{\"profile\":\"linux\",\"seed\":42}");
		assertThat(created.status()).isEqualTo(201);
		JsonNode sim = created.json();
		String id = sim.get("id").asString();
		assertThat(id).matches("[0-9a-f-]{36}");
		assertThat(created.raw().headers().firstValue("Location")).hasValue("/api/simulations/" + id);
		assertThat(sim.get("seed").asLong()).isEqualTo(42);
		assertThat(sim.get("constants").get("timeWaitMs").asLong()).isEqualTo(60000);
		assertThat(sim.get("pairs").size()).isZero();

		Answer pair = http.post("/api/simulations/" + id + "/pairs", "{}");
		assertThat(pair.status()).isEqualTo(201);
		assertThat(pair.json().get("client").get("state").asString()).isEqualTo("ESTABLISHED");
		assertThat(pair.json().get("server").get("state").asString()).isEqualTo("ESTABLISHED");
		assertThat(pair.json().get("listener").get("state").asString()).isEqualTo("LISTEN");
		int p = pair.json().get("id").asInt();

		assertThat(event(id, p, "{\"type\":\"close\",\"side\":\"client\"}").json().get("result").asInt()).isZero();
		assertThat(http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":100}").status()).isEqualTo(200);
		assertThat(event(id, p, "{\"type\":\"recv\",\"side\":\"server\"}").json().get("result").asInt()).isZero();
		Answer lose = event(id, p, "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\",\"count\":1}");
		assertThat(lose.status()).isEqualTo(200);
		assertThat(lose.json().get("result").asString()).isEqualTo("ok");
		event(id, p, "{\"type\":\"close\",\"side\":\"server\"}");
		Answer clock = http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":1000}");
		assertThat(clock.json().get("nowMs").asDouble()).isGreaterThan(1000);
		List<String> seen = new ArrayList<>();
		clock.json().get("trace").forEach(e -> {
			if (e.get("type").asString().equals("segment") && e.get("event").asString().equals("dropped")) {
				seen.add("dropped " + e.get("flags"));
			}
			if (e.get("type").asString().equals("segment") && e.get("retransmission").asBoolean()) {
				seen.add("retransmitted " + e.get("flags"));
			}
		});
		assertThat(seen).contains("dropped [\"ACK\"]", "retransmitted [\"FIN\",\"ACK\"]");
		JsonNode view = http.get("/api/simulations/" + id).json();
		assertThat(view.get("pairs").get(0).get("client").get("state").asString()).isEqualTo("TIME_WAIT");
		assertThat(view.get("pairs").get(0).get("server").get("state").asString()).isEqualTo("CLOSED");

		// a call the state forbids is 200 with the errno
		Answer send = event(id, p, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":10}");
		assertThat(send.status()).isEqualTo(200);
		assertThat(send.json().get("result").asString()).startsWith("E");

		JsonNode trace = http.get("/api/simulations/" + id + "/trace?since=0").json();
		assertThat(trace.get("nextSeq").asLong())
			.isEqualTo(http.get("/api/simulations/" + id).json().get("nextSeq").asLong())
			.isEqualTo(trace.get("oldestSeq").asLong() + trace.get("events").size());
		JsonNode tail = http.get("/api/simulations/" + id + "/trace?since=" + (trace.get("nextSeq").asLong() - 2))
			.json();
		assertThat(tail.get("events").size()).isEqualTo(2);
		JsonNode limited = http
			.get("/api/simulations/" + id + "/trace?since=" + trace.get("oldestSeq").asLong() + "&limit=3")
			.json();
		assertThat(limited.get("events").size()).isEqualTo(3);
		assertThat(limited.get("nextSeq").asLong()).isEqualTo(trace.get("oldestSeq").asLong() + 3);

		assertThat(http.delete("/api/simulations/" + id).status()).isEqualTo(204);
		assertThat(http.get("/api/simulations/" + id).status()).isEqualTo(404);
	}

	@Test
	void shouldSayTruncatedForACompactedTrace() {
		String id = create("{\"seed\":1}");
		http.post("/api/simulations/" + id + "/pairs", null);
		http.post("/api/simulations/" + id + "/pairs", null);
		http.post("/api/simulations/" + id + "/pairs", null);
		JsonNode t = http.get("/api/simulations/" + id + "/trace?since=0").json();
		assertThat(t.get("oldestSeq").asLong()).as("max-trace-events=40 compacts").isPositive();
		assertThat(t.get("truncated").asBoolean()).isTrue();
		assertThat(t.get("events").get(0).get("seq").asLong()).isEqualTo(t.get("oldestSeq").asLong());
		JsonNode fresh = http.get("/api/simulations/" + id + "/trace?since=" + t.get("oldestSeq").asLong()).json();
		assertThat(fresh.has("truncated")).isFalse();
	}

	@Test
	void shouldAnswer409ForAPinnedPortInTimeWaitAnd429AtThePairLimit() {
		String id = create("{\"seed\":3}");
		assertThat(http.post("/api/simulations/" + id + "/pairs", "{\"clientPort\":1500,\"serverPort\":23}").status())
			.isEqualTo(201);
		event(id, 1, "{\"type\":\"close\",\"side\":\"client\"}");
		http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":100}");
		event(id, 1, "{\"type\":\"close\",\"side\":\"server\"}");
		http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":100}");
		Answer again = http.post("/api/simulations/" + id + "/pairs", "{\"clientPort\":1500,\"serverPort\":23}");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.contentType()).startsWith("application/problem+json");
		assertThat(again.json().get("errno").asString()).isEqualTo("EADDRINUSE");
		// the refused bind() is a traced call all the same (issue 14)
		JsonNode last = null;
		for (JsonNode e : http.get("/api/simulations/" + id + "/trace?since=0").json().get("events")) {
			last = e;
		}
		assertThat(last.get("type").asString()).isEqualTo("call");
		assertThat(last.get("call").asString()).isEqualTo("bind");
		assertThat(last.get("result").asString()).isEqualTo("EADDRINUSE");
		assertThat(http.post("/api/simulations/" + id + "/pairs", "{\"clientPort\":1501,\"serverPort\":23}").status())
			.isEqualTo(201);
		assertThat(http.post("/api/simulations/" + id + "/pairs", null).status()).isEqualTo(201);
		Answer full = http.post("/api/simulations/" + id + "/pairs", null);
		assertThat(full.status()).isEqualTo(429);
		assertThat(full.json().get("limit").asString()).isEqualTo("maxPairs");
		assertThat(event(id, 99, "{\"type\":\"close\",\"side\":\"client\"}").status()).isEqualTo(404);
	}

	@Test
	void shouldTakeEveryClockFormAndCapTheAdvance() {
		String id = create("{\"seed\":4}");
		http.post("/api/simulations/" + id + "/pairs", null);
		event(id, 1, "{\"type\":\"close\",\"side\":\"client\"}");
		Answer step = http.post("/api/simulations/" + id + "/clock", "{\"step\":true}");
		assertThat(step.status()).isEqualTo(200);
		assertThat(step.json().get("trace").size()).isPositive();
		Answer tooFar = http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":600001}");
		assertThat(tooFar.status()).isEqualTo(400);
		assertThat(tooFar.json().get("detail").asString()).contains("600000");
		Answer idle = http.post("/api/simulations/" + id + "/clock", "{\"runUntilIdle\":true}");
		assertThat(idle.status()).isEqualTo(200);
		assertThat(idle.json().get("result").asString()).isIn("idle", "limit");
		Answer paused = http.post("/api/simulations/" + id + "/clock",
				"{\"clock\":\"realtime\",\"paused\":true,\"speed\":2}");
		assertThat(paused.json().get("clock").asString()).isEqualTo("realtime");
		assertThat(paused.json().get("paused").asBoolean()).isTrue();
		assertThat(paused.json().get("speed").asDouble()).isEqualTo(2.0);
	}

	@Test
	void shouldAnswer400ForAnUnknownProfileOrOverride() {
		Answer a = http.post("/api/simulations", "{\"profile\":\"solaris\"}");
		assertThat(a.status()).isEqualTo(400);
		assertThat(a.json().get("detail").asString()).contains("solaris");
		Answer b = http.post("/api/simulations", "{\"overrides\":{\"timeWaitSeconds\":1}}");
		assertThat(b.status()).isEqualTo(400);
		assertThat(b.json().get("detail").asString()).contains("timeWaitSeconds");
		Answer c = http.post("/api/simulations", "{\"overrides\":{\"timeWaitMs\":-5}}");
		assertThat(c.status()).isEqualTo(400);
		Answer d = http.post("/api/simulations", "{\"overrides\":{\"timeWaitMs\":0},\"profile\":\"rfc9293\"}");
		assertThat(d.status()).isEqualTo(201);
		assertThat(d.json().get("constants").get("timeWaitMs").asLong()).isZero();
		assertThat(d.json().get("constants").get("mslMs").asLong()).isEqualTo(120000);
	}

	@Test
	void shouldExportAPcapOfARealCloseThatMatchesTheTrace(@TempDir Path dir) throws Exception {
		String id = create("{\"seed\":8}");
		http.post("/api/simulations/" + id + "/pairs", null);
		event(id, 1, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":3000}");
		event(id, 1, "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\"}");
		event(id, 1, "{\"type\":\"close\",\"side\":\"client\"}");
		http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":100}");
		event(id, 1, "{\"type\":\"close\",\"side\":\"server\"}");
		http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":2000}");
		Answer pcap = http.get("/api/simulations/" + id + "/trace.pcap");
		assertThat(pcap.status()).isEqualTo(200);
		assertThat(pcap.contentType()).isEqualTo("application/vnd.tcpdump.pcap");
		List<TraceEvent> events = service.allEvents(id);
		assertThat(pcap.bytes()).isEqualTo(dev.tcplab.export.PcapWriter.write(events));
		PcapWriterTest.assertTsharkAgrees(events, dir);
	}

	@Test
	void shouldServeHealthOpenApiAndSwaggerUi() {
		Answer health = http.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().get("status").asString()).isEqualTo("UP");
		Answer docs = http.get("/v3/api-docs");
		assertThat(docs.status()).isEqualTo(200);
		JsonNode paths = docs.json().get("paths");
		for (String path : List.of("/api/simulations", "/api/simulations/{id}", "/api/simulations/{id}/pairs",
				"/api/simulations/{id}/pairs/{pairId}/events", "/api/simulations/{id}/clock",
				"/api/simulations/{id}/trace", "/api/simulations/{id}/trace.pcap", "/api/scenarios",
				"/api/scenarios/{name}/runs")) {
			assertThat(paths.has(path)).as(path).isTrue();
		}
		assertThat(paths.get("/api/simulations").get("post").get("summary").asString()).isNotBlank();
		JsonNode schemas = docs.json().get("components").get("schemas");
		assertThat(schemas.get("PairEventRequest").get("example")).isNotNull();
		// every event type is its own documented schema, selected by "type"
		JsonNode mapping = schemas.get("PairEventRequest").get("discriminator").get("mapping");
		assertThat(mapping.propertyNames()).containsExactlyElementsOf(PairEventRequest.TYPES);
		assertThat(schemas.get("DelayEvent").get("description").asString()).contains("Delay");
		assertThat(schemas.get("DelayEvent").get("required").values()).extracting(JsonNode::asString)
			.contains("side", "segment", "ms");
		Answer ui = http.get("/swagger-ui.html");
		assertThat(ui.status()).isIn(200, 302);
		Answer index = http.get("/swagger-ui/index.html");
		assertThat(index.status()).isEqualTo(200);
		assertThat(index.text()).contains("swagger");
	}

}
