package dev.tcplab.simulation;

/**
 * What changes a simulation, known when the simulation is created or the request arrives.
 * Every kind goes through {@link SimulationService} (the one door), is journaled so that
 * a rebuild gives the byte-identical trace, and runs within the budget of
 * {@link JobBudget}. The one-shot kinds create their own simulation; when such a job is
 * refused or stopped, the simulation it made is deleted.
 */
public enum JobKind {

	/**
	 * {@code POST /api/simulations}: a simulation on its own, driven by later requests.
	 */
	SIMULATION(false),
	/** A pair opened through the API (journal entry {@code pair}). */
	PAIR(false),
	/** A socket call, fault or poke through the API (journal entry {@code event}). */
	EVENT(false),
	/** A clock command through the API (journal entry {@code clock}). */
	CLOCK(false),
	/**
	 * A built-in scenario run (journal entry {@code scenario}: its name and untilStep).
	 */
	SCENARIO(true),
	/**
	 * An author's scenario document (journal entry {@code document}: the document
	 * itself).
	 */
	DOCUMENT(true),
	/**
	 * One variant of a what-if comparison (journal entry {@code scenario} or
	 * {@code document}).
	 */
	COMPARISON(true),
	/**
	 * A packetdrill script run in the lab (journal entry {@code packetdrill}: the
	 * script).
	 */
	PACKETDRILL(true),
	/**
	 * A capture replayed in the lab; the capture package journals its own entry kind and
	 * registers a {@link JournalReplayer} for it.
	 */
	REPLAY(true);

	private final boolean oneShot;

	JobKind(boolean oneShot) {
		this.oneShot = oneShot;
	}

	/** A job that creates its own simulation and runs to its end within one request. */
	public boolean oneShot() {
		return oneShot;
	}

}
