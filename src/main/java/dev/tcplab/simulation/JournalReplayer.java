package dev.tcplab.simulation;

/**
 * Replays journal entries of a kind the simulation package does not know itself (for
 * example a scenario run). Implementations are Spring beans; they run with the
 * simulation's lock held and must do exactly what the original request did.
 */
public interface JournalReplayer {

	/** The entry kind this replayer handles. */
	String kind();

	/**
	 * Applies one entry to a simulation being rebuilt.
	 * @param payload the entry's JSON, as given to {@link SimulationJournal#record}
	 */
	void replay(LiveSimulation simulation, String payload);

}
