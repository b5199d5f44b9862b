package dev.tcplab.visitor;

import dev.tcplab.simulation.BudgetProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * CPU time per client: one expensive request may overdraw the bucket, then the client
 * waits.
 */
class ClientCpuBudgetTest {

	static ClientCpuBudget budget() {
		return new ClientCpuBudget(new BudgetProperties(20, Duration.ofHours(4), 100_000, 5000, 1000, 250, 3000, 200,
				40960, null, 0.6, 0.9, 5000));
	}

	@Test
	void shouldMakeAClientThatOverdrewItsCpuTimeWaitWhileOthersDoNot() {
		ClientCpuBudget cpu = budget();
		assertThatNoException().isThrownBy(() -> cpu.check("10.0.0.1"));
		// 3 s burst, 1 s overdrawn
		cpu.charge("10.0.0.1", Duration.ofSeconds(4).toNanos());
		assertThatThrownBy(() -> cpu.check("10.0.0.1")).isInstanceOf(RateLimitedException.class).satisfies(ex -> {
			RateLimitedException rl = (RateLimitedException) ex;
			assertThat(rl.limit()).isEqualTo("cpuTime");
			// 1 s of CPU at 250 ms per second: about 4 s
			assertThat(rl.retryAfterSeconds()).isBetween(3L, 5L);
		});
		assertThatNoException().isThrownBy(() -> cpu.check("10.0.0.2"));
	}

	@Test
	void shouldNeverRunCheapRequestsOutOfCpuTime() {
		ClientCpuBudget cpu = budget();
		for (int i = 0; i < 1000; i++) {
			cpu.charge("10.0.0.3", Duration.ofMillis(1).toNanos());
		}
		assertThatNoException().isThrownBy(() -> cpu.check("10.0.0.3"));
	}

}
