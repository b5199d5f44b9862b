package dev.tcplab.simulation;

/**
 * The journal of a simulation cannot be read or replayed (a damaged database file, a
 * missing entry): the API answers 410 with the reason. The simulation cannot come back;
 * the rest of the journal is served as usual.
 */
public class JournalDamagedException extends RuntimeException {

	private final String simulationId;

	JournalDamagedException(String simulationId, String reason, Throwable cause) {
		super("the journal of simulation " + simulationId + " is damaged (" + reason
				+ "); it cannot be rebuilt. Create a new simulation; the operator has been told", cause);
		this.simulationId = simulationId;
	}

	public String simulationId() {
		return simulationId;
	}

}
