package dev.tcplab.simulation;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/simulations}; every field is optional. */
@Schema(description = "A new simulation. Every field is optional.", example = """
		{"profile":"linux","seed":42,"latencyMs":10,"clock":"manual","overrides":{"timeWaitMs":0}}""")
record CreateSimulationRequest(
		@Schema(description = "Stack profile: rfc9293, linux, bsd or windows", example = "linux",
				defaultValue = "linux") @Size(max = 32) String profile,
		@Schema(description = "Seed of the simulation's RNG (ISNs, ephemeral ports); random when absent and reported back",
				example = "42") @Min(0) @Max(9_007_199_254_740_991L) Long seed,
		@Schema(description = "One-way latency of every link in ms", example = "10",
				defaultValue = "10") @DecimalMin("0") @DecimalMax("60000") Double latencyMs,
		@Schema(description = "manual (time moves only through /clock) or realtime (virtual time follows wall time × speed)",
				example = "manual", defaultValue = "manual", allowableValues = {
						"manual", "realtime" }) @Size(max = 16) String clock,
		@Schema(description = "Realtime speed factor", example = "1.0",
				defaultValue = "1.0") @DecimalMin(LiveSimulation.MIN_SPEED) @DecimalMax(LiveSimulation.MAX_SPEED) Double speed,
		@Schema(description = "Stack constants to override, by name (see the constants of a simulation)",
				example = "{\"timeWaitMs\":0}") @Size(max = 32) Map<String, Object> overrides,
		@Schema(description = "full, states (no segments/timers) or none", example = "full",
				defaultValue = "full") @Size(max = 16) String traceLevel,
		@Schema(description = "IPv4 address of the client host", example = "10.0.0.2",
				defaultValue = "10.0.0.2") @Size(max = 15) String clientAddress,
		@Schema(description = "IPv4 address of the server host", example = "10.0.0.1",
				defaultValue = "10.0.0.1") @Size(max = 15) String serverAddress,
		@Schema(description = "Use teaching ISNs (client 1000, server 5000) instead of random ones",
				defaultValue = "false") Boolean pinnedIsn,
		@Schema(description = "Keep pairs whose endpoints are all CLOSED in the simulation JSON",
				defaultValue = "true") Boolean retainClosedPairs){

	SimulationSpec toSpec() {
		return new SimulationSpec(profile, seed, latencyMs, clock, speed, overrides, traceLevel, clientAddress,
				serverAddress, pinnedIsn, retainClosedPairs);
	}

	static CreateSimulationRequest empty() {
		return new CreateSimulationRequest(null, null, null, null, null, null, null, null, null, null, null);
	}
}
