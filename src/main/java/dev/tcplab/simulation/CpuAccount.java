package dev.tcplab.simulation;

/**
 * Where a job's CPU time is charged while it runs: the per-visitor CPU budget of the
 * request that started it ({@code dev.tcplab.visitor.ClientCpuBudget}).
 */
@FunctionalInterface
public interface CpuAccount {

	/** Charges nothing (rebuilds, tests, work outside a request). */
	CpuAccount NONE = () -> {
	};

	/**
	 * Charges the CPU time this thread used since the last call.
	 * @throws LimitExceededException when the account is overdrawn: the job must stop
	 */
	void charge();

}
