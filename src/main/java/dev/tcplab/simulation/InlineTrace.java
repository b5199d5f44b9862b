package dev.tcplab.simulation;

import java.util.List;

import dev.tcplab.engine.TraceEvent;

/**
 * The part of a request's trace returned inline: at most {@code max} events
 * ({@code tcplab.budget.max-inline-trace-events}), and where the rest starts
 * ({@code GET …/trace?since=continuesAt}) when it was cut. Keeps a 200-byte request from
 * returning megabytes; every route that answers a trace uses it.
 */
public record InlineTrace(List<TraceEvent> events, Long continuesAt) {

	public static InlineTrace of(List<TraceEvent> trace, int max) {
		if (trace.size() <= max) {
			return new InlineTrace(trace, null);
		}
		return new InlineTrace(List.copyOf(trace.subList(0, max)), trace.get(max).seq());
	}

}
