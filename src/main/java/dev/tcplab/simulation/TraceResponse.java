package dev.tcplab.simulation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.tcplab.engine.TraceEvent;

/** Answer of the trace route. */
@Schema(description = "Kept trace events with seq ≥ since")
record TraceResponse(@Schema(description = "Events in seq order") List<TraceEvent> events,
		@Schema(description = "Pass this as `since` next time to get only newer events", example = "42") long nextSeq,
		@Schema(description = "Smallest seq still kept; compaction of long traces moves it on",
				example = "0") long oldestSeq,
		@Schema(description = "Present and true when `since` was older than oldestSeq: the events in between were compacted away",
				example = "true") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean truncated,
		@Schema(description = "Behaviour version of the engine that made these events (docs/operations.md \"Upgrades\"); another version when the simulation serves a trace recorded by it",
				example = "1") int engineVersion) {
}
