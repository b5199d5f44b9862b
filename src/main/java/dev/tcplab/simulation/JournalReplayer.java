package dev.tcplab.simulation;

/**
 * Replays journal entries of a kind the simulation package does not know itself (a
 * scenario run, an author's document, a packetdrill script, a capture replay: the jobs of
 * {@link SimulationKind} that {@link SimulationService#job} journals). Implementations
 * are Spring beans; they run with the simulation's lock held and must do exactly what the
 * original request did.
 */
public interface JournalReplayer {

	/** The entry kind this replayer handles. */
	String kind();

	/**
	 * Applies one entry to a simulation being rebuilt.
	 * @param payload the entry's JSON, as given to {@link SimulationJournal#record}
	 * @param budget the job's budget for a replay (size limits only), to run the job
	 * through as it ran the first time
	 */
	void replay(LiveSimulation simulation, String payload, JobBudget budget);

	/**
	 * The replayer of {@code kind} entries whose payload is the JSON of a {@code type}
	 * (as {@link SimulationJournal#record} wrote it).
	 */
	static <P> JournalReplayer of(String kind, Class<P> type, SimulationJournal journal, Replay<P> replay) {
		return new JournalReplayer() {

			@Override
			public String kind() {
				return kind;
			}

			@Override
			public void replay(LiveSimulation simulation, String payload, JobBudget budget) {
				replay.replay(simulation, journal.fromJson(payload, type), budget);
			}

		};
	}

	/** Applies one entry's decoded payload; see {@link #replay}. */
	@FunctionalInterface
	interface Replay<P> {

		void replay(LiveSimulation simulation, P payload, JobBudget budget);

	}

}
