package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A clock action with an event budget stops after that many events, keeps what it did
 * consistent, and continuing later produces exactly the trace an unbounded run would.
 */
class EventBudgetTest {

	static Fixtures closingPair() {
		Fixtures f = Fixtures.established();
		f.send(Side.CLIENT, 100_000);
		f.close(Side.CLIENT);
		return f;
	}

	@Test
	void advanceStopsAtTheBudgetAndLeavesTheRestPending() {
		Fixtures f = closingPair();
		double t0 = f.sim.nowMs();
		EventResult r = f.sim.advance(60_000, 5);
		assertThat(r.result()).isEqualTo(Simulation.BUDGET);
		// the clock stands at the last event run, not at the target
		assertThat(f.sim.nowMs()).isLessThan(t0 + 60_000);
		assertThat(f.sim.nextEventAtMs()).isNotNull();
		assertThat(f.sim.runUntilIdle(600_000, 3).result()).isEqualTo(Simulation.BUDGET);
	}

	@Test
	void aBudgetedRunInSlicesGivesTheSameTraceAsOneRun() {
		Fixtures whole = closingPair();
		Fixtures sliced = closingPair();
		double target = whole.sim.nowMs() + 60_000;
		assertThat(whole.sim.advance(60_000).result()).isEqualTo("ok");
		int slices = 0;
		while (Simulation.BUDGET.equals(sliced.sim.advance(target - sliced.sim.nowMs(), 7).result())) {
			slices++;
		}
		assertThat(slices).isGreaterThan(3);
		assertThat(sliced.sim.nowMs()).isEqualTo(whole.sim.nowMs());
		assertThat(Fixtures.dump(sliced.sim.eventsSince(0))).isEqualTo(Fixtures.dump(whole.sim.eventsSince(0)));
	}

	@Test
	void enoughBudgetBehavesLikeNoBudget() {
		Fixtures a = closingPair();
		Fixtures b = closingPair();
		assertThat(a.sim.runUntilIdle(600_000).result()).isEqualTo("idle");
		assertThat(b.sim.runUntilIdle(600_000, 1_000_000).result()).isEqualTo("idle");
		assertThat(b.sim.nowMs()).isEqualTo(a.sim.nowMs());
		assertThat(Fixtures.dump(b.sim.eventsSince(0))).isEqualTo(Fixtures.dump(a.sim.eventsSince(0)));
	}

}
