package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.engine.TraceEvent;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 24, one vocabulary: the journal now stores events in the events route's JSON, and
 * still replays the rows its first format wrote. The fixture holds the rows that main of
 * 2026-12-06 journaled for {@link JournalV1Ops} (every event type, the names linger,
 * reuseaddr and fault, sides in upper case); put into the database as they are, they
 * rebuild the very trace the same requests give today.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class JournalV1CompatibilityTest {

	@Autowired
	SimulationService service;

	@Autowired
	SimulationJournal journal;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JsonMapper json;

	@Test
	void shouldStillReplayRowsOfTheFirstFormatToTheSameTrace() throws Exception {
		JsonNode fixture;
		try (InputStream in = getClass().getResourceAsStream("/journal/v1-journal.json")) {
			assertThat(in).as("src/test/resources/journal/v1-journal.json").isNotNull();
			fixture = json.readTree(in);
		}
		String id = fixture.get("simulationId").asString();
		long now = System.currentTimeMillis();
		jdbc.sql("INSERT INTO tcplab_simulation (id, created_at) VALUES (?, ?)").params(id, now).update();
		List<String> v1Payloads = new ArrayList<>();
		for (JsonNode e : fixture.get("entries")) {
			jdbc.sql("INSERT INTO tcplab_journal_entry"
					+ " (simulation_id, entry_no, virtual_time_us, kind, payload, recorded_at) VALUES (?, ?, ?, ?, ?, ?)")
				.params(id, e.get("entryNo").asLong(), e.get("virtualTimeMicros").asLong(), e.get("kind").asString(),
						e.get("payload").asString(), now)
				.update();
			v1Payloads.add(e.get("payload").asString());
		}
		assertThat(String.join("\n", v1Payloads)).contains("\"type\":\"linger\"", "\"type\":\"reuseaddr\"",
				"\"type\":\"fault\"", "\"side\":\"CLIENT\"", "\"max\":null");

		// the first lookup rebuilds the simulation from the rows
		List<TraceEvent> rebuilt = service.allEvents(id);
		String today = service.create(JournalV1Ops.spec()).id();
		JournalV1Ops.run(service, today);
		List<TraceEvent> expected = service.allEvents(today);
		// the fixture's count is what engine version 1 made; today's engine (the TLP of
		// version 2) may make more, and the rebuild must equal what it makes today
		assertThat(rebuilt).hasSizeGreaterThanOrEqualTo(fixture.get("traceEvents").asInt());
		assertThat(trace(rebuilt)).isEqualTo(trace(expected));

		// the same requests are journaled today in the events route's own JSON
		List<String> events = journal.entries(today)
			.stream()
			.filter(e -> e.kind().equals(SimulationJournal.EVENT))
			.map(SimulationJournal.Entry::payload)
			.toList();
		assertThat(events).contains(
				"{\"pairId\":1,\"event\":{\"type\":\"setsockopt\",\"side\":\"server\","
						+ "\"option\":\"SO_LINGER\",\"onoff\":1,\"seconds\":5}}",
				"{\"pairId\":1,\"event\":{\"type\":\"delay\",\"side\":\"client\",\"segment\":\"ANY\",\"count\":1,"
						+ "\"nth\":2,\"ms\":250}}",
				"{\"pairId\":1,\"event\":{\"type\":\"recv\",\"side\":\"server\"}}");
		service.delete(id);
		service.delete(today);
	}

	private String trace(List<TraceEvent> events) {
		return json.writerFor(new TypeReference<List<TraceEvent>>() {
		}).writeValueAsString(events);
	}

}
