package dev.tcplab.simulation;

/**
 * A job ran out of one of its budgets ({@link JobBudget}) and was stopped. When the job
 * made its own simulation, that simulation is deleted: nothing is left behind. A budget
 * the same request would exceed again (actions, trace events) is answered 413; one that
 * depends on the moment (CPU time, wall time, jobs running at once) 429 with Retry-After.
 */
public class JobBudgetExceededException extends LimitExceededException {

	/**
	 * @param max the limit's value (a count, or milliseconds for time budgets)
	 * @param sizeOfTheJob true when the job itself is too large (the same request would
	 * be stopped again: 413); false when the moment is (429, retry later)
	 */
	public JobBudgetExceededException(String limit, long max, boolean sizeOfTheJob, long retryAfterSeconds,
			String message) {
		super(sizeOfTheJob ? 413 : 429, sizeOfTheJob ? "Job too large for its budget" : "Job budget exceeded", limit,
				message, null, retryAfterSeconds);
		member("max", max);
	}

}
