package dev.tcplab.simulation;

/**
 * A job ran out of one of its budgets ({@link JobBudget}) and was stopped. When the job
 * made its own simulation, that simulation is deleted: nothing is left behind. A budget
 * the same request would exceed again (actions, trace events) is answered 413; one that
 * depends on the moment (CPU time, wall time, jobs running at once) 429 with Retry-After.
 */
public class JobBudgetExceededException extends LimitExceededException {

	private final long max;

	private final boolean sizeOfTheJob;

	public JobBudgetExceededException(String limit, long max, boolean sizeOfTheJob, long retryAfterSeconds,
			String message) {
		super(limit, message, null, retryAfterSeconds);
		this.max = max;
		this.sizeOfTheJob = sizeOfTheJob;
	}

	/** The limit's value (a count, or milliseconds for time budgets). */
	public long max() {
		return max;
	}

	/**
	 * True when the job itself is too large (the same request would be stopped again:
	 * 413); false when the moment is (429, retry later).
	 */
	public boolean sizeOfTheJob() {
		return sizeOfTheJob;
	}

}
