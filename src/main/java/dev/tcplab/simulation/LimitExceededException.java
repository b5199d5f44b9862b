package dev.tcplab.simulation;

/**
 * A per-instance or per-simulation limit was hit; the API answers 429 with this message.
 */
public class LimitExceededException extends RuntimeException {

	private final String limit;

	public LimitExceededException(String limit, String message) {
		super(message);
		this.limit = limit;
	}

	/** Which limit, e.g. "maxSimulations". */
	public String limit() {
		return limit;
	}

}
