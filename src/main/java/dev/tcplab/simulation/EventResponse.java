package dev.tcplab.simulation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.tcplab.engine.TraceEvent;

/** Answer of the events route. */
@Schema(description = "What one event did",
		example = "{\"result\":0,\"trace\":[{\"seq\":12,\"timeMs\":30.0,\"type\":\"call\",\"pair\":1,\"endpoint\":\"client\",\"call\":\"close\",\"args\":{},\"result\":0,\"blocking\":false,\"completed\":false}]}")
record EventResponse(@Schema(
		description = "Socket calls: 0, a byte count, an errno name (EPIPE, ENOTCONN, …) or \"pending\" for a blocking call; faults and pokes: \"ok\"",
		example = "0") Object result,
		@Schema(description = "Trace events this call produced, in seq order") List<TraceEvent> trace,
		@Schema(description = "Present when the trace was cut at tcplab.budget.max-inline-trace-events: "
				+ "read the rest with GET …/trace?since=traceContinuesAt") @JsonInclude(JsonInclude.Include.NON_NULL) Long traceContinuesAt) {
}
