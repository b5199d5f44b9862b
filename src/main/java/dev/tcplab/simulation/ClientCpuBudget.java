package dev.tcplab.simulation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * CPU time per client: a token bucket in nanoseconds of request-thread CPU time, refilled
 * at {@code tcplab.budget.cpu-ms-per-second} up to {@code cpu-burst-ms}. A request may
 * start while the bucket is not empty; what it used is charged afterwards, so one
 * expensive request can take the bucket below zero and the client then waits (429
 * {@code cpuTime} with Retry-After) until it has refilled. Together with the event budget
 * per request, this bounds the share of the CPU one client can take.
 */
@Component
public class ClientCpuBudget {

	private final double refillPerNano;

	private final double burstNanos;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	public ClientCpuBudget(BudgetProperties budget) {
		this.refillPerNano = budget.cpuMsPerSecond() / 1000.0;
		this.burstNanos = budget.cpuBurstMs() * 1_000_000.0;
	}

	/**
	 * @throws RateLimitedException {@code cpuTime} while the client's bucket is empty
	 */
	public void check(String client) {
		long now = System.nanoTime();
		Bucket b = this.buckets.get(client);
		if (b == null) {
			return;
		}
		synchronized (b) {
			b.refill(now, this.refillPerNano, this.burstNanos);
			if (b.nanos <= 0) {
				long wait = (long) Math.ceil(-b.nanos / this.refillPerNano / 1e9);
				throw new RateLimitedException("cpuTime",
						"this client used more server CPU time than its share (tcplab.budget.cpu-ms-per-second); retry after "
								+ Math.max(1, wait) + " s",
						Math.max(1, wait));
			}
		}
	}

	/** Charges the CPU time a request of {@code client} used. */
	public void charge(String client, long cpuNanos) {
		if (cpuNanos <= 0) {
			return;
		}
		long now = System.nanoTime();
		Bucket b = this.buckets.computeIfAbsent(client, k -> new Bucket(this.burstNanos, now));
		synchronized (b) {
			b.refill(now, this.refillPerNano, this.burstNanos);
			b.nanos -= cpuNanos;
		}
	}

	@Scheduled(fixedDelay = 60_000)
	void forgetIdle() {
		long now = System.nanoTime();
		this.buckets.entrySet().removeIf(e -> {
			synchronized (e.getValue()) {
				e.getValue().refill(now, this.refillPerNano, this.burstNanos);
				return e.getValue().nanos >= this.burstNanos;
			}
		});
	}

	private static final class Bucket {

		double nanos;

		long lastNanos;

		Bucket(double nanos, long now) {
			this.nanos = nanos;
			this.lastNanos = now;
		}

		void refill(long now, double perNano, double burst) {
			if (now > this.lastNanos) {
				this.nanos = Math.min(burst, this.nanos + (now - this.lastNanos) * perNano);
				this.lastNanos = now;
			}
		}

	}

}
