package dev.tcplab.scenario;

import dev.tcplab.scenario.ScenarioRunner.NarrationStep;
import dev.tcplab.scenario.ScenarioRunner.Run;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.InlineTrace;
import tools.jackson.databind.JsonNode;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Built-in narrated scenarios. */
@RestController
@RequestMapping(path = "/api/scenarios", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "scenarios", description = "Built-in, narrated teardown scenarios (English and Korean)")
class ScenarioController {

	/** The media type of a JSON Schema. */
	static final String SCHEMA_MEDIA_TYPE = "application/schema+json";

	private final ScenarioRunner runner;

	ScenarioController(ScenarioRunner runner) {
		this.runner = runner;
	}

	/** A scenario as listed. */
	@Schema(description = "A built-in scenario")
	record ScenarioJson(@Schema(example = "lost-last-ack") String name, Text title, Text summary, @Schema(
			description = "The article's own Korean sentences for this situation and an English translation; null when the article does not cover it") Text article,
			@Schema(description = "Profiles the scenario is offered for",
					example = "[\"rfc9293\",\"linux\",\"bsd\",\"windows\"]") List<String> profiles,
			List<StepJson> steps) {

		static ScenarioJson of(Scenario s) {
			return new ScenarioJson(s.name(), s.title(), s.summary(), s.article(), s.profiles(),
					s.steps().stream().map(st -> new StepJson(st.title(), st.pause())).toList());
		}
	}

	record StepJson(Text title, boolean pause) {
	}

	/** A finished run. */
	@Schema(description = "A finished scenario run; the simulation stays live (manual clock) under simulationId")
	record RunJson(@Schema(example = "3f1c2b9e-3a44-4a5e-9d2b-0c7f1f1b6a10") String simulationId,
			@Schema(example = "lost-last-ack") String name, Text title, @Schema(example = "linux") String profile,
			long seed,
			@Schema(description = "The trace of the run, at most tcplab.budget.max-inline-trace-events events (see traceContinuesAt)") List<TraceEvent> trace,
			@Schema(description = "One entry per step; the step produced the events with fromSeq ≤ seq < toSeq") List<NarrationStep> narration,
			@Schema(description = "Present when the trace was cut: read the rest with GET /api/simulations/{simulationId}/trace?since=traceContinuesAt") @JsonInclude(JsonInclude.Include.NON_NULL) Long traceContinuesAt) {
	}

	@GetMapping
	@Operation(summary = "List the built-in scenarios",
			description = "Names, titles, summaries, the article's sentences and step titles in English and Korean.")
	List<ScenarioJson> list() {
		return runner.scenarios().stream().map(ScenarioJson::of).toList();
	}

	@GetMapping(path = "/schema", produces = { SCHEMA_MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE })
	@Operation(summary = "The JSON Schema of scenario documents",
			description = "JSON Schema 2020-12 of the documents GET /api/scenarios/{name} answers and POST /api/scenarios/runs takes (YAML or JSON): give it to an editor or a validator. The service checks every document against it first; what a schema cannot say (placeholders, per-profile narration, the one-line expectations) it checks after. Its $defs also hold the events route's body schemas.")
	@ApiResponse(responseCode = "200", description = "The schema",
			content = @Content(mediaType = SCHEMA_MEDIA_TYPE, schema = @Schema(type = "object")))
	ResponseEntity<String> schema() {
		return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofHours(1))).body(ScenarioSchema.text());
	}

	@GetMapping("/{name}")
	@Operation(summary = "One scenario's document",
			description = "The scenario document as written in src/main/resources/scenarios/NAME.yaml, as JSON: name, title, summary, article, profiles, setup and steps (title, text or textByProfile, pause, do, expect, expectByProfile). Its format is described in docs/api.md.")
	@ApiResponse(responseCode = "404", description = "Unknown scenario")
	JsonNode one(@PathVariable String name) {
		return runner.scenario(name).document();
	}

	@PostMapping("/{name}/runs")
	@Operation(operationId = "runScenario", summary = "Run a scenario",
			description = "Creates a simulation (manual clock), runs every step (or steps 1..untilStep) and answers the trace with narration tied to seq ranges, each step's expectations checked against its range. The simulation stays live where the last step run left it: open it with GET /api/simulations/{simulationId}. At most tcplab.budget.max-inline-trace-events trace events come inline; traceContinuesAt then says where GET …/trace?since= reads on.")
	@ApiResponse(responseCode = "201", description = "Ran")
	@ApiResponse(responseCode = "400",
			description = "Unknown profile, a profile the scenario is not offered for, untilStep outside 1..steps")
	@ApiResponse(responseCode = "404", description = "Unknown scenario")
	@ApiResponse(responseCode = "429", description = "Instance full")
	ResponseEntity<RunJson> run(@PathVariable String name,
			@Valid @RequestBody(required = false) ScenarioRunRequest request) {
		Run r = runner.run(name, request == null ? null : request.profile(), request == null ? null : request.seed(),
				request == null ? null : request.untilStep());
		InlineTrace t = runner.inline(r.trace());
		return ResponseEntity.created(URI.create("/api/simulations/" + r.simulationId()))
			.body(new RunJson(r.simulationId(), r.name(), r.title(), r.profile(), r.seed(), t.events(), r.narration(),
					t.continuesAt()));
	}

}
