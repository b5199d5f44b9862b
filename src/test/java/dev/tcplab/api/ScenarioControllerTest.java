package dev.tcplab.api;

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

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.scenario.Scenario;
import dev.tcplab.scenario.ScenarioNotFoundException;
import dev.tcplab.scenario.ScenarioRunner;
import dev.tcplab.scenario.ScenarioRunner.NarrationStep;
import dev.tcplab.scenario.ScenarioRunner.Run;
import dev.tcplab.scenario.ScenarioStep;
import dev.tcplab.scenario.Text;
import dev.tcplab.simulation.ClientCpuBudget;
import dev.tcplab.simulation.ClientRateLimiter;
import dev.tcplab.simulation.LimitExceededException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

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

	static final Scenario DEMO = new Scenario("active-close", Text.of("Active close", "능동 종료"),
			Text.of("The client closes first", "클라이언트가 먼저 닫습니다"), Text.of("quote", "인용"), Scenario.Setup.standard(),
			List.of(new ScenarioStep(Text.of("Close", "닫기"), Text.of("text", "설명"), s -> {
			})));

	@Test
	void shouldListScenariosWithBothLanguages() throws Exception {
		when(runner.scenarios()).thenReturn(List.of(DEMO));
		mvc.perform(get("/api/scenarios"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].name").value("active-close"))
			.andExpect(jsonPath("$[0].title.en").value("Active close"))
			.andExpect(jsonPath("$[0].title.ko").value("능동 종료"))
			.andExpect(jsonPath("$[0].summary.ko").value("클라이언트가 먼저 닫습니다"))
			.andExpect(jsonPath("$[0].article.ko").value("인용"))
			.andExpect(jsonPath("$[0].steps[0].title.en").value("Close"))
			.andExpect(jsonPath("$[0].steps[0].action").doesNotExist());
	}

	@Test
	void shouldDescribeOneScenarioOr404() throws Exception {
		when(runner.scenario("active-close")).thenReturn(DEMO);
		mvc.perform(get("/api/scenarios/active-close"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("active-close"));
		when(runner.scenario("nope")).thenThrow(new ScenarioNotFoundException("nope", List.of("active-close")));
		mvc.perform(get("/api/scenarios/nope"))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("active-close")));
	}

	@Test
	void shouldRunAndAnswer201WithNarration() throws Exception {
		TraceEvent state = new TraceEvent.State(0, 0, 1, "client", TcpState.ESTABLISHED, TcpState.FIN_WAIT_1,
				"close()");
		when(runner.run("active-close", "rfc9293", 7L))
			.thenReturn(new Run("sim-1", "active-close", DEMO.title(), "rfc9293", 7, List.of(state),
					List.of(new NarrationStep(1, 0, 1, Text.of("Close", "닫기"), Text.of("t", "설명")))));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"profile\":\"rfc9293\",\"seed\":7}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/simulations/sim-1"))
			.andExpect(jsonPath("$.simulationId").value("sim-1"))
			.andExpect(jsonPath("$.trace[0].type").value("state"))
			.andExpect(jsonPath("$.narration[0].step").value(1))
			.andExpect(jsonPath("$.narration[0].fromSeq").value(0))
			.andExpect(jsonPath("$.narration[0].toSeq").value(1))
			.andExpect(jsonPath("$.narration[0].title.ko").value("닫기"))
			.andExpect(jsonPath("$.narration[0].text.en").value("t"));
	}

	@Test
	void shouldRunWithoutBody() throws Exception {
		when(runner.run(any(), isNull(), isNull()))
			.thenReturn(new Run("s", "active-close", DEMO.title(), "linux", 1, List.of(), List.of()));
		mvc.perform(post("/api/scenarios/active-close/runs")).andExpect(status().isCreated());
		verify(runner).run("active-close", null, null);
	}

	@Test
	void shouldMapRunErrors() throws Exception {
		when(runner.run("active-close", "solaris", null))
			.thenThrow(new IllegalArgumentException("unknown profile \"solaris\""));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"profile\":\"solaris\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		when(runner.run("active-close", "linux", null)).thenThrow(new LimitExceededException("maxSimulations", "full"));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"profile\":\"linux\"}"))
			.andExpect(status().isTooManyRequests())
			.andExpect(jsonPath("$.limit").value("maxSimulations"));
		mvc.perform(post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON)
			.content("{\"seed\":-1}")).andExpect(status().isBadRequest());
		mvc.perform(
				post("/api/scenarios/active-close/runs").contentType(MediaType.APPLICATION_JSON).content("{\"seed\":"))
			.andExpect(status().isBadRequest());
	}

}
