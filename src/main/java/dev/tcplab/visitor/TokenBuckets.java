package dev.tcplab.visitor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per visitor: {@code capacity} tokens, refilled continuously at
 * {@code refillPerSecond}. A bucket may be charged below zero (work whose cost is known
 * only afterwards, such as CPU time); the visitor then waits until it is positive again.
 * Buckets that have refilled completely are forgotten by {@link #forgetFull(long)}, so
 * memory stays bounded by the visitors active recently. Time is passed in as
 * {@link System#nanoTime()} values so tests can drive it.
 */
public final class TokenBuckets {

	private final double capacity;

	private final double perNano;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	public TokenBuckets(double capacity, double refillPerSecond) {
		if (!(capacity > 0) || !(refillPerSecond > 0)) {
			throw new IllegalArgumentException("capacity and refill rate must be positive");
		}
		this.capacity = capacity;
		this.perNano = refillPerSecond / 1e9;
	}

	/**
	 * Takes {@code amount} tokens from {@code key}'s bucket if it holds them.
	 * @return 0 when taken, otherwise the whole seconds (≥ 1) until they would be there
	 */
	public long tryTake(String key, double amount, long nowNanos) {
		Bucket b = this.buckets.computeIfAbsent(key, k -> new Bucket(this.capacity, nowNanos));
		synchronized (b) {
			b.refill(nowNanos, this.perNano, this.capacity);
			if (b.tokens >= amount) {
				b.tokens -= amount;
				return 0;
			}
			return secondsUntil(amount - b.tokens);
		}
	}

	/**
	 * @return 0 when {@code key}'s bucket is above zero (or unknown), otherwise the whole
	 * seconds (≥ 1) until it is
	 */
	public long waitWhileOverdrawn(String key, long nowNanos) {
		Bucket b = this.buckets.get(key);
		if (b == null) {
			return 0;
		}
		synchronized (b) {
			b.refill(nowNanos, this.perNano, this.capacity);
			return b.tokens > 0 ? 0 : secondsUntil(-b.tokens);
		}
	}

	/** Takes {@code amount} tokens whatever the bucket holds; it may go below zero. */
	public void charge(String key, double amount, long nowNanos) {
		Bucket b = this.buckets.computeIfAbsent(key, k -> new Bucket(this.capacity, nowNanos));
		synchronized (b) {
			b.refill(nowNanos, this.perNano, this.capacity);
			b.tokens -= amount;
		}
	}

	/** Forgets every bucket that has refilled completely. */
	public void forgetFull(long nowNanos) {
		this.buckets.entrySet().removeIf(e -> {
			Bucket b = e.getValue();
			synchronized (b) {
				b.refill(nowNanos, this.perNano, this.capacity);
				return b.tokens >= this.capacity;
			}
		});
	}

	/** Visitors with a bucket (for tests and metrics). */
	public int size() {
		return this.buckets.size();
	}

	private long secondsUntil(double missing) {
		return Math.max(1, (long) Math.ceil(missing / this.perNano / 1e9));
	}

	private static final class Bucket {

		double tokens;

		long lastNanos;

		Bucket(double tokens, long nowNanos) {
			this.tokens = tokens;
			this.lastNanos = nowNanos;
		}

		void refill(long nowNanos, double perNano, double capacity) {
			if (nowNanos > this.lastNanos) {
				this.tokens = Math.min(capacity, this.tokens + (nowNanos - this.lastNanos) * perNano);
				this.lastNanos = nowNanos;
			}
		}

	}

}
