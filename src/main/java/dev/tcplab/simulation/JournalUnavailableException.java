package dev.tcplab.simulation;

/**
 * The journal could not be written or read (database down or failing); the request was
 * not applied.
 */
public class JournalUnavailableException extends RuntimeException {

	public JournalUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
