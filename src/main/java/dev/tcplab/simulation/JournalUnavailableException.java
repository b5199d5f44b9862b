package dev.tcplab.simulation;

import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * The journal could not be written or read (database down or failing); the request was
 * not applied (503 with {@code Retry-After}).
 */
public class JournalUnavailableException extends RuntimeException {

	private final boolean maybeStored;

	public JournalUnavailableException(String message, Throwable cause) {
		this(message, cause, !(cause == null || cause instanceof CannotGetJdbcConnectionException
				|| cause instanceof org.springframework.transaction.CannotCreateTransactionException));
	}

	JournalUnavailableException(String message, Throwable cause, boolean maybeStored) {
		super(message, cause);
		this.maybeStored = maybeStored;
	}

	/**
	 * False when nothing reached the database (the circuit was open, no connection could
	 * be had): an in-memory copy is still exactly its journal.
	 */
	public boolean maybeStored() {
		return maybeStored;
	}

}
