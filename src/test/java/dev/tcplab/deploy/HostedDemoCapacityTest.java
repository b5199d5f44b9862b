package dev.tcplab.deploy;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The arithmetic of the capacity harness's rotation (docs/performance.md, "2026-12-07,
 * night: the rotation's order"): the figures of issue 21's target come from it.
 */
class HostedDemoCapacityTest {

	private static HostedDemoCapacity.Stats turn(long flows, long appCpu, long dbCpu, long... latencies) {
		return new HostedDemoCapacity.Stats(flows, 20, latencies, 0, appCpu, dbCpu, 60);
	}

	@Test
	void shouldPoolTurnsAsTheMeanOfTheRoundsWithCpuWeightedByFlows() {
		HostedDemoCapacity.Stats pooled = HostedDemoCapacity
			.pooled(List.of(turn(2000, 200, 50, 1000, 3000), turn(6000, 400, 70, 2000)));

		// 8,000 flows in 40 s, not the upper of the two rounds (300 flows/s)
		assertThat(pooled.flowsPerSecond()).isEqualTo(200.0);
		// (200 × 2,000 + 400 × 6,000) / 8,000
		assertThat(pooled.appCpuMicros()).isEqualTo(350);
		assertThat(pooled.dbCpuMicros()).isEqualTo(65);
		// the latencies of both rounds together, sorted
		assertThat(pooled.latenciesMicros()).containsExactly(1000, 2000, 3000);
	}

	@Test
	void shouldGiveTheCostAsTheShareOfMemoryOnlyThroughputThatJournalingLoses() {
		assertThat(HostedDemoCapacity.cost(turn(3000, 300, 60), turn(4000, 200, 0))).isCloseTo(25.0, within(1e-9));
		assertThat(HostedDemoCapacity.cost(turn(4000, 300, 60), turn(4000, 200, 0))).isZero();
	}

}
