package dev.tcplab.simulation;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The journal's circuit breaker (docs/operations.md "Database outage"): after
 * {@code failures} database failures in a row it opens, and for {@code openFor} every
 * journal operation fails at once with {@link JournalUnavailableException} (503,
 * {@code Retry-After}) instead of each request waiting for the pool's timeout. Then one
 * operation at a time may try (half open); its success closes the circuit, its failure
 * opens it again. Refusals of the data (duplicate entry numbers, a deleted simulation)
 * and damage (see {@link JournalDamage}) are answers, not failures.
 */
final class JournalCircuit {

	private static final Log logger = LogFactory.getLog(JournalCircuit.class);

	enum State {

		CLOSED, OPEN, HALF_OPEN

	}

	private final int failuresToOpen;

	private final long openForNanos;

	private final AtomicInteger failures = new AtomicInteger();

	private final AtomicBoolean probing = new AtomicBoolean();

	private volatile long openUntilNanos;

	private volatile boolean open;

	private volatile long openedTimes;

	JournalCircuit(int failuresToOpen, java.time.Duration openFor) {
		this.failuresToOpen = Math.max(1, failuresToOpen);
		this.openForNanos = openFor.toNanos();
	}

	State state() {
		if (!open) {
			return State.CLOSED;
		}
		return System.nanoTime() - openUntilNanos >= 0 ? State.HALF_OPEN : State.OPEN;
	}

	long openedTimes() {
		return openedTimes;
	}

	/**
	 * Lets an operation through, or refuses it at once while the circuit is open (and
	 * while another operation probes a half-open circuit).
	 * @return true when this caller is the probe (it must report success or failure)
	 */
	boolean acquire() {
		if (!open) {
			return false;
		}
		if (System.nanoTime() - openUntilNanos >= 0 && probing.compareAndSet(false, true)) {
			return true;
		}
		throw refusal();
	}

	private static JournalUnavailableException refusal() {
		return new JournalUnavailableException(
				"the simulation journal (database) is unreachable; retry in a moment (circuit open)", null, false);
	}

	/**
	 * Refuses at once while the circuit is open and not yet due for a try; otherwise lets
	 * the caller hand its operation to the writer (which probes a half-open circuit).
	 */
	void acquireOrRefuse() {
		if (open && System.nanoTime() - openUntilNanos < 0) {
			throw refusal();
		}
	}

	void success(boolean probe) {
		failures.set(0);
		if (open) {
			open = false;
			logger.warn("journal database reachable again: circuit closed");
		}
		if (probe) {
			probing.set(false);
		}
	}

	/** Records the outcome of a failed operation; true when it was a database failure. */
	boolean failure(Throwable ex, boolean probe) {
		if (probe) {
			probing.set(false);
		}
		if (!isOutage(ex)) {
			if (probe) {
				success(false);
			}
			return false;
		}
		if (probe || failures.incrementAndGet() >= failuresToOpen) {
			openUntilNanos = System.nanoTime() + openForNanos;
			if (!open) {
				openedTimes++;
				logger.warn("journal database unreachable: circuit open for " + openForNanos / 1_000_000
						+ " ms at a time (" + ex + ")");
			}
			open = true;
		}
		return true;
	}

	/**
	 * A failure to reach or use the database, as opposed to a refusal of the data or a
	 * conflict between two transactions (a deadlock: the writer then writes each
	 * operation on its own).
	 */
	static boolean isOutage(Throwable ex) {
		if (ex instanceof DataIntegrityViolationException || ex instanceof ConcurrencyFailureException
				|| JournalDamage.isCorruption(ex)) {
			return false;
		}
		return ex instanceof DataAccessException || ex instanceof SQLException
				|| ex instanceof org.springframework.transaction.TransactionException
				|| ex instanceof java.util.concurrent.TimeoutException;
	}

}
