package dev.tcplab.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.scenario.ScenarioRunner;
import dev.tcplab.scenario.ScenarioRunner.Run;
import dev.tcplab.testing.ServerTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frontend's node tests read real engine traces from {@code frontend/test/fixtures/}:
 * this test produces them from scenario runs (linux, seed 1) in the API's JSON shape and
 * fails when a committed fixture no longer matches the engine. A stale fixture is
 * rewritten (outside CI), so the failure is fixed by committing the new files.
 */
// shares the end-to-end tests' context: it needs
// only the scenario runner and the JsonMapper
@ServerTest
class FrontendFixturesTest {

	static final Path DIR = Path.of("frontend", "test", "fixtures");

	// every built-in scenario except busy-server-time-wait (a load of 500 connections,
	// 1.2 MB of trace)
	static final List<String> SCENARIOS = List.of("active-close", "close-unread-data", "close-wait-leak",
			"fin-wait-1-zero-window", "fin-wait-2-timeout", "graceful-close", "half-close", "linger-abort",
			"linger-default", "linger-timeout", "lost-fin", "lost-last-ack", "no-time-wait", "old-duplicate",
			"paws-old-duplicate", "rebind-time-wait", "server-active-close", "simultaneous-close",
			"three-segment-close", "time-wait-reuse");

	@Autowired
	ScenarioRunner runner;

	@Autowired
	JsonMapper json;

	@Test
	void shouldKeepTheFixturesRealTracesOfTheCurrentEngine() throws IOException {
		List<String> stale = new ArrayList<>();
		for (String name : SCENARIOS) {
			Run run = runner.run(name, "linux", 1L);
			String text = render(run);
			Path file = DIR.resolve(name + ".json");
			String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
			if (!text.equals(old)) {
				stale.add(name);
				if (!"true".equals(System.getenv("CI"))) {
					Files.createDirectories(DIR);
					Files.writeString(file, text, StandardCharsets.UTF_8);
				}
			}
		}
		String faults = renderTrace("faults", faultsTrace());
		Path file = DIR.resolve("faults.json");
		if (!faults.equals(Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null)) {
			stale.add("faults");
			if (!"true".equals(System.getenv("CI"))) {
				Files.writeString(file, faults, StandardCharsets.UTF_8);
			}
		}
		assertThat(stale).as("fixtures in %s that did not match the engine (rewritten; commit them)", DIR).isEmpty();
	}

	/**
	 * Labels that cross: the client's FIN is duplicated, the server's data is delayed
	 * past its FIN, and a held ACK is released across three arrows (linux, seed 1).
	 */
	static List<TraceEvent> faultsTrace() {
		Simulation sim = new Simulation(SimulationConfig.of("linux", 1, Map.of()).withPinnedIsn(true));
		int pair = sim.openPairId(80, null, false, true);
		sim.apply(pair, new PairEvent.Fault(Side.CLIENT, FaultAction.DUPLICATE, SegmentMatch.FIN, 1, 0, 0));
		sim.apply(pair, new PairEvent.Fault(Side.SERVER, FaultAction.DELAY, SegmentMatch.DATA, 1, 0, 35));
		sim.apply(pair, new PairEvent.Fault(Side.CLIENT, FaultAction.HOLD, SegmentMatch.ACK, 1, 0, 0));
		sim.apply(pair, new PairEvent.Send(Side.SERVER, 100));
		sim.apply(pair, new PairEvent.Close(Side.CLIENT));
		sim.apply(pair, new PairEvent.Close(Side.SERVER));
		sim.advance(30);
		sim.apply(pair, new PairEvent.Release(Side.CLIENT));
		sim.runUntilIdle(600_000);
		return sim.eventsSince(0);
	}

	private String renderTrace(String name, List<TraceEvent> trace) {
		StringBuilder out = new StringBuilder(
				"{\n\"name\": \"" + name + "\",\n\"profile\": \"linux\",\n\"seed\": 1,\n");
		out.append("\"narration\": [],\n\"trace\": [\n");
		appendTrace(out, trace);
		return out.append("]\n}\n").toString();
	}

	private void appendTrace(StringBuilder out, List<TraceEvent> trace) {
		for (int i = 0; i < trace.size(); i++) {
			@SuppressWarnings("unchecked")
			Map<String, Object> m = json.convertValue(trace.get(i), Map.class);
			m.put("type", trace.get(i).type());
			out.append(json.writeValueAsString(m)).append(i + 1 < trace.size() ? ",\n" : "\n");
		}
	}

	/** One trace event per line so that a diff shows what the engine changed. */
	private String render(Run run) {
		StringBuilder out = new StringBuilder("{\n");
		out.append("\"name\": ").append(json.writeValueAsString(run.name())).append(",\n");
		out.append("\"profile\": ").append(json.writeValueAsString(run.profile())).append(",\n");
		out.append("\"seed\": ").append(run.seed()).append(",\n");
		out.append("\"narration\": [\n");
		for (int i = 0; i < run.narration().size(); i++) {
			out.append(json.writeValueAsString(run.narration().get(i)))
				.append(i + 1 < run.narration().size() ? ",\n" : "\n");
		}
		out.append("],\n\"trace\": [\n");
		appendTrace(out, run.trace());
		return out.append("]\n}\n").toString();
	}

}
