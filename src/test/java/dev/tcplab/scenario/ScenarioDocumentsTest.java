package dev.tcplab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tcplab.scenario.ScenarioDocuments.Problem;
import dev.tcplab.scenario.ScenarioDocuments.ScenarioDocumentException;

/**
 * The scenario document reader (issue 14): what a document may say, and that every
 * problem in it is named with file, step and field, all at once.
 */
class ScenarioDocumentsTest {

	static final String GOOD = """
			title: {en: Close, ko: 닫기}
			summary: {en: The client closes, ko: 클라이언트가 닫음}
			steps:
			  - title: {en: Close, ko: 닫기}
			    text: {en: "close() = {r}, TIME_WAIT {const.timeWaitMs:s} s", ko: "close() = {r}, TIME_WAIT {const.timeWaitMs:s}초"}
			    do: [open, {close: {side: client, into: r}}, settle]
			    expect:
			      - state client ESTABLISHED → FIN_WAIT_1
			      - {kind: segment, from: client, to: server, flags: [FIN, ACK]}
			""";

	static List<Problem> problems(String yaml) {
		try {
			ScenarioDocuments.parse(yaml, "doc.yaml", null);
		}
		catch (ScenarioDocumentException ex) {
			assertThat(ex.getMessage()).contains("doc.yaml");
			return ex.problems();
		}
		throw new AssertionError("the document was accepted");
	}

	@Test
	void shouldAGoodDocumentReadsWithBothExpectationForms() {
		Scenario s = ScenarioDocuments.parse(GOOD, "doc.yaml", "close");
		assertThat(s.name()).isEqualTo("close");
		assertThat(s.profiles()).containsExactlyInAnyOrder("linux", "rfc9293", "bsd", "windows");
		assertThat(s.steps()).hasSize(1);
		assertThat(s.steps().get(0).expect()).extracting(Expectation::text)
			.containsExactly("state client ESTABLISHED → FIN_WAIT_1", "segment client→server FIN,ACK");
		assertThat(s.steps().get(0).expect().get(1)).isInstanceOfSatisfying(Expectation.Segment.class,
				e -> assertThat(e.event()).isEqualTo("sent"));
		assertThat(s.document().get("name").asString()).isEqualTo("close");
		assertThat(s.document().get("steps").get(0).get("title").get("en").asString()).isEqualTo("Close");
	}

	@Test
	void shouldEveryProblemIsNamedWithFileStepAndField() {
		List<Problem> p = problems(
				"""
						title: {en: Broken, ko: 고장}
						summary: {en: Many problems}
						colour: blue
						profiles: [linux, rfc9293, solaris]
						steps:
						  - title: {en: One, ko: 하나}
						    text: {en: "{nothing} here", ko: "{nothing} 여기"}
						    do: [open, {close: left}, {send: {side: client}}, {teleport: 3}]
						    expect: ["state client ESTABLISHED → FIN_WAIT_9", "segment client server FIN", "no timer client RETRANSMIT exploded"]
						  - title: {en: Two, ko: 둘}
						    textByProfile: {linux: {en: only linux, ko: 리눅스만}}
						    do: []
						""");
		assertThat(p).extracting(Problem::describe)
			.contains("doc.yaml, summary.ko: missing",
					"doc.yaml, colour: unknown field; known fields here: "
							+ "article, name, profiles, setup, steps, summary, title")
			.anyMatch(d -> d.startsWith("doc.yaml, profiles[2]: unknown profile \"solaris\""))
			.contains("doc.yaml, step 1, do[1].close.side: must be client or server, got \"left\"")
			.contains("doc.yaml, step 1, do[2].send.bytes: missing: a whole number between 0 and 67108864")
			.anyMatch(d -> d.startsWith("doc.yaml, step 1, do[3]: unknown action \"teleport\""))
			.anyMatch(d -> d.startsWith("doc.yaml, step 1, expect[0]: unknown TCP state \"FIN_WAIT_9\""))
			.anyMatch(d -> d.startsWith("doc.yaml, step 1, expect[1]: \"segment client server FIN\" does not read as"))
			.anyMatch(d -> d.startsWith("doc.yaml, step 1, expect[2]: unknown timer action \"exploded\""))
			.anyMatch(d -> d.startsWith("doc.yaml, step 1, text: {nothing} is set by no action"))
			.contains("doc.yaml, step 2, do: a step that does nothing must be marked pause: true");
		assertThat(p).filteredOn(x -> x.step() != null && x.step() == 2 && "textByProfile".equals(x.field()))
			.extracting(Problem::message)
			.anyMatch(m -> m.startsWith("no narration for profile"));
	}

