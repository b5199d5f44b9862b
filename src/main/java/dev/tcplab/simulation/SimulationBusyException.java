package dev.tcplab.simulation;

/**
 * Another request has held the simulation for longer than
 * {@code tcplab.budget.jobs.lock-wait}; this one was not applied. Answered 429
 * {@code simulationBusy} with Retry-After.
 */
public class SimulationBusyException extends LimitExceededException {

	public SimulationBusyException(String id, long waitedMs) {
		super(429, "Simulation busy", "simulationBusy", "simulation " + id + " is busy with another request (waited "
				+ waitedMs + " ms, tcplab.budget.jobs.lock-wait); nothing was applied: retry in a moment", null, 1);
	}

}
