package dev.tcplab.simulation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Per-client token bucket: {@code requestBurst} tokens, refilled at
 * {@code requestsPerSecond}. Buckets that have refilled completely are forgotten every
 * minute, so memory stays bounded by the clients active in the last minute.
 */
@Component
public class ClientRateLimiter {

	private final double ratePerNano;

	private final double burst;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final TcplabProperties properties;

	public ClientRateLimiter(TcplabProperties properties) {
		this.properties = properties;
		this.ratePerNano = properties.requestsPerSecond() / 1e9;
		this.burst = properties.requestBurst();
	}

	/**
	 * Takes one token for {@code client}.
	 * @throws RateLimitedException when the bucket is empty
	 */
	public void check(String client) {
		long wait = tryAcquire(client);
		if (wait > 0) {
			throw new RateLimitedException(wait, properties.requestsPerSecond(), properties.requestBurst());
		}
	}

	/**
	 * Takes one token for {@code client}.
	 * @return 0 when the request may go ahead, otherwise the seconds to wait before a
	 * token is free (≥ 1)
	 */
	public long tryAcquire(String client) {
		return tryAcquire(client, System.nanoTime());
	}

	long tryAcquire(String client, long nowNanos) {
		Bucket b = buckets.computeIfAbsent(client, k -> new Bucket(burst, nowNanos));
		synchronized (b) {
			b.refill(nowNanos, ratePerNano, burst);
			if (b.tokens >= 1) {
				b.tokens -= 1;
				return 0;
			}
			double nanos = (1 - b.tokens) / ratePerNano;
			return Math.max(1, (long) Math.ceil(nanos / 1e9));
		}
	}

	@Scheduled(fixedDelay = 60_000)
	void forgetIdle() {
		long now = System.nanoTime();
		buckets.entrySet().removeIf(e -> {
			synchronized (e.getValue()) {
				e.getValue().refill(now, ratePerNano, burst);
				return e.getValue().tokens >= burst;
			}
		});
	}

	int clients() {
		return buckets.size();
	}

	private static final class Bucket {

		double tokens;

		long lastNanos;

		Bucket(double tokens, long nowNanos) {
			this.tokens = tokens;
			this.lastNanos = nowNanos;
		}

		void refill(long now, double ratePerNano, double burst) {
			if (now > lastNanos) {
				tokens = Math.min(burst, tokens + (now - lastNanos) * ratePerNano);
				lastNanos = now;
			}
		}

	}

}
