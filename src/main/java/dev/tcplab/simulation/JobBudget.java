package dev.tcplab.simulation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import dev.tcplab.engine.EventResult;
import dev.tcplab.engine.Simulation;

/**
 * The budget of one job, checked while it runs: at every script operation
 * ({@link #checkpoint()}) and between slices of every clock move ({@link #advance},
 * {@link #runUntilIdle}), never only after the job. It counts
 * <ul>
 * <li>script operations (actions, repeat iterations, packetdrill lines, clock moves)
 * against {@code max-actions} and trace events recorded against {@code max-trace-events}:
 * the job's size, the same on every run (413 when exceeded);</li>
 * <li>CPU time and wall time against {@code max-cpu} and {@code max-wall}, and charges
 * the visitor's CPU bucket as it goes ({@link CpuAccount}): the moment's cost (429).</li>
 * </ul>
 * A clock move runs in slices of {@code slice-events} scheduled events; a sliced run
 * gives the same trace as one run (the engine stops after the last event run and goes on
 * from there). A rebuild replays a job with the size limits only ({@link #forReplay}):
 * the job completed within them the first time, so it completes the same way again,
 * whatever the machine's load.
 * <p>
 * Not thread-safe: one job, one thread.
 */
public final class JobBudget {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	/** Time limits are read at most this often (nanoseconds). */
	private static final long TIME_CHECK_NANOS = 1_000_000;

	private final long maxActions;

	private final long maxTraceEvents;

	private final int slice;

	private final long maxCpuNanos;

	private final long maxWallNanos;

	private final CpuAccount account;

	private final long startNanos = System.nanoTime();

	private final long startCpu;

	private long nextTimeCheck;

	private long actions;

	/** Trace events recorded by simulations this job finished with. */
	private long traceDone;

	private Simulation engine;

	private long traceFrom;

	private LiveSimulation live;

	private JobBudget(long maxActions, long maxTraceEvents, int slice, long maxCpuNanos, long maxWallNanos,
			CpuAccount account) {
		this.maxActions = maxActions;
		this.maxTraceEvents = maxTraceEvents;
		this.slice = slice;
		this.maxCpuNanos = maxCpuNanos;
		// the CPU clock is read only when a CPU limit is set
		this.startCpu = maxCpuNanos == Long.MAX_VALUE ? 0 : cpuNow();
		this.maxWallNanos = maxWallNanos;
		this.nextTimeCheck = this.startNanos + TIME_CHECK_NANOS;
		this.account = account;
	}

	/** The budget of a job a request runs: every limit, charged to {@code account}. */
	public static JobBudget forRequest(JobProperties p, CpuAccount account) {
		return new JobBudget(p.maxActions(), p.maxTraceEvents(), p.sliceEvents(), p.maxCpu().toNanos(),
				p.maxWall().toNanos(), account);
	}

	/**
	 * The budget of a job replayed from the journal: the size limits only (the job stayed
	 * within them when it ran), so a replay never stops where the original did not.
	 */
	public static JobBudget forReplay(JobProperties p) {
		return new JobBudget(p.maxActions(), p.maxTraceEvents(), p.sliceEvents(), Long.MAX_VALUE, Long.MAX_VALUE,
				CpuAccount.NONE);
	}

	/** No limits (tests, harnesses, code that runs outside any request). */
	public static JobBudget unlimited() {
		return new JobBudget(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
				CpuAccount.NONE);
	}

	/**
	 * The engine the job works on from now on (its trace events count against the budget
	 * from here).
	 */
	public void bind(Simulation engine) {
		if (this.engine != null) {
			this.traceDone += this.engine.nextSeq() - this.traceFrom;
		}
		this.engine = engine;
		this.traceFrom = engine.nextSeq();
	}

	/** Also stops the job when {@code live} is closed (deleted, expired, shut down). */
	void bind(LiveSimulation live) {
		this.live = live;
		bind(live.engine());
	}

	/** Script operations counted so far. */
	public long actions() {
		return actions;
	}

	/**
	 * Counts one script operation and checks every budget.
	 * @throws JobBudgetExceededException when one is used up
	 * @throws LimitExceededException when the visitor's CPU share is used up
	 * @throws SimulationNotFoundException when the job's simulation was closed meanwhile
	 */
	public void checkpoint() {
		if (++actions > maxActions) {
			throw new JobBudgetExceededException("jobActions", maxActions, true, 0,
					"the job ran " + maxActions
							+ " script operations (actions, repeat iterations, packetdrill lines or clock moves; "
							+ "tcplab.budget.jobs.max-actions) and was stopped; nothing was kept. Use fewer or smaller "
							+ "repeats, or split the document into several runs");
		}
		if (engine != null && traceDone + engine.nextSeq() - traceFrom > maxTraceEvents) {
			throw new JobBudgetExceededException("jobTraceEvents", maxTraceEvents, true, 0,
					"the job recorded more than " + maxTraceEvents
							+ " trace events (tcplab.budget.jobs.max-trace-events) and was stopped; "
							+ "nothing was kept. Use shorter clock moves, fewer connections, or trace level \"states\"");
		}
		long now = System.nanoTime();
		if (now >= nextTimeCheck) {
			nextTimeCheck = now + TIME_CHECK_NANOS;
			checkTime(now);
		}
	}

	private void checkTime(long now) {
		if (live != null && live.isClosed()) {
			throw new SimulationNotFoundException(live.id());
		}
		if (now - startNanos > maxWallNanos) {
			throw new JobBudgetExceededException("jobWallTime", maxWallNanos / 1_000_000, false, 1,
					"the job took longer than " + maxWallNanos / 1_000_000
							+ " ms of wall time (tcplab.budget.jobs.max-wall) and was stopped; nothing was kept. "
							+ "Retry when the server is less busy, or make the job smaller");
		}
		if (maxCpuNanos != Long.MAX_VALUE && cpuNow() - startCpu > maxCpuNanos) {
			throw new JobBudgetExceededException("jobCpuTime", maxCpuNanos / 1_000_000, true, 0,
					"the job used more than " + maxCpuNanos / 1_000_000
							+ " ms of CPU time (tcplab.budget.jobs.max-cpu) and was stopped; nothing was kept. "
							+ "Make the job smaller: shorter clock moves, fewer connections or repeats");
		}
		account.charge();
	}

	private static long cpuNow() {
		long t = THREADS.getCurrentThreadCpuTime();
		return t < 0 ? 0 : t;
	}

	/**
	 * {@link Simulation#advanceSilently(double)} in slices, the budget checked before
	 * each; the same trace as one call.
	 */
	public void advance(Simulation sim, double ms) {
		checkpoint();
		long target = sim.nowMicros() + Math.round(ms * 1000);
		boolean done = sim.advanceSilently(ms, slice);
		while (!done) {
			checkpoint();
			done = sim.advanceSilently((target - sim.nowMicros()) / 1000.0, slice);
		}
	}

	/**
	 * {@link Simulation#runUntilIdle(double)} in slices, the budget checked before each;
	 * the same trace as one call.
	 * @return "idle" or "limit"
	 */
	public Object runUntilIdle(Simulation sim, double maxMs) {
		checkpoint();
		long limit = sim.nowMicros() + Math.round(maxMs * 1000);
		EventResult r = sim.runUntilIdle(maxMs, slice);
		while (Simulation.BUDGET.equals(r.result())) {
			checkpoint();
			r = sim.runUntilIdle((limit - sim.nowMicros()) / 1000.0, slice);
		}
		return r.result();
	}

}
