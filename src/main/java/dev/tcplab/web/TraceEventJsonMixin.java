package dev.tcplab.web;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.tcplab.engine.TraceEvent;

import org.springframework.boot.jackson.JacksonMixin;

/**
 * Gives every {@link TraceEvent} its {@code "type"} property in JSON (design.md "Trace
 * events") without putting Jackson annotations into the engine. Used by REST answers and
 * the WebSocket stream alike (both use the application's JsonMapper).
 */
@JacksonMixin(TraceEvent.class)
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = TraceEvent.State.class, name = "state"),
		@JsonSubTypes.Type(value = TraceEvent.Segment.class, name = "segment"),
		@JsonSubTypes.Type(value = TraceEvent.Call.class, name = "call"),
		@JsonSubTypes.Type(value = TraceEvent.Timer.class, name = "timer"),
		@JsonSubTypes.Type(value = TraceEvent.Note.class, name = "note"),
		@JsonSubTypes.Type(value = TraceEvent.Census.class, name = "census") })
abstract class TraceEventJsonMixin {

}
