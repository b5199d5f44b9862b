package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcplab.TcplabApplication;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import dev.tcplab.testing.PacketdrillScripts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Issue 24, "one door": every kind of job that changes a simulation (REST pairs, events
 * and clock; built-in scenario runs; authors' documents; comparisons; packetdrill runs; a
 * replay job of the kind the capture package uses) is journaled so that, after a restart
 * (a new application on the same journal file), each simulation comes back with the same
 * trace, pcap and view, byte for byte. Before, a packetdrill run came back empty and
 * documents and comparison variants answered 404.
 */
class OneDoorRestartTest {

	/** A replay job as the capture package runs one: its own entry kind and replayer. */
	record TestReplayEntry(int pairs, int bytes) {
	}

	@Configuration(proxyBeanMethods = false)
	static class TestReplay {

		@Bean
		JournalReplayer testReplayer(SimulationJournal journal) {
			return new JournalReplayer() {

				@Override
				public String kind() {
					return "test-replay";
				}

				@Override
				public void replay(LiveSimulation simulation, String payload, JobBudget budget) {
					play(simulation, journal.fromJson(payload, TestReplayEntry.class), budget);
				}
			};
		}

		static String play(LiveSimulation s, TestReplayEntry e, JobBudget budget) {
			for (int i = 0; i < e.pairs(); i++) {
				budget.checkpoint();
				int pair = s.engine().openPairId(80, null, false, true);
				s.engine().apply(pair, new PairEvent.Send(Side.CLIENT, e.bytes()));
				budget.advance(s.engine(), 50);
				s.engine().apply(pair, new PairEvent.Close(Side.CLIENT));
			}
			budget.runUntilIdle(s.engine(), 600_000);
			return s.id();
		}

	}

	static ConfigurableApplicationContext start(Path data) {
		return new SpringApplicationBuilder(TcplabApplication.class, TestReplay.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN", "--spring.jmx.enabled=false",
				"--spring.datasource.url=jdbc:h2:file:" + data.resolve("tcplab") + ";WRITE_DELAY=0");
	}

	static HttpJson http(ConfigurableApplicationContext ctx) {
		return new HttpJson(Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port")),
				ctx.getBean(JsonMapper.class));
	}

	/** Trace (JSON as the API writes it), pcap and simulation view. */
	record Image(String trace, byte[] pcap, String view) {
	}

	static Image image(HttpJson http, String id) {
		Answer trace = http.get("/api/simulations/" + id + "/trace?since=0");
		assertThat(trace.status()).as("trace of %s: %s", id, trace.text()).isEqualTo(200);
		Answer pcap = http.get("/api/simulations/" + id + "/trace.pcap");
		Answer view = http.get("/api/simulations/" + id);
		return new Image(trace.text(), pcap.bytes(), view.text());
	}

	static String id(Answer a) {
		assertThat(a.status()).as(a.text().substring(0, Math.min(400, a.text().length()))).isBetween(200, 201);
		return a.json().get("simulationId").asString();
	}

	static final String DOCUMENT = """
			name: my-close
			title: {en: My close, ko: 나의 종료}
			summary: {en: The client closes first, ko: 클라이언트가 먼저 닫습니다}
			setup: {overrides: {timeWaitMs: 2000}}
			steps:
			  - title: {en: Connect, ko: 연결}
			    text: {en: "Both ends are connected, {n} times.", ko: "양쪽이 연결됩니다, {n}번."}
			    do: [open, {repeat: {max: 3, count: n, do: [{send: {side: client, bytes: 3000}}, settle]}}]
			  - title: {en: Close, ko: 닫기}
			    text: {en: The client closes., ko: 클라이언트가 닫습니다.}
			    do: [{close: client}, {advance: 15}, idle]
			""";

	/** The lab writes 3000 bytes, then the script closes first. */
	static final String SCRIPT = PacketdrillScripts.PASSIVE_OPEN + """
			+.01 write(4, ..., 3000) = 3000
			+.01 < . 1:1(0) ack 3001 win 65535
			""" + PacketdrillScripts.peerClosesFirst(3000);

