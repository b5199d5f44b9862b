package dev.tcplab.visitor;

import dev.tcplab.simulation.TcplabProperties;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Per-client token bucket: {@code requestBurst} tokens, refilled at
 * {@code requestsPerSecond}. Buckets that have refilled completely are forgotten every
 * minute, so memory stays bounded by the clients active in the last minute.
 */
@Component
public class ClientRateLimiter {

	private final TokenBuckets buckets;

	/** The same rate for the routes outside /api (docs, actuator), counted apart. */
	private final TokenBuckets outsideApi;

	private final TcplabProperties properties;

	public ClientRateLimiter(TcplabProperties properties) {
		this.properties = properties;
		this.buckets = new TokenBuckets(properties.requestBurst(), properties.requestsPerSecond());
		this.outsideApi = new TokenBuckets(properties.requestBurst(), properties.requestsPerSecond());
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
		return this.buckets.tryTake(client, 1, nowNanos);
	}

	/**
	 * Takes one token for {@code client} from its bucket for the routes outside
	 * {@code /api} ({@code /v3/api-docs}, {@code /actuator/**}): the same rate, counted
	 * apart, so a client at its API limit still gets its health checks answered.
	 * @throws RateLimitedException when that bucket is empty
	 */
	public void checkOutsideApi(String client) {
		long wait = this.outsideApi.tryTake(client, 1, System.nanoTime());
		if (wait > 0) {
			throw new RateLimitedException(wait, properties.requestsPerSecond(), properties.requestBurst());
		}
	}

	@Scheduled(fixedDelay = 60_000)
	void forgetIdle() {
		this.buckets.forgetFull(System.nanoTime());
		this.outsideApi.forgetFull(System.nanoTime());
	}

	int clients() {
		return this.buckets.size();
	}

}
