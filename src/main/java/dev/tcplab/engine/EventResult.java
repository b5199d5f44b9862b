package dev.tcplab.engine;

import java.util.List;

/**
 * What applying a {@link PairEvent} or moving the clock produced.
 *
 * @param result for socket calls: 0, a byte count (Integer), an errno name (String) or
 * "pending" for a call that blocks; for faults and pokes: "ok"
 * @param trace the trace events this request produced, in seq order (empty at trace level
 * NONE)
 */
public record EventResult(Object result, List<TraceEvent> trace) {
}
