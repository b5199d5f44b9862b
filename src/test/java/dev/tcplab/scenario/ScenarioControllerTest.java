package dev.tcplab.scenario;

import dev.tcplab.scenario.ScenarioRunner.NarrationStep;
import dev.tcplab.scenario.ScenarioRunner.Run;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.InlineTrace;
import dev.tcplab.visitor.ClientCpuBudget;
import dev.tcplab.visitor.ClientRateLimiter;
import dev.tcplab.simulation.LimitExceededException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Contract and errors of {@link ScenarioController}, with the runner mocked. */
@WebMvcTest(ScenarioController.class)
class ScenarioControllerTest {

	@Autowired
	MockMvc mvc;

	@MockitoBean
	ScenarioRunner runner;

	@MockitoBean
	ClientRateLimiter limiter;

	@MockitoBean
	ClientCpuBudget cpu;

	static final Scenario DEMO = ScenarioDocuments.parse("""
			title: {en: Active close, ko: 능동 종료}
			summary: {en: The client closes first, ko: 클라이언트가 먼저 닫습니다}
			article: {en: quote, ko: 인용}
			steps:
			  - title: {en: Close, ko: 닫기}
			    text: {en: text, ko: 설명}
			    do: [open, {close: client}]
			    expect: ["state client ESTABLISHED → FIN_WAIT_1"]
			""", "demo.yaml", "active-close");

	@BeforeEach
	void inlineTraces() {
		when(runner.inline(any())).thenAnswer(call -> InlineTrace.of(call.getArgument(0), 1000));
	}

	/**
	 * The demo scenario's name and texts in both languages, as the list (at {@code $[0]})
	 * and the description (at {@code $}) show them.
	 */
	static ResultActions demo(ResultActions answer, String at) throws Exception {
		return answer.andExpect(jsonPath(at + ".name").value("active-close"))
			.andExpect(jsonPath(at + ".title.en").value("Active close"))
			.andExpect(jsonPath(at + ".title.ko").value("능동 종료"))
			.andExpect(jsonPath(at + ".summary.ko").value("클라이언트가 먼저 닫습니다"))
			.andExpect(jsonPath(at + ".article.ko").value("인용"))
			.andExpect(jsonPath(at + ".steps[0].title.en").value("Close"));
	}

	@Test
	void shouldListScenariosWithBothLanguages() throws Exception {
		when(runner.scenarios()).thenReturn(List.of(DEMO));
		demo(mvc.perform(get("/api/scenarios")).andExpect(status().isOk()), "$[0]")
			.andExpect(jsonPath("$[0].steps[0].action").doesNotExist());
	}

	@Test
	void shouldDescribeOneScenarioOrAnswer404() throws Exception {
		when(runner.scenario("active-close")).thenReturn(DEMO);
		demo(mvc.perform(get("/api/scenarios/active-close")).andExpect(status().isOk()), "$")
			.andExpect(jsonPath("$.steps[0].do[1].close").value("client"))
			.andExpect(jsonPath("$.steps[0].expect[0]").value("state client ESTABLISHED → FIN_WAIT_1"));
		when(runner.scenario("nope")).thenThrow(new ScenarioNotFoundException("nope", List.of("active-close")));
		mvc.perform(get("/api/scenarios/nope"))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("active-close")));
	}

	/** Issue 26: the scenario document schema is served for editors and other tools. */
	@Test
	void shouldServeTheScenarioDocumentSchema() throws Exception {
		mvc.perform(get("/api/scenarios/schema"))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith("application/schema+json"))
			.andExpect(header().string("Cache-Control", org.hamcrest.Matchers.containsString("max-age=3600")))
			.andExpect(content().string(ScenarioSchema.text()))
			.andExpect(jsonPath("$.$schema").value("https://json-schema.org/draft/2020-12/schema"))
			.andExpect(jsonPath("$.$defs.bytes.maximum").value(dev.tcplab.engine.PairEvent.MAX_BYTES));
		mvc.perform(get("/api/scenarios/schema").accept(MediaType.APPLICATION_JSON))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON));
		verify(runner, org.mockito.Mockito.never()).scenario(any());
	}

	@Test
	void shouldRunAndAnswer201WithNarration() throws Exception {
		TraceEvent state = new TraceEvent.State(0, 0, 1, "client", TcpState.ESTABLISHED, TcpState.FIN_WAIT_1,
				"close()");
		Expectation.Checked met = Expectation.parse("state client ESTABLISHED → FIN_WAIT_1").checked(true);
		when(runner.run("active-close", "rfc9293", 7L, 1)).thenReturn(new Run("sim-1", "active-close", DEMO.title(),
				"rfc9293", 7, List.of(state), List.of(new NarrationStep(1, 0, 1, 10.0, Text.of("Close", "닫기"),
						Text.of("t", "설명"), false, List.of(met), null))));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"profile\":\"rfc9293\",\"seed\":7,\"untilStep\":1}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/simulations/sim-1"))
			.andExpect(jsonPath("$.simulationId").value("sim-1"))
			.andExpect(jsonPath("$.trace[0].type").value("state"))
			.andExpect(jsonPath("$.narration[0].step").value(1))
			.andExpect(jsonPath("$.narration[0].endMs").value(10.0))
			.andExpect(jsonPath("$.narration[0].fromSeq").value(0))
			.andExpect(jsonPath("$.narration[0].toSeq").value(1))
			.andExpect(jsonPath("$.narration[0].title.ko").value("닫기"))
			.andExpect(jsonPath("$.narration[0].text.en").value("t"))
			.andExpect(jsonPath("$.narration[0].pause").value(false))
			.andExpect(jsonPath("$.narration[0].neutral").doesNotExist())
			.andExpect(jsonPath("$.narration[0].expectations[0].kind").value("state"))
			.andExpect(jsonPath("$.narration[0].expectations[0].negate").value(false))
			.andExpect(jsonPath("$.narration[0].expectations[0].endpoint").value("client"))
			.andExpect(jsonPath("$.narration[0].expectations[0].from").value("ESTABLISHED"))
			.andExpect(jsonPath("$.narration[0].expectations[0].to").value("FIN_WAIT_1"))
			.andExpect(jsonPath("$.narration[0].expectations[0].text").value("state client ESTABLISHED → FIN_WAIT_1"))
			.andExpect(jsonPath("$.narration[0].expectations[0].passed").value(true))
			.andExpect(jsonPath("$.narration[0].expectations[0].pair").doesNotExist());
	}

	@Test
	void shouldRunWithoutBody() throws Exception {
		when(runner.run(any(String.class), isNull(), isNull(), isNull()))
			.thenReturn(new Run("s", "active-close", DEMO.title(), "linux", 1, List.of(), List.of()));
		mvc.perform(post("/api/scenarios/active-close/runs")).andExpect(status().isCreated());
		verify(runner).run("active-close", null, null, null);
	}

	@Test
	void shouldMapRunErrors() throws Exception {
		when(runner.run("active-close", "solaris", null, null))
			.thenThrow(new IllegalArgumentException("unknown profile \"solaris\""));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"profile\":\"solaris\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		when(runner.run("active-close", "linux", null, null))
			.thenThrow(new LimitExceededException("maxSimulations", "full"));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"profile\":\"linux\"}"))
			.andExpect(status().isTooManyRequests())
			.andExpect(jsonPath("$.limit").value("maxSimulations"));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"seed\":-1}")).andExpect(status().isBadRequest());
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"untilStep\":0}")).andExpect(status().isBadRequest());
		mvc.perform(
				post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON).content("{\"seed\":"))
			.andExpect(status().isBadRequest());
	}

}
