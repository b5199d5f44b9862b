package dev.tcplab.simulation;

/** No live simulation has this id (never existed, deleted or evicted). */
public class SimulationNotFoundException extends RuntimeException {

	public SimulationNotFoundException(String id) {
		super("no simulation with id \"" + id + "\" (it never existed, was deleted, or was evicted after being idle)");
	}

}
