package dev.tcplab.simulation;

import java.util.concurrent.TimeUnit;

/**
 * A bounded wait for a lock or a permit ({@code tcplab.budget.jobs.lock-wait}): an
 * interrupted wait is a failed one, with the thread's interrupt flag kept.
 */
final class LockWait {

	/** A timed acquisition: {@code Lock::tryLock}, {@code Semaphore::tryAcquire}. */
	@FunctionalInterface
	interface TimedAcquire {

		boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException;

	}

	private LockWait() {
	}

	/** Whether {@code acquire} succeeded within {@code nanos}. */
	static boolean within(long nanos, TimedAcquire acquire) {
		try {
			return acquire.tryAcquire(nanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
