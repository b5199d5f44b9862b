package dev.tcplab.scenario;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/scenarios/{name}/runs}; optional. */
@Schema(description = "How to run a scenario", example = "{\"profile\":\"linux\",\"seed\":7}")
record ScenarioRunRequest(
		@Schema(description = "Stack profile", example = "linux",
				defaultValue = "linux") @Size(max = 32) String profile,
		@Schema(description = "RNG seed; random when absent",
				example = "7") @Min(0) @Max(9_007_199_254_740_991L) Long seed,
		@Schema(description = "Run only steps 1..untilStep; the simulation stays live there (default: every step)",
				example = "3") @Min(1) @Max(100) Integer untilStep) {
}
