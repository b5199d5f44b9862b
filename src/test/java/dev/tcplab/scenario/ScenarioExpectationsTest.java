package dev.tcplab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.engine.TraceLevel;
import dev.tcplab.scenario.ScenarioRunner.NarrationStep;

/**
 * Issue 14: every built-in scenario on every profile it is offered for tells the truth
 * about its own trace. A run fails on an expectation not met, on a step that produced no
 * events without being marked as a pause, on a step without any expectation, on an
 * unfilled placeholder, and (across profiles) on narration that reads differently per
 * profile although the step does not say it is written per profile.
 */
class ScenarioExpectationsTest {

	static Simulation simulation(Scenario s, String profile) {
		Scenario.Setup setup = s.setup();
		SimulationConfig config = SimulationConfig.of(profile, 1, setup.overrides())
			.withPinnedIsn(setup.pinnedIsn())
			.withAddresses(setup.clientAddress(), setup.serverAddress())
			.withTraceLevel(TraceLevel.valueOf(setup.traceLevel().toUpperCase(java.util.Locale.ROOT)), 100_000)
			.withRetainClosedPairs(setup.retainClosed());
		return new Simulation(config);
	}

	static Stream<Arguments> scenarios() {
		return BuiltInScenarios.all().stream().map(s -> Arguments.of(s.name(), s));
	}

