package dev.tcplab.comparison;

import dev.tcplab.comparison.ComparisonService.Comparison;
import dev.tcplab.comparison.ComparisonService.Difference;
import dev.tcplab.comparison.ComparisonService.Variant;
import dev.tcplab.comparison.ComparisonService.VariantRun;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.scenario.Scenario;
import dev.tcplab.scenario.ScenarioDocuments;
import dev.tcplab.scenario.ScenarioRunner;
import dev.tcplab.scenario.ScenarioRunner.NarrationStep;
import dev.tcplab.simulation.InlineTrace;
import dev.tcplab.simulation.SimulationService;
import dev.tcplab.web.UnknownScenario;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What-if comparisons of one scenario under 2–4 variants. */
@RestController
@RequestMapping("/api/comparisons")
@Tag(name = "comparisons", description = "One scenario under several profiles or stack constants, side by side")
class ComparisonController {

	private final ComparisonService comparisons;

	private final ScenarioRunner runner;

	private final SimulationService simulations;

	ComparisonController(ComparisonService comparisons, ScenarioRunner runner, SimulationService simulations) {
		this.comparisons = comparisons;
		this.runner = runner;
		this.simulations = simulations;
	}

	@Schema(description = "A what-if comparison",
			example = """
					{"scenario":"old-duplicate","variants":[{"label":"TIME_WAIT"},{"label":"no TIME_WAIT","overrides":{"timeWaitMs":0}}]}""")
	record ComparisonRequest(@Schema(
			description = "A built-in scenario's name, or a scenario document (as GET /api/scenarios/{name} answers)",
			example = "old-duplicate") @NotNull JsonNode scenario,
			@Schema(description = "2 to 4 variants") @NotNull @Size(min = 2,
					max = 4) List<@Valid @NotNull VariantJson> variants) {
	}

	@Schema(description = "One variant: what differs from the scenario as written")
	record VariantJson(@Schema(example = "no TIME_WAIT") @NotBlank @Size(max = 60) String label,
			@Schema(example = "linux") @Size(max = 32) String profile,
			@Schema(example = "7") @Min(0) @Max(9_007_199_254_740_991L) Long seed,
			@Schema(description = "Stack constants to override (see the simulation's `constants`)",
					example = "{\"timeWaitMs\":0}") Map<String, Object> overrides,
			@Schema(description = "Optional: this variant's own scenario (a built-in name or a document) instead of the comparison's, e.g. the same load with the other side closing first") JsonNode scenario) {
	}

	@Schema(description = "One variant's run")
	record VariantRunJson(String label, String profile, long seed, Map<String, Object> overrides, String simulationId,
			@Schema(description = "Whether every step's expectations held") boolean expectationsPassed,
			@Schema(description = "Read off the whole trace; each list holds at most tcplab.budget.max-inline-trace-events entries") TraceSummary summary,
			List<NarrationStep> narration,
			@Schema(description = "At most tcplab.budget.max-inline-trace-events events (see traceContinuesAt)") List<TraceEvent> trace,
			@Schema(description = "Present when the trace was cut: read the rest with GET /api/simulations/{simulationId}/trace?since=traceContinuesAt") @JsonInclude(JsonInclude.Include.NON_NULL) Long traceContinuesAt) {

		static VariantRunJson of(VariantRun v, int max) {
			InlineTrace t = InlineTrace.of(v.run().trace(), max);
			return new VariantRunJson(v.label(), v.profile(), v.seed(), v.overrides(), v.simulationId(),
					v.expectationsPassed(), v.summary().capped(max), v.run().narration(), t.events(), t.continuesAt());
		}
	}

	@Schema(description = "A finished comparison")
	record ComparisonJson(String scenario, List<VariantRunJson> variants, @Schema(
			description = "Each aspect whose value differs between the variants (list values hold at most tcplab.budget.max-inline-trace-events entries)") List<Difference> differences) {
	}

	@PostMapping
	@Operation(operationId = "compareVariants", summary = "Compare variants of a scenario",
			description = "Runs the scenario once per variant (each on its own live simulation) and answers each variant's trace, narration and summary — states per endpoint, segments on the wire, call results, time held in TIME_WAIT/FIN_WAIT_2, data delivered from another connection — plus the list of aspects that differ.")
	@ApiResponse(responseCode = "200", description = "Compared")
	@ApiResponse(responseCode = "400", description = "Bad variants, profile, overrides or document")
	@UnknownScenario
	ResponseEntity<ComparisonJson> compare(@Valid @RequestBody ComparisonRequest request) {
		Scenario scenario = scenario(request.scenario());
		List<Variant> variants = request.variants()
			.stream()
			.map(v -> new Variant(v.label(), v.profile(), v.seed(), v.overrides(),
					v.scenario() == null || v.scenario().isNull() ? null : scenario(v.scenario())))
			.toList();
		Comparison c = comparisons.compare(scenario, variants);
		int max = simulations.budget().maxInlineTraceEvents();
		ComparisonJson body = new ComparisonJson(c.scenario(),
				c.variants().stream().map(v -> VariantRunJson.of(v, max)).toList(),
				c.differences().stream().map(d -> d.capped(max)).toList());
		return ResponseEntity.ok(body);
	}

	private Scenario scenario(JsonNode node) {
		if (node.isString()) {
			return runner.scenario(node.asString());
		}
		if (!node.isObject()) {
			throw new IllegalArgumentException("scenario: a built-in scenario's name or a scenario document (object)");
		}
		return ScenarioDocuments.read(node, "scenario", null);
	}

}
