package dev.tcplab.visitor;

import dev.tcplab.simulation.LimitExceededException;

/**
 * A client sent requests faster than {@code tcplab.requests-per-second}; answered 429
 * with Retry-After.
 */
public class RateLimitedException extends LimitExceededException {

	private final long retryAfterSeconds;

	public RateLimitedException(long retryAfterSeconds, int perSecond, int burst) {
		super("requestsPerSecond", "too many requests from this client: at most " + perSecond
				+ " per second (bursts of " + burst + ") are allowed; retry after " + retryAfterSeconds + " s");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/** A limit other than the request rate that also asks the client to wait. */
	public RateLimitedException(String limit, String message, long retryAfterSeconds) {
		super(limit, message);
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public long retryAfterSeconds() {
		return retryAfterSeconds;
	}

}
