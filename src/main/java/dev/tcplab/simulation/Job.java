package dev.tcplab.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * One request's job that makes its own simulations (a scenario run, a document, a
 * comparison, a packetdrill script, a capture replay): admitted by {@link JobGate}, run
 * within one {@link JobBudget}, every simulation it makes journaled by the job's own
 * entry. Use it in try-with-resources and {@link #commit()} at the end: a job that is
 * closed without a commit (refused, stopped by its budget, failed) deletes every
 * simulation it made, journal included, so a rejected job leaves nothing behind.
 *
 * <pre>
 * try (Job job = simulations.job(SimulationKind.PACKETDRILL)) {
 *     Result r = job.run(spec, "packetdrill script", "packetdrill", new ScriptEntry(text),
 *             (live, budget) -&gt; …);
 *     job.commit();
 *     return r;
 * }
 * </pre>
 */
public final class Job implements AutoCloseable {

	private final SimulationService service;

	private final SimulationKind kind;

	private final JobBudget budget;

	private final JobGate.Admission admission;

	private final List<String> made = new ArrayList<>();

	private boolean committed;

	Job(SimulationService service, SimulationKind kind, JobBudget budget, JobGate.Admission admission) {
		this.service = service;
		this.kind = kind;
		this.budget = budget;
		this.admission = admission;
	}

	/**
	 * Creates a simulation for this job, journals the job's entry on it and runs
	 * {@code body} with its lock held, within the job's budget.
	 * @param label a short description of the simulation (a scenario's name, …)
	 * @param entryKind the journal entry kind a {@link JournalReplayer} replays
	 * @param entry the entry's payload: everything the replay needs to run the job again
	 * (the document or script text itself where there is no name to find it by), or null
	 * to keep the simulation in memory only (a restart or another instance then answers
	 * 404 for it)
	 */
	public <T> T run(SimulationSpec spec, String label, String entryKind, Object entry,
			BiFunction<LiveSimulation, JobBudget, T> body) {
		LiveSimulation live = service.create(spec, kind, label);
		made.add(live.id());
		return live.withLock(s -> {
			if (entry != null) {
				service.journal().record(s, entryKind, entry);
			}
			else {
				service.journal().forget(s);
			}
			budget.bind(s);
			return body.apply(s, budget);
		});
	}

	/** The job succeeded: its simulations stay. */
	public void commit() {
		committed = true;
	}

	/**
	 * Gives the job's place back; without {@link #commit()} first, deletes every
	 * simulation the job made.
	 */
	@Override
	public void close() {
		try {
			if (!committed) {
				for (String id : made) {
					try {
						service.delete(id);
					}
					catch (RuntimeException gone) {
						// deleted or expired meanwhile, or the journal is down: the
						// job's own failure is what the client learns
					}
				}
			}
		}
		finally {
			admission.close();
		}
	}

}
