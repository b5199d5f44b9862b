package dev.tcplab.simulation;

import dev.tcplab.engine.TraceEvent;

/**
 * Receives a live simulation's trace as it is recorded. Methods are called while the
 * simulation's lock is held, in seq order, exactly once per event: implementations must
 * not block (hand the event to a queue and return).
 */
public interface TraceSubscriber {

	void onEvent(TraceEvent event);

	/** Virtual clock moved (realtime runner), at most a few times a second. */
	default void onClock(double nowMs, boolean paused, double speed) {
	}

	/** The simulation was deleted or evicted; no more events will come. */
	default void onClosed(String reason) {
	}

}
