package dev.tcplab.simulation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tcplab.visitor.CurrentClient;

import org.springframework.stereotype.Component;

/**
 * Admission of jobs: at most {@code tcplab.budget.jobs.concurrent} on this instance and
 * {@code concurrent-per-client} per client address at once, so neither one visitor nor
 * many can keep every core busy with jobs. A job waits for an instance slot at most
 * {@code lock-wait}; a visitor over its own count is refused at once.
 */
@Component
public class JobGate {

	private final JobProperties properties;

	private final CurrentClient client;

	private final Semaphore running;

	private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

	public JobGate(JobProperties properties, CurrentClient client) {
		this.properties = properties;
		this.client = client;
		this.running = new Semaphore(properties.concurrentJobs());
	}

	public JobProperties properties() {
		return properties;
	}

	/** A job's place; closing it gives the place back. */
	public interface Admission extends AutoCloseable {

		@Override
		void close();

	}

	/**
	 * Admits a job of the current client.
	 * @throws JobBudgetExceededException {@code jobsPerClient} or {@code jobsBusy} (429
	 * with Retry-After)
	 */
	public Admission admit() {
		String who = client.address();
		AtomicInteger mine = perClient.computeIfAbsent(who, k -> new AtomicInteger());
		if (mine.incrementAndGet() > properties.concurrentPerClient()) {
			release(who, mine);
			throw new JobBudgetExceededException("jobsPerClient", properties.concurrentPerClient(), false, 1,
					"this client already runs " + properties.concurrentPerClient()
							+ " jobs (scenario runs, documents, comparisons, packetdrill scripts, replays) at once "
							+ "(tcplab.budget.jobs.concurrent-per-client); wait for one to finish");
		}
		if (!LockWait.within(properties.lockWait().toNanos(), running::tryAcquire)) {
			release(who, mine);
			throw new JobBudgetExceededException("jobsBusy", properties.concurrentJobs(), false, 1,
					"this instance already runs " + properties.concurrentJobs()
							+ " jobs at once (tcplab.budget.jobs.concurrent); retry in a moment");
		}
		boolean[] closed = { false };
		return () -> {
			synchronized (closed) {
				if (closed[0]) {
					return;
				}
				closed[0] = true;
			}
			running.release();
			release(who, mine);
		};
	}

	/** The budget of a job the current request runs, charged to its visitor. */
	public JobBudget budget() {
		return JobBudget.forRequest(properties, client.cpuAccount());
	}

	/** Jobs running now (for tests and metrics). */
	public int running() {
		return properties.concurrentJobs() - running.availablePermits();
	}

	private void release(String who, AtomicInteger mine) {
		if (mine.decrementAndGet() <= 0) {
			perClient.remove(who, mine);
		}
	}

}
