package dev.tcplab.json;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.tcplab.engine.TraceEvent;

/**
 * Gives every {@link TraceEvent} its {@code "type"} property in JSON (docs/api.md,
 * "Trace") without putting Jackson annotations into the engine.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = TraceEvent.State.class, name = "state"),
		@JsonSubTypes.Type(value = TraceEvent.Segment.class, name = "segment"),
		@JsonSubTypes.Type(value = TraceEvent.Call.class, name = "call"),
		@JsonSubTypes.Type(value = TraceEvent.Timer.class, name = "timer"),
		@JsonSubTypes.Type(value = TraceEvent.Note.class, name = "note"),
		@JsonSubTypes.Type(value = TraceEvent.Census.class, name = "census") })
abstract class TraceEventJsonMixin {

}
