package dev.tcplab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tcplab.testing.ApiTest;
import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.testing.HttpJson.Answer;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Tutorial authors' and notebook users' routes end to end: their own scenario documents
 * ({@code POST /api/scenarios/runs}) and what-if comparisons
 * ({@code POST /api/comparisons}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthorsApiTest extends ApiTest {

	static final String YAML = """
			name: my-close
			title: {en: My close, ko: 나의 종료}
			summary: {en: The client closes first, ko: 클라이언트가 먼저 닫습니다}
			steps:
			  - title: {en: Connect, ko: 연결}
			    text: {en: Both ends are connected., ko: 양쪽이 연결됩니다.}
			    do: [open]
			    expect: ["state client SYN_SENT → ESTABLISHED"]
			  - title: {en: Close, ko: 닫기}
			    text: {en: The client closes., ko: 클라이언트가 닫습니다.}
			    do: [{close: client}, settle]
			    expect: ["state client FIN_WAIT_1 → FIN_WAIT_2", "state client ESTABLISHED → CLOSED"]
			""";

	@Test
	void shouldRunAnAuthorsYamlDocumentAndCheckEachStepsExpectations() {
		Answer a = http.send("POST", "/api/scenarios/runs?profile=linux&seed=3", "application/yaml",
				YAML.getBytes(StandardCharsets.UTF_8));
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		JsonNode body = a.json();
		assertThat(body.get("name").asString()).isEqualTo("my-close");
		assertThat(body.get("passed").asBoolean()).isFalse();
		JsonNode steps = body.get("narration");
		assertThat(steps).hasSize(2);
		assertThat(steps.get(0).get("expectations").get(0).get("passed").asBoolean()).isTrue();
		JsonNode second = steps.get(1).get("expectations");
		assertThat(second.get(0).get("passed").asBoolean()).isTrue();
		assertThat(second.get(1).get("passed").asBoolean()).as("the client does not go straight to CLOSED").isFalse();
		assertThat(http.get("/api/simulations/" + body.get("simulationId").asString()).status()).isEqualTo(200);
	}

	@Test
	void shouldRunABuiltInDocumentSentBackAsJson() {
		Answer doc = http.get("/api/scenarios/lost-last-ack");
		assertThat(doc.status()).isEqualTo(200);
		Answer a = http.post("/api/scenarios/runs?profile=linux", doc.text());
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		assertThat(a.json().get("passed").asBoolean()).isTrue();
		assertThat(a.json().get("name").asString()).isEqualTo("lost-last-ack");
	}

	@Test
	void shouldNameStepAndFieldOfEveryMistakeAndCreateNothing() {
		int before = simulations();
		String bad = YAML.replace("do: [{close: client}, settle]", "do: [{close: nobody}]")
			.replace("\"state client SYN_SENT → ESTABLISHED\"", "\"state client SYN_SENT -> NOWHERE\"");
		Answer a = http.send("POST", "/api/scenarios/runs", "application/yaml", bad.getBytes(StandardCharsets.UTF_8));
		assertThat(a.status()).isEqualTo(400);
		assertThat(a.contentType()).startsWith("application/problem+json");
		assertThat(a.json().get("detail").asString()).contains("step 1").contains("step 2");
		List<String> fields = new ArrayList<>();
		a.json().get("problems").forEach(p -> fields.add(p.get("step").asInt() + ":" + p.get("field").asString()));
		assertThat(fields).hasSize(2);
		assertThat(fields.get(0)).startsWith("1:expect");
		assertThat(fields.get(1)).startsWith("2:do");
		Answer notYaml = http.send("POST", "/api/scenarios/runs", "application/yaml",
				"steps: [".getBytes(StandardCharsets.UTF_8));
		assertThat(notYaml.status()).isEqualTo(400);
		assertThat(notYaml.json().get("detail").asString()).contains("line");
		assertThat(simulations()).isEqualTo(before);
	}

	@Test
	void shouldShowMisdeliveredDataInOldDuplicateOnlyWithoutTimeWait() {
		Answer a = http.post("/api/comparisons", """
				{"scenario":"old-duplicate","variants":[
				  {"label":"TIME_WAIT","profile":"linux"},
				  {"label":"no TIME_WAIT","profile":"linux","overrides":{"timeWaitMs":0,"timestamps":false}},
				  {"label":"no TIME_WAIT, PAWS","profile":"linux","overrides":{"timeWaitMs":0}}]}""");
		assertThat(a.status()).as(a.text()).isEqualTo(200);
		JsonNode variants = a.json().get("variants");
		JsonNode with = variants.get(0).get("summary");
		JsonNode without = variants.get(1).get("summary");
		assertThat(with.get("misdelivered")).isEmpty();
		assertThat(without.get("misdelivered")).isNotEmpty();
		JsonNode m = without.get("misdelivered").get(0);
		assertThat(m.get("bytes").asInt()).isEqualTo(100);
		assertThat(m.get("fromPair").asInt()).isEqualTo(1);
		assertThat(m.get("pair").asInt()).isNotEqualTo(1);
		// RFC 7323 §5 PAWS: with timestamps (linux's default) the old duplicate is
		// dropped
		// even without TIME_WAIT
		assertThat(variants.get(2).get("summary").get("misdelivered")).isEmpty();
		assertThat(variants.get(0).get("expectationsPassed").asBoolean()).isTrue();
		List<String> aspects = new ArrayList<>();
		a.json().get("differences").forEach(d -> aspects.add(d.get("aspect").asString()));
		assertThat(aspects).contains("misdelivered", "calls", "held");
	}

	@Test
	void shouldCompareProfilesOfLingerTimeout() {
		Answer a = http.post("/api/comparisons",
				"""
						{"scenario":"linger-timeout","variants":[{"label":"linux","profile":"linux"},{"label":"bsd","profile":"bsd"}]}""");
		assertThat(a.status()).as(a.text()).isEqualTo(200);
		JsonNode calls = null;
		for (JsonNode d : a.json().get("differences")) {
			if (d.get("aspect").asString().equals("calls")) {
				calls = d.get("values");
			}
		}
		assertThat(calls).as("close() returns 0 on linux, EWOULDBLOCK on bsd").isNotNull();
		assertThat(calls.get("linux").toString()).contains("close() = 0");
		assertThat(calls.get("bsd").toString()).contains("EWOULDBLOCK");
	}

	@Test
	void shouldRunAVariantOnItsOwnScenarioSoEitherSideCanCloseFirst() {
		Answer a = http.post("/api/comparisons", """
				{"scenario":"active-close","variants":[
				  {"label":"client closes first"},
				  {"label":"server closes first","scenario":"server-active-close"}]}""");
		assertThat(a.status()).as(a.text()).isEqualTo(200);
		JsonNode variants = a.json().get("variants");
		// RFC 9293 §3.6: the side that closes first holds TIME_WAIT
		assertThat(variants.get(0).get("summary").get("held").has("pair 1 client")).isTrue();
		assertThat(variants.get(1).get("summary").get("held").has("pair 1 server")).isTrue();
		assertThat(variants.get(1).get("summary").get("held").has("pair 1 client")).isFalse();
		int before = simulations();
		Answer bad = http.post("/api/comparisons", """
				{"scenario":"active-close","variants":[
				  {"label":"a"},{"label":"b","scenario":{"name":"x","steps":[{"do":["nonsense"]}]}}]}""");
		assertThat(bad.status()).as(bad.text()).isEqualTo(400);
		assertThat(bad.json().has("problems")).isTrue();
		assertThat(simulations()).isEqualTo(before);
	}

	@Test
	void shouldRejectBadVariantsWithAProblemAndCreateNothing() {
		java.util.Set<String> before = ids();
		Answer one = http.post("/api/comparisons", """
				{"scenario":"lost-last-ack","variants":[{"label":"only"}]}""");
		assertThat(one.status()).isEqualTo(400);
		assertThat(one.json().get("detail").asString()).contains("variants");
		Answer twice = http.post("/api/comparisons", """
				{"scenario":"lost-last-ack","variants":[{"label":"a"},{"label":"a"}]}""");
		assertThat(twice.status()).isEqualTo(400);
		assertThat(twice.json().get("detail").asString()).contains("used twice");
		Answer badProfile = http.post("/api/comparisons", """
				{"scenario":"lost-last-ack","variants":[{"label":"a"},{"label":"b","profile":"nope"}]}""");
		assertThat(badProfile.status()).isEqualTo(400);
		Answer unknown = http.post("/api/comparisons", """
				{"scenario":"no-such-scenario","variants":[{"label":"a"},{"label":"b"}]}""");
		assertThat(unknown.status()).isEqualTo(404);
		// other tests' runs may leave memory meanwhile (idle one-shot runs are swept):
		// what
		// counts is that none was added
		assertThat(ids()).as("a rejected comparison leaves no simulation behind").isSubsetOf(before);
	}

	java.util.Set<String> ids() {
		java.util.Set<String> ids = new java.util.HashSet<>();
		registry.all().forEach(s -> ids.add(s.id()));
		return ids;
	}

	@Autowired
	SimulationRegistry registry;

	int simulations() {
		return registry.size();
	}

}
