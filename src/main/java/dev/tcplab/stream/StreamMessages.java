package dev.tcplab.stream;

import dev.tcplab.simulation.SimulationJson;

/**
 * The stream's own (non-trace) messages. Trace events themselves are sent as the
 * application's JsonMapper writes {@link dev.tcplab.engine.TraceEvent} (with
 * {@code "type"}). Field names are a contract (docs/stream.md).
 */
final class StreamMessages {

	/** Sent when nothing else was sent for {@code tcplab.stream.heartbeat-interval}. */
	static final String HEARTBEAT = "{\"type\":\"heartbeat\"}";

	private StreamMessages() {
	}

	/**
	 * First message of every connection. Trace events with seq ≥ {@code since} follow;
	 * those below {@code nextSeq} are history already reflected in {@code simulation}.
	 */
	record Snapshot(String type, SimulationJson simulation, long nextSeq, long oldestSeq, long since) {
		Snapshot(SimulationJson simulation, long nextSeq, long oldestSeq, long since) {
			this("snapshot", simulation, nextSeq, oldestSeq, since);
		}
	}

	/**
	 * A problem the client should know about; the stream goes on unless a close follows.
	 */
	record Error(String type, String code, long oldestSeq, String message) {
		Error(String code, long oldestSeq, String message) {
			this("error", code, oldestSeq, message);
		}
	}

	/**
	 * Where the virtual clock is (at most a few per second while it runs; immediately on
	 * pause/resume/speed).
	 */
	record Clock(String type, double nowMs, boolean paused, double speed, String clock) {
		Clock(double nowMs, boolean paused, double speed, String clock) {
			this("clock", nowMs, paused, speed, clock);
		}
	}

	/**
	 * The simulation was deleted or evicted; the server closes the connection (1000)
	 * right after.
	 */
	record Closed(String type, String reason) {
		Closed(String reason) {
			this("closed", reason);
		}
	}

}