	@Test
	void shouldYamlSyntaxErrorsNameTheLine() {
		List<Problem> p = problems("title: {en: x, ko: y\nsteps: [");
		assertThat(p).singleElement()
			.satisfies(
					x -> assertThat(x.describe()).startsWith("doc.yaml: not valid YAML").containsPattern("line \\d+"));
		assertThat(problems("")).singleElement().extracting(Problem::message).isEqualTo("the document is empty");
		assertThat(problems("- just\n- a list")).singleElement()
			.extracting(Problem::message)
			.asString()
			.startsWith("a scenario document is a mapping");
	}

	@Test
	void shouldAnActionThatFailsOnlyWhenRunIsNamedWithItsStep() {
		Scenario s = ScenarioDocuments.parse("""
				title: {en: Wrong pair, ko: 잘못된 쌍}
				summary: {en: Uses a pair that does not exist, ko: 없는 쌍을 씀}
				steps:
				  - title: {en: Open, ko: 연결}
				    text: {en: Open, ko: 연결}
				    do: [open]
				    expect: ["call client connect → 0"]
				  - title: {en: Close pair 7, ko: 7번 닫기}
				    text: {en: Close, ko: 닫기}
				    do: [{use: 7}, {close: client}]
				""", "wrong.yaml", null);
		assertThatThrownBy(
				() -> ScenarioRunner.play(s,
						new dev.tcplab.engine.Simulation(
								dev.tcplab.engine.SimulationConfig.of("linux", 1, java.util.Map.of())),
						null))
			.isInstanceOfSatisfying(ScenarioDocumentException.class, ex -> assertThat(ex.problems()).singleElement()
				.satisfies(p -> assertThat(p.describe()).startsWith("wrong.yaml, step 2, do: ").contains("7")));
	}

	@Test
	void shouldABuiltInMustCarryItsFileName() {
		assertThatThrownBy(() -> ScenarioDocuments.parse("name: other\n" + GOOD, "scenarios/close.yaml", "close"))
			.isInstanceOf(ScenarioDocumentException.class)
			.hasMessageContaining("scenarios/close.yaml, name: is \"other\" but the file is named \"close\"");
	}

	@Test
	void shouldExpectationLinesReadBackAsTheyAreWritten() {
		for (String line : List.of("state client FIN_WAIT_2 → TIME_WAIT", "no state client TIME_WAIT → *",
				"call client bind → EADDRINUSE", "call server accept", "segment server→client FIN,ACK retransmission",
				"segment client→server ACK dropped", "no segment server→client * original delivered pair 2",
				"timer client TIME_WAIT fired", "note server RST_UNREAD_DATA", "note \"TIME-WAIT assassination\"")) {
			assertThat(Expectation.parse(line).text()).isEqualTo(line);
		}
		assertThat(Expectation.parse("state client FIN_WAIT_2 -> TIME_WAIT").text())
			.isEqualTo("state client FIN_WAIT_2 → TIME_WAIT");
		Expectation.Segment e = (Expectation.Segment) Expectation
			.parse("no segment server→client FIN,ACK retransmission pair 3");
		assertThat(e.negate()).isTrue();
		assertThat(e.pair()).isEqualTo(3);
		assertThat(e.from()).isEqualTo("server");
		assertThat(e.to()).isEqualTo("client");
		assertThat(e.flags()).containsExactly(dev.tcplab.engine.TcpFlag.FIN, dev.tcplab.engine.TcpFlag.ACK);
		assertThat(e.retransmission()).isTrue();
		assertThat(e.event()).isEqualTo("sent");
	}

}
