package dev.tcplab.engine;

/**
 * How much the trace recorder keeps. FULL: every event. STATES: state transitions, calls
 * and notes only (no segments, no timers). NONE: nothing is recorded; only the per-state
 * census counter is maintained.
 */
public enum TraceLevel {

	FULL, STATES, NONE

}