	@Test
	void shouldRebuildEveryKindOfJobByteIdenticalAfterARestart(@TempDir Path data) throws Exception {
		Map<String, String> made = new LinkedHashMap<>();
		Map<String, Image> before = new LinkedHashMap<>();
		ConfigurableApplicationContext first = start(data);
		try {
			HttpJson http = http(first);
			// REST: create, pairs, events, clock
			Answer created = http.post("/api/simulations", "{\"profile\":\"bsd\",\"seed\":5,\"pinnedIsn\":true}");
			String rest = created.json().get("id").asString();
			http.post("/api/simulations/" + rest + "/pairs", "{}");
			http.post("/api/simulations/" + rest + "/pairs", "{\"clientPort\":40000}");
			http.post("/api/simulations/" + rest + "/pairs/1/events",
					"{\"type\":\"send\",\"side\":\"client\",\"bytes\":5000}");
			http.post("/api/simulations/" + rest + "/clock", "{\"advanceMs\":30}");
			http.post("/api/simulations/" + rest + "/pairs/2/events",
					"{\"type\":\"lose\",\"side\":\"server\",\"segment\":\"FIN\",\"count\":1}");
			http.post("/api/simulations/" + rest + "/pairs/2/events", "{\"type\":\"close\",\"side\":\"server\"}");
			http.post("/api/simulations/" + rest + "/clock", "{\"step\":true}");
			http.post("/api/simulations/" + rest + "/clock", "{\"runUntilIdle\":true,\"maxMs\":5000}");
			made.put("rest", rest);
			// built-in scenario runs, whole and up to a step
			made.put("scenario",
					id(http.post("/api/scenarios/lost-last-ack/runs", "{\"profile\":\"linux\",\"seed\":3}")));
			made.put("scenario-until",
					id(http.post("/api/scenarios/old-duplicate/runs", "{\"seed\":4,\"untilStep\":2}")));
			// an author's document (YAML)
			made.put("document", id(http.send("POST", "/api/scenarios/runs?profile=windows&seed=6", "application/yaml",
					DOCUMENT.getBytes(StandardCharsets.UTF_8))));
			// a comparison: a built-in with overrides, and a document as a variant
			Answer cmp = http.post("/api/comparisons",
					"{\"scenario\":\"old-duplicate\",\"variants\":[{\"label\":\"TIME_WAIT\",\"seed\":1},"
							+ "{\"label\":\"none\",\"seed\":1,\"overrides\":{\"timeWaitMs\":0}},"
							+ "{\"label\":\"own\",\"seed\":2,\"scenario\":"
							+ http.get("/api/scenarios/lost-fin").text().replace("\"lost-fin\"", "\"own-fin\"")
							+ "}]}");
			assertThat(cmp.status()).as(cmp.text().substring(0, Math.min(400, cmp.text().length()))).isEqualTo(200);
			int v = 0;
			for (JsonNode variant : cmp.json().get("variants")) {
				made.put("comparison-" + v++, variant.get("simulationId").asString());
			}
			// a packetdrill run
			made.put("packetdrill", id(http.send("POST", "/api/packetdrill/runs?profile=linux&seed=8", "text/plain",
					SCRIPT.getBytes(StandardCharsets.UTF_8))));
			// a replay job, as the capture package runs one
			SimulationService service = first.getBean(SimulationService.class);
			try (Job job = service.job(SimulationKind.REPLAY)) {
				TestReplayEntry entry = new TestReplayEntry(3, 2000);
				made.put("replay",
						job.run(new SimulationSpec("rfc9293", 9L, null, null, null, null, null, null, null, true, null),
								"test replay", "test-replay", entry, (s, budget) -> TestReplay.play(s, entry, budget)));
				job.commit();
			}
			for (var e : made.entrySet()) {
				Image image = image(http, e.getValue());
				assertThat(image.trace()).as(e.getKey()).contains("\"seq\":");
				before.put(e.getKey(), image);
			}
			List<String> kinds = made.values()
				.stream()
				.map(id -> http.get("/api/simulations/" + id + "/journal").json().get(1).get("kind").asString())
				.toList();
			System.out.println("one door: journal entry kinds " + kinds);
			assertThat(kinds).contains("pair", "scenario", "document", "packetdrill", "test-replay");
		}
		finally {
			first.close();
		}
		assertThat(Files.list(data).count()).isPositive();
		ConfigurableApplicationContext second = start(data);
		try {
			HttpJson http = http(second);
			for (var e : made.entrySet()) {
				Image after = image(http, e.getValue());
				Image was = before.get(e.getKey());
				assertThat(after.trace()).as("trace of " + e.getKey()).isEqualTo(was.trace());
				assertThat(after.pcap()).as("pcap of " + e.getKey()).isEqualTo(was.pcap());
				assertThat(after.view()).as("view of " + e.getKey()).isEqualTo(was.view());
			}
		}
		finally {
			second.close();
		}
	}

}
