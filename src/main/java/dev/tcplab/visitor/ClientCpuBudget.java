package dev.tcplab.visitor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import dev.tcplab.simulation.BudgetProperties;
import dev.tcplab.simulation.CpuAccount;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * CPU time per client: a token bucket in nanoseconds of request-thread CPU time, refilled
 * at {@code tcplab.budget.cpu-ms-per-second} up to {@code cpu-burst-ms}. A request may
 * start while the bucket is not empty; what it used is charged afterwards, so one
 * expensive request can take the bucket below zero and the client then waits (429
 * {@code cpuTime} with Retry-After) until it has refilled. A long job charges as it goes
 * through its request's {@link Meter} (a {@link CpuAccount}), and stops as soon as the
 * bucket is overdrawn. Together with the event budget per request, this bounds the share
 * of the CPU one client can take.
 */
@Component
public class ClientCpuBudget {

	/** The request attribute that holds the request's {@link Meter}. */
	public static final String METER = ClientCpuBudget.class.getName() + ".meter";

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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

	/**
	 * Starts measuring the CPU time of a request of {@code client} on this thread.
	 */
	public Meter meter(String client) {
		return new Meter(client);
	}

	/**
	 * The CPU time of one request, charged in parts: by a job as it runs
	 * ({@link #charge()}), the rest when the request completes ({@link #chargeRest()}).
	 * Used on the request's thread only.
	 */
	public final class Meter implements CpuAccount {

		private final String client;

		/** Thread CPU time charged up to; negative when the JVM does not measure it. */
		private long mark = THREADS.getCurrentThreadCpuTime();

		Meter(String client) {
			this.client = client;
		}

		/**
		 * Charges what this thread used since the last charge.
		 * @throws RateLimitedException {@code cpuTime} when the client's bucket is
		 * overdrawn: the job stops
		 */
		@Override
		public void charge() {
			chargeRest();
			check(this.client);
		}

		/** Charges what this thread used since the last charge, without checking. */
		public void chargeRest() {
			if (this.mark < 0) {
				return;
			}
			long now = THREADS.getCurrentThreadCpuTime();
			if (now >= 0) {
				ClientCpuBudget.this.charge(this.client, now - this.mark);
				this.mark = now;
			}
		}

	}

	@Scheduled(fixedDelay = 60_000)
	void forgetIdle() {
		this.nanos.forgetFull(System.nanoTime());
	}

}
