package dev.tcplab.simulation;

/**
 * A per-instance or per-simulation limit was hit; the API answers 429 with this message,
 * the {@code limit}, the {@code action} the person can take and, when waiting helps,
 * {@code Retry-After}.
 */
public class LimitExceededException extends ProblemException {

	private final String limit;

	private final String action;

	private final long retryAfterSeconds;

	public LimitExceededException(String limit, String message) {
		this(limit, message, null, 0);
	}

	/**
	 * @param action what the person can do about it, naming the route where there is one
	 * (null: the message says it)
	 * @param retryAfterSeconds a wait after which the same request may succeed, 0 for
	 * none
	 */
	public LimitExceededException(String limit, String message, String action, long retryAfterSeconds) {
		this(429, "Limit exceeded", limit, message, action, retryAfterSeconds);
	}

	/** A limit answered with another status or title than 429 "Limit exceeded". */
	protected LimitExceededException(int status, String title, String limit, String message, String action,
			long retryAfterSeconds) {
		super(status, title, message);
		member("limit", limit);
		this.limit = limit;
		this.action = action;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/** Which limit, e.g. "maxSimulations". */
	public String limit() {
		return limit;
	}

	/** What the person can do about it, or null when the message says it. */
	public String action() {
		return action;
	}

	/** Seconds after which the same request may succeed; 0 when waiting does not help. */
	public long retryAfterSeconds() {
		return retryAfterSeconds;
	}

}
