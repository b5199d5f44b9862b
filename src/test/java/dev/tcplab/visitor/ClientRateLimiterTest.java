package dev.tcplab.visitor;

import dev.tcplab.simulation.TcplabProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {

	static ClientRateLimiter limiter(int perSecond, int burst) {
		return new ClientRateLimiter(new TcplabProperties(1, 1, 1, 1, Duration.ofMinutes(1), perSecond, burst));
	}

	@Test
	void shouldAllowABurstThenRefillAtTheRate() {
		ClientRateLimiter l = limiter(10, 3);
		long t = 1_000_000_000L;
		assertThat(l.tryAcquire("a", t)).isZero();
		assertThat(l.tryAcquire("a", t)).isZero();
		assertThat(l.tryAcquire("a", t)).isZero();
		assertThat(l.tryAcquire("a", t)).as("bucket empty: wait ≥ 1 s").isEqualTo(1);
		assertThat(l.tryAcquire("b", t)).as("other clients have their own bucket").isZero();
		assertThat(l.tryAcquire("a", t + 100_000_000L)).as("one token after 1/10 s").isZero();
		assertThat(l.tryAcquire("a", t + 100_000_000L)).isPositive();
	}

	@Test
	void shouldGrowRetryAfterWithSlowRates() {
		ClientRateLimiter l = limiter(1, 1);
		assertThat(l.tryAcquire("a", 0)).isZero();
		assertThat(l.tryAcquire("a", 0)).isEqualTo(1);
		ClientRateLimiter slow = new ClientRateLimiter(new TcplabProperties(1, 1, 1, 1, Duration.ofMinutes(1), 1, 1));
		slow.check("x");
		assertThatThrownBy(() -> slow.check("x")).isInstanceOf(RateLimitedException.class)
			.hasMessageContaining("retry after");
	}

	@Test
	void shouldForgetFullBuckets() {
		ClientRateLimiter l = limiter(1000, 5);
		l.tryAcquire("a");
		l.tryAcquire("b");
		assertThat(l.clients()).isEqualTo(2);
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		l.forgetIdle();
		assertThat(l.clients()).isZero();
	}

}
