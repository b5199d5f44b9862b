package dev.tcplab.simulation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.tcplab.engine.TraceEvent;

/** Answer of the clock route. */
@Schema(description = "Where the clock is after the request and what ran meanwhile")
record ClockResponse(@Schema(description = "Virtual time now, ms", example = "60250.0") double nowMs,
		@Schema(description = "runUntilIdle: \"idle\" or \"limit\"; otherwise what the engine reported or \"ok\"",
				example = "idle") Object result,
		@Schema(description = "Trace events produced, in seq order") List<TraceEvent> trace,
		@Schema(example = "manual") String clock, boolean paused, @Schema(example = "1.0") double speed,
		@Schema(description = "Virtual time of the next scheduled event, null when idle") Double nextEventAtMs,
		@Schema(description = "Present when the trace was cut at tcplab.budget.max-inline-trace-events: "
				+ "read the rest with GET …/trace?since=traceContinuesAt") @JsonInclude(JsonInclude.Include.NON_NULL) Long traceContinuesAt) {
}
