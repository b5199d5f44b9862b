package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/** Same seed + same calls ⇒ the identical trace (compared serialized, event by event). */
class DeterminismTest {

	static List<String> run(long seed, boolean peek) {
		Simulation sim = new Simulation(SimulationConfig.of("linux", seed, Map.of()));
		int a = sim.openPair(80, null, false, true).id();
		int b = sim.openPair(80, null, true, false).id();
		sim.apply(a, new PairEvent.Fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ACK, 1, 2, 0));
		sim.apply(b, new PairEvent.Fault(Side.SERVER, FaultAction.DUPLICATE, SegmentMatch.ANY, 3, 0, 0));
		sim.apply(a, new PairEvent.Send(Side.CLIENT, 3000));
		sim.apply(a, new PairEvent.Close(Side.CLIENT));
		sim.advance(50);
		sim.apply(b, new PairEvent.Send(Side.SERVER, 10));
		sim.apply(a, new PairEvent.Recv(Side.SERVER, null));
		sim.apply(a, new PairEvent.Close(Side.SERVER));
		sim.apply(b, new PairEvent.Shutdown(Side.SERVER, "SHUT_WR"));
		sim.startLoad(new LoadSpec(200, 300, Side.SERVER, 50, 60, 100, 80, 0, 0));
		if (peek) {
			// reading (which drops stale timer entries internally) must not change what
			// happens
			for (int i = 0; i < 200 && sim.nextEventAtMs() != null; i++) {
				sim.view();
				sim.step();
			}
		}
		sim.runUntilIdle(1e9);
		return sim.eventsSince(0).stream().map(Object::toString).toList();
	}

	@Test
	void shouldGiveTheSameTraceForTheSameSeed() {
		List<String> first = run(42, false);
		List<String> second = run(42, true);
		assertThat(first).hasSizeGreaterThan(500);
		assertThat(second).isEqualTo(first);
	}

	@Test
	void shouldChangeIsnsAndPortsWithAnotherSeed() {
		assertThat(run(43, false)).isNotEqualTo(run(42, false));
	}

}
