package dev.tcplab.simulation;

/**
 * The journal as a whole reached {@code tcplab.journal.max-total-bytes}: new simulations
 * are refused with 507 until retention frees space (docs/reliability.md "Journal disk
 * use").
 */
public class JournalFullException extends RuntimeException {

	public JournalFullException(String message) {
		super(message);
	}

}
