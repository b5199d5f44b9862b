package dev.tcplab.visitor;

import dev.tcplab.simulation.BudgetProperties;

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

	private final TokenBuckets nanos;

	public ClientCpuBudget(BudgetProperties budget) {
		this.nanos = new TokenBuckets(budget.cpuBurstMs() * 1_000_000.0, budget.cpuMsPerSecond() * 1_000_000.0);
	}

	/**
	 * @throws RateLimitedException {@code cpuTime} while the client's bucket is empty
	 */
	public void check(String client) {
		long wait = this.nanos.waitWhileOverdrawn(client, System.nanoTime());
		if (wait > 0) {
			throw new RateLimitedException("cpuTime",
					"this client used more server CPU time than its share (tcplab.budget.cpu-ms-per-second); retry after "
							+ wait + " s",
					wait);
		}
	}

	/** Charges the CPU time a request of {@code client} used. */
	public void charge(String client, long cpuNanos) {
		if (cpuNanos > 0) {
			this.nanos.charge(client, cpuNanos, System.nanoTime());
		}
	}

	@Scheduled(fixedDelay = 60_000)
	void forgetIdle() {
		this.nanos.forgetFull(System.nanoTime());
	}

}
