package dev.tcplab.web;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logging that cannot fill a disk: at most {@code perMinute} messages (with their stack
 * traces) per minute through one instance; beyond that, messages are only counted, and
 * the next message that gets through says how many were left out. Client errors are not
 * logged at all (they are the client's, and a hostile client makes as many as it likes);
 * this is for server faults, which may also be provoked in bulk.
 */
public final class RateLimitedLog {

	private static final long MINUTE = 60_000_000_000L;

	private final int perMinute;

	private final AtomicLong suppressed = new AtomicLong();

	private long windowStart = System.nanoTime();

	private int inWindow;

	RateLimitedLog(int perMinute) {
		this.perMinute = perMinute;
	}

	/** Ten messages a minute. */
	public static RateLimitedLog errors() {
		return new RateLimitedLog(10);
	}

	/**
	 * Logs at ERROR with the stack trace, unless this minute's share is used up.
	 * @return whether it was logged
	 */
	public boolean error(Logger log, String message, Throwable ex) {
		if (!admit()) {
			return false;
		}
		log.error(message + leftOut(), ex);
		return true;
	}

	/** Logs at WARN without a stack trace, unless this minute's share is used up. */
	public boolean warn(Logger log, String message) {
		if (!admit()) {
			return false;
		}
		log.warn(message + leftOut());
		return true;
	}

	private synchronized boolean admit() {
		long now = System.nanoTime();
		if (now - windowStart >= MINUTE) {
			windowStart = now;
			inWindow = 0;
		}
		if (inWindow >= perMinute) {
			suppressed.incrementAndGet();
			return false;
		}
		inWindow++;
		return true;
	}

	private String leftOut() {
		long n = suppressed.getAndSet(0);
		return n == 0 ? "" : " (" + n + " similar messages were left out, at most " + perMinute + " a minute)";
	}

	/** Messages left out since the last one logged (for tests). */
	long suppressed() {
		return suppressed.get();
	}

}
