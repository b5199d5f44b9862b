package dev.tcplab.simulation;

/**
 * This instance's copy of a simulation was behind its journal (another instance appended
 * first). The copy has been dropped; the request can be retried and will be applied to a
 * copy rebuilt from the journal.
 */
public class StaleCopyException extends RuntimeException {

	private final String simulationId;

	public StaleCopyException(String simulationId) {
		super("simulation " + simulationId
				+ " was changed through another instance at the same moment; this request was not applied, retry it");
		this.simulationId = simulationId;
	}

	public String simulationId() {
		return simulationId;
	}

}