	static String describe(TraceEvent e) {
		String p = e.pair() == null ? "-" : e.pair().toString();
		String what;
		if (e instanceof TraceEvent.State s) {
			what = "state " + s.endpoint() + " " + s.from() + " → " + s.to() + " (" + s.cause() + ")";
		}
		else if (e instanceof TraceEvent.Segment g) {
			what = "segment " + g.from() + "→" + g.to() + " " + String.join(",", g.flags()) + " " + g.event()
					+ (g.retransmission() ? " retransmission" : "") + " seq=" + g.relSeq() + " ack=" + g.relAck()
					+ " len=" + g.len();
		}
		else if (e instanceof TraceEvent.Call c) {
			what = "call " + c.endpoint() + " " + c.call() + c.args() + " → "
					+ (c.result() == null ? "pending" : c.result()) + (c.completed() ? " (completed)" : "");
		}
		else if (e instanceof TraceEvent.Timer t) {
			what = "timer " + t.endpoint() + " " + t.timer() + " " + t.action();
		}
		else if (e instanceof TraceEvent.Note n) {
			what = "note " + n.endpoint() + " " + n.code() + ": " + n.text();
		}
		else {
			what = e.type();
		}

		return String.format("  #%d %.3fms p%s %s", e.seq(), e.timeMs(), p, what);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void shouldMeetEveryStepsExpectationsOnEveryOfferedProfile(String name, Scenario scenario) {
		List<String> failures = check(scenario);
		assertThat(failures).as(String.join("\n", failures)).isEmpty();
	}

	/**
	 * Runs {@code scenario} on every profile it is offered for; answers one report per
	 * step that fails (empty when the scenario tells the truth).
	 */
	static List<String> check(Scenario scenario) {
		String name = scenario.name();
		List<String> failures = new ArrayList<>();
		Map<Integer, Map<String, Text>> neutral = new HashMap<>();
		String printWanted = System.getProperty("scenario.print");
		boolean print = printWanted != null && (printWanted.isEmpty() || printWanted.equals(name));
		for (String profile : scenario.profiles()) {
			Simulation sim = simulation(scenario, profile);
			List<NarrationStep> steps = ScenarioRunner.play(scenario, sim, null);
			for (NarrationStep n : steps) {
				ScenarioStep step = scenario.steps().get(n.step() - 1);
				List<TraceEvent> events = sim.eventsSince(n.fromSeq())
					.stream()
					.filter(e -> e.seq() < n.toSeq())
					.toList();
				String where = name + " on " + profile + ", step " + n.step() + " \"" + n.title().en() + "\"";
				List<String> bad = new ArrayList<>();
				if (n.fromSeq() == n.toSeq() && !step.pause()) {
					bad.add("produced no events but is not marked pause: true");
				}
				if (n.expectations().isEmpty() && !step.pause()) {
					bad.add("claims nothing: a step that acts needs at least one expectation");
				}
				for (Expectation.Checked e : n.expectations()) {
					if (!e.passed()) {
						bad.add("expectation not met: " + e.expectation().text());
					}
				}
				for (String t : List.of(n.title().en(), n.title().ko(), n.text().en(), n.text().ko())) {
					if (!ScenarioDocuments.placeholders(t).isEmpty()) {
						bad.add("unfilled placeholder " + ScenarioDocuments.placeholders(t) + " in: " + t);
					}
				}
				if (n.neutral() != null) {
					Text before = neutral.computeIfAbsent(n.step(), k -> new HashMap<>())
						.putIfAbsent("any", n.neutral());
					if (before != null && !before.equals(n.neutral())) {
						bad.add("narration differs per profile but the step has no textByProfile:\n    " + before.en()
								+ "\n    " + n.neutral().en());
					}
				}
				if (print || !bad.isEmpty()) {
					StringBuilder b = new StringBuilder(where).append('\n');
					bad.forEach(x -> b.append("  ✗ ").append(x).append('\n'));
					b.append("  text: ").append(n.text().en()).append('\n');
					events.stream()
						.filter(e -> !(e instanceof TraceEvent.Census))
						.limit(80)
						.forEach(e -> b.append(describe(e)).append('\n'));
					if (bad.isEmpty()) {
						System.out.println(b);
					}
					else {
						failures.add(b.toString());
					}
				}
			}
		}
		return failures;
	}

	/** The checker itself can fail: each rule is broken once by a made-up document. */
	@Test
	void shouldTheCheckCatchesAFalseClaimAnEmptyStepAndUndeclaredProfileDifferences() {
		Scenario lying = ScenarioDocuments.parse("""
				title: {en: Lies, ko: 거짓말}
				summary: {en: Three false claims, ko: 거짓 주장 세 개}
				profiles: [linux, rfc9293]
				steps:
				  - title: {en: Open, ko: 연결}
				    text: {en: "TIME_WAIT lasts {t} ms", ko: "TIME_WAIT는 {t}ms"}
				    do: [open, {completed: {side: client, call: connect, into: t}}, {advance: 0}]
				    expect: ["state client SYN_SENT → ESTABLISHED"]
				  - title: {en: Close, ko: 닫기}
				    text: {en: The client is reset, ko: 클라이언트가 리셋됨}
				    do: [{close: client}, settle]
				    expect: ["state client ESTABLISHED → CLOSED", "no segment client→server FIN,ACK"]
				  - title: {en: Nothing, ko: 없음}
				    text: {en: Nothing happens, ko: 아무 일도 없음}
				    do: [{advance: 1}]
				    expect: ["no state * * → *"]
				""", "lying.yaml", "lying");
		String report = String.join("\n", check(lying));
		assertThat(report).contains("expectation not met: state client ESTABLISHED → CLOSED")
			.contains("expectation not met: no segment client→server FIN,ACK")
			.contains("step 3 \"Nothing\"")
			.contains("produced no events but is not marked pause: true");
		assertThat(check(lying)).noneMatch(f -> f.contains("differs per profile"));

		// the same placeholder filled with a value that depends on the profile, not
		// declared
		Scenario undeclared = ScenarioDocuments.parse("""
				title: {en: Timing, ko: 시간}
				summary: {en: A measured time, ko: 측정한 시간}
				profiles: [linux, rfc9293]
				steps:
				  - title: {en: Close, ko: 닫기}
				    text: {en: "close() returned {r}, the client is {st}", ko: "close()는 {r}, 클라이언트는 {st}"}
				    do: [open, {close: {side: client, into: r}}, {advance: 45}, {state: {side: client, into: st}}]
				    expect: ["call client close → 0"]
				""", "timing.yaml", "timing");
		assertThat(String.join("\n", check(undeclared)))
			.contains("narration differs per profile but the step has no textByProfile");
	}

	@Test
	void shouldHaveEveryDocumentInTheFolderAsABuiltIn() throws Exception {
		Path dir = Path.of("src/main/resources/scenarios");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "run from the project directory");
		try (Stream<Path> files = Files.list(dir)) {
			assertThat(files.map(f -> f.getFileName().toString().replaceFirst("\\.yaml$", "")).sorted().toList())
				.isEqualTo(BuiltInScenarios.NAMES.stream().sorted().toList());
		}
	}

}
