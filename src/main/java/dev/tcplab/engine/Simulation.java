package dev.tcplab.engine;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.tcplab.engine.LoadSpec.LoadStats;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.SimulationView;

/**
 * One virtual network with its own virtual clock: a client host and a server host joined by two links, the
 * sockets on them and a trace recorder. This is the engine's public facade; everything else in the package is
 * detail. Not thread-safe: callers serialise access (the service holds one lock per simulation).
 * <p>
 * Time: the clock counts integer microseconds; the API speaks milliseconds (fractional where needed). Only the
 * scheduler advances the clock; events at equal times run in insertion order, so a seed and a sequence of calls
 * reproduce a trace byte for byte.
 */
public final class Simulation {

	public Simulation(SimulationConfig config) {
		throw new UnsupportedOperationException("engine not implemented yet");
	}

	public SimulationConfig config() {
		throw new UnsupportedOperationException();
	}

	public StackConstants constants() {
		throw new UnsupportedOperationException();
	}

	/** Virtual time now, in microseconds since the simulation began. */
	public long nowMicros() {
		throw new UnsupportedOperationException();
	}

	/** Virtual time now, in milliseconds. */
	public double nowMs() {
		return nowMicros() / 1000.0;
	}

	/**
	 * Opens a client/server pair: a listener on {@code serverPort} (created on first use, reused afterwards), a
	 * client socket bound to {@code clientPort} (null = ephemeral, skipping tuples in TIME_WAIT) that connects to
	 * it. With {@code establish} the clock runs until the three-way handshake has completed and the server has
	 * accepted; otherwise connect() is issued and the SYN is in flight.
	 * @throws EngineException EADDRINUSE when a pinned port cannot be bound, EADDRNOTAVAIL when no ephemeral port is
	 *                         free
	 * @throws IllegalArgumentException for ports outside 1..65535
	 */
	public PairView openPair(int serverPort, Integer clientPort, boolean clientReuseAddr, boolean establish) {
		throw new UnsupportedOperationException();
	}

	/** @throws java.util.NoSuchElementException for an unknown pair id */
	public PairView pair(int pairId) {
		throw new UnsupportedOperationException();
	}

	public boolean hasPair(int pairId) {
		throw new UnsupportedOperationException();
	}

	/**
	 * Applies a socket call, fault rule or poke to one side of a pair. A call the state forbids is not an
	 * exception: its result is the errno name, exactly as the socket API would answer.
	 * @throws java.util.NoSuchElementException for an unknown pair id
	 * @throws IllegalArgumentException for malformed arguments (negative byte counts, unknown shutdown how, …);
	 *                                  the simulation is left untouched
	 */
	public EventResult apply(int pairId, PairEvent event) {
		throw new UnsupportedOperationException();
	}

	/** Runs every event due within the next {@code ms} milliseconds and moves the clock to now + ms. */
	public EventResult advance(double ms) {
		throw new UnsupportedOperationException();
	}

	/**
	 * Runs events until none is left or {@code maxMs} of virtual time have passed; the clock stops at the last
	 * event run (or now + maxMs). Result is "idle" or "limit".
	 */
	public EventResult runUntilIdle(double maxMs) {
		throw new UnsupportedOperationException();
	}

	/** Runs all events scheduled at the earliest pending time; the clock moves to that time. */
	public EventResult step() {
		throw new UnsupportedOperationException();
	}

	/** Time of the next scheduled event in ms, or null when idle. */
	public Double nextEventAtMs() {
		throw new UnsupportedOperationException();
	}

	/** Starts a generated workload (see {@link LoadSpec}); returns immediately, the clock drives it. */
	public void startLoad(LoadSpec spec) {
		throw new UnsupportedOperationException();
	}

	/** Progress of the workload, or null if none was started. */
	public LoadStats loadStats() {
		throw new UnsupportedOperationException();
	}

	/** Trace events with seq ≥ max(since, oldestSeq()), in order. */
	public List<TraceEvent> eventsSince(long since) {
		throw new UnsupportedOperationException();
	}

	/** The seq the next recorded event will get. */
	public long nextSeq() {
		throw new UnsupportedOperationException();
	}

	/** The smallest seq still kept (older ones were compacted away). */
	public long oldestSeq() {
		throw new UnsupportedOperationException();
	}

	/** Called synchronously with every event as it is recorded (one listener; null removes it). */
	public void setTraceListener(Consumer<TraceEvent> listener) {
		throw new UnsupportedOperationException();
	}

	/** How many endpoints (client, server and listener sockets, incl. TIME_WAIT records) are in each state. */
	public Map<TcpState, Integer> census() {
		throw new UnsupportedOperationException();
	}

	/** Everything the API shows of this simulation now. */
	public SimulationView view() {
		throw new UnsupportedOperationException();
	}
}
