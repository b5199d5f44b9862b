package dev.tcplab.scenario;

import dev.tcplab.scenario.ScenarioRunner.NarrationStep;
import dev.tcplab.scenario.ScenarioRunner.Run;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.InlineTrace;

import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Authors' own scenarios: a document in the built-in files' format (YAML or JSON), run
 * like a built-in one.
 */
@RestController
@Validated
@Tag(name = "scenarios")
class ScenarioDocumentController {

	private final ScenarioRunner runner;

	ScenarioDocumentController(ScenarioRunner runner) {
		this.runner = runner;
	}

	/** A run of an author's document. */
	@Schema(description = "A finished run of a submitted scenario document; the simulation stays live under simulationId")
	record DocumentRunJson(String simulationId, String name, Text title, String profile, long seed,
			@Schema(description = "Whether every expectation of every step run held") boolean passed,
			@Schema(description = "The trace, at most tcplab.budget.max-inline-trace-events events (see traceContinuesAt)") List<TraceEvent> trace,
			List<NarrationStep> narration,
			@Schema(description = "Present when the trace was cut: read the rest with GET /api/simulations/{simulationId}/trace?since=traceContinuesAt") @JsonInclude(JsonInclude.Include.NON_NULL) Long traceContinuesAt) {

		static DocumentRunJson of(Run r, InlineTrace t) {
			boolean passed = r.narration()
				.stream()
				.flatMap(n -> n.expectations().stream())
				.allMatch(Expectation.Checked::passed);
			return new DocumentRunJson(r.simulationId(), r.name(), r.title(), r.profile(), r.seed(), passed, t.events(),
					r.narration(), t.continuesAt());
		}
	}

	@PostMapping(path = "/api/scenarios/runs",
			consumes = { "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
					"text/plain" })
	@Operation(operationId = "runScenarioDocument", summary = "Run your own scenario document",
			description = "Takes a scenario document in the format of GET /api/scenarios/{name} (JSON or YAML; at most 64 KB (the request body limit) and 100 steps), runs it on a new simulation like a built-in scenario and answers the trace and the narration with each step's expectations checked (passed: true/false). A document with mistakes is answered 400 problem+json whose detail and `problems` list name the step and field of each.")
	@ApiResponse(responseCode = "201", description = "Ran")
	@ApiResponse(responseCode = "400", description = "The document has mistakes (each named by step and field)")
	@ApiResponse(responseCode = "429", description = "Instance or client full")
	ResponseEntity<DocumentRunJson> run(@RequestBody String document,
			@Parameter(description = "Stack profile",
					example = "linux") @RequestParam(required = false) @Size(max = 32) String profile,
			@Parameter(description = "RNG seed") @RequestParam(
					required = false) @Min(0) @Max(9_007_199_254_740_991L) Long seed,
			@Parameter(description = "Run only steps 1..untilStep") @RequestParam(
					required = false) @Min(1) @Max(100) Integer untilStep) {
		Scenario scenario = parse(document);
		Run r = runner.run(scenario, profile, seed, untilStep);
		return ResponseEntity.created(URI.create("/api/simulations/" + r.simulationId()))
			.body(DocumentRunJson.of(r, runner.inline(r.trace())));
	}

	/**
	 * Reads a submitted document; its mistakes become one 400 problem with a
	 * {@code problems} list of {@code {step, field, message}}.
	 */
	static Scenario parse(String document) {
		return ScenarioDocuments.parse(document, "document", null);
	}

}
