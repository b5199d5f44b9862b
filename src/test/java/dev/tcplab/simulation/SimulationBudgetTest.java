package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

/** The memory budget: derived at start-up, checked at start-up, reported by health. */
class SimulationBudgetTest {

	static TcplabProperties limits(int maxSimulations) {
		return new TcplabProperties(maxSimulations, 64, 100_000, 3_600_000, Duration.ofMinutes(30), 50, 200);
	}

	static BudgetProperties budget(DataSize heap, double highWater) {
		return new BudgetProperties(20, Duration.ofHours(4), 100_000, 5000, 1000, 250, 3000, 200, 40960, heap, 0.6,
				highWater, 5000);
	}

	@Test
	void shouldAllowAsManySimulationsAsFitInTheBudgetedHeapWithoutAnExplicitLimit() {
		SimulationBudget b = new SimulationBudget(limits(0), budget(DataSize.ofGigabytes(1), 0.9));
		// at its largest 100,000 × 200 B + 64 × 40 KiB; reserved 5,000 × 200 B + 64 × 40
		// KiB per simulation, in 60 % of 1 GiB
		assertThat(b.perSimulationBytes()).isEqualTo(100_000L * 200 + 64L * 40960);
		assertThat(b.reservedBytes()).isEqualTo(5_000L * 200 + 64L * 40960);
		assertThat(b.maxSimulations()).isEqualTo((int) ((long) (1024L * 1024 * 1024 * 0.6) / b.reservedBytes()))
			.isEqualTo(177);
	}

	@Test
	void shouldStopTheStartWithTheArithmeticWhenAnExplicitLimitDoesNotFit() {
		assertThatThrownBy(() -> new SimulationBudget(limits(2000), budget(DataSize.ofGigabytes(6), 0.9)))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("tcplab.max-simulations=2000 does not fit")
			.hasMessageContaining("room for 1067")
			.hasMessageContaining("raise -Xmx");
		assertThat(new SimulationBudget(limits(100), budget(DataSize.ofGigabytes(6), 0.9)).maxSimulations())
			.isEqualTo(100);
	}

	@Test
	void shouldReportOutOfServiceAndRefuseCreatesAboveTheHighWaterMark() {
		// a budgeted heap of 1 MB is "full" with whatever this JVM holds now
		SimulationBudget full = new SimulationBudget(limits(0), budget(DataSize.ofMegabytes(1), 0.5));
		assertThat(full.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThatThrownBy(full::requireMemory).isInstanceOf(LimitExceededException.class)
			.satisfies(ex -> assertThat(((LimitExceededException) ex).limit()).isEqualTo("memory"));
		SimulationBudget roomy = new SimulationBudget(limits(0), budget(DataSize.ofTerabytes(1), 0.9));
		assertThat(roomy.health().getStatus()).isEqualTo(Status.UP);
	}

}
