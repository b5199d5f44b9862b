package dev.tcplab.simulation;

import dev.tcplab.simulation.SimulationService.Snapshot;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.SimulationView;
import dev.tcplab.engine.TcpState;

/**
 * The simulation JSON of design.md: engine view plus the service's clock settings. The
 * REST answers and the WebSocket snapshot both use it, so a client can treat them alike.
 */
@Schema(description = "A live simulation")
public record SimulationJson(
		@Schema(description = "Unguessable id (UUID)", example = "3f1c2b9e-3a44-4a5e-9d2b-0c7f1f1b6a10") String id,
		@Schema(example = "linux") String profile,
		@Schema(description = "RNG seed (reported even when chosen at random)", example = "42") long seed,
		@Schema(example = "manual") String clock, @Schema(example = "1.0") double speed, boolean paused,
		@Schema(description = "Virtual time now, ms", example = "30.0") double nowMs,
		@Schema(example = "10.0") double latencyMs, @Schema(example = "full") String traceLevel, boolean pinnedIsn,
		@Schema(example = "10.0.0.2") String clientAddress, @Schema(example = "10.0.0.1") String serverAddress,
		@Schema(description = "Every stack constant in force (profile preset plus overrides)") Map<String, Object> constants,
		@Schema(description = "Pairs with both endpoints' states, TCB variables, timers and the listener") List<PairView> pairs,
		@Schema(description = "Endpoints per TCP state") Map<TcpState, Integer> census,
		@Schema(description = "Seq the next trace event will get") long nextSeq,
		@Schema(description = "Smallest seq still kept (moves on when the trace is compacted)") long oldestSeq,
		@Schema(description = "Virtual time of the next scheduled event, null when idle") Double nextEventAtMs,
		@Schema(description = "The engine version that made what this simulation shows. When its journal was written by another engine version, recordedBy lists those versions and traceMatchesRecording says whether this engine's replay gave the same trace; when it did not, recordedTraceServed is true: the trace shown is the recorded one and the simulation is read-only (409 on changes)") SimulationService.EngineInfo engine) {

	public static SimulationJson of(Snapshot s) {
		SimulationView v = s.view();
		return new SimulationJson(s.id(), s.profile(), s.seed(), s.clock().wireName(), s.speed(), s.paused(), v.nowMs(),
				s.latencyMs(), s.traceLevel().name().toLowerCase(java.util.Locale.ROOT), s.pinnedIsn(),
				s.clientAddress(), s.serverAddress(), v.constants(), v.pairs(), v.census(), v.nextSeq(), v.oldestSeq(),
				v.nextEventAtMs(), s.engine());
	}
}
