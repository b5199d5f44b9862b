package dev.tcplab.capture;

/**
 * An upload is larger than this instance analyses (bytes, connections, CPU time): 413
 * problem+json naming the {@link #limit()} and what to do instead.
 */
public class CaptureLimitException extends RuntimeException {

	private final String limit;

	public CaptureLimitException(String limit, String message) {
		super(message);
		this.limit = limit;
	}

	public String limit() {
		return this.limit;
	}

}
