package dev.tcplab.simulation;

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

	public long retryAfterSeconds() {
		return retryAfterSeconds;
	}

}
