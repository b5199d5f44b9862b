package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Generated workloads (article situation 4): who closes first decides where TIME_WAIT piles up. */
class LoadRunTest {

	private static Simulation sim(TraceLevel level, boolean retain, Map<String, ?> overrides) {
		return new Simulation(SimulationConfig.of("linux", 5, overrides).withTraceLevel(level, 100_000)
				.withRetainClosedPairs(retain));
	}

	@Test
	void serverClosingFirstCollectsOneTimeWaitPerConnectionOnTheServer() {
		Simulation sim = sim(TraceLevel.STATES, false, Map.of());
		sim.startLoad(new LoadSpec(100, 2_000, Side.SERVER, 100, 300, 500, 80, 0, 0));
		sim.advance(2_500);
		var stats = sim.loadStats();
		assertThat(stats.started()).isEqualTo(200);
		assertThat(stats.connectFailures()).isZero();
		assertThat(stats.census().get(TcpState.TIME_WAIT)).isEqualTo(200);
		assertThat(stats.peakTimeWait()).isEqualTo(200);
		List<TraceEvent> ev = sim.eventsSince(0);
		long serverTw = ev.stream().filter(e -> e instanceof TraceEvent.State s && s.to() == TcpState.TIME_WAIT)
				.map(e -> ((TraceEvent.State) e).endpoint()).filter("server"::equals).count();
		assertThat(serverTw).isEqualTo(200);
		List<TraceEvent.Census> census = ev.stream().filter(e -> e instanceof TraceEvent.Census).map(e -> (TraceEvent.Census) e)
				.toList();
		assertThat(census).extracting(TraceEvent.Census::timeMs).containsExactly(500.0, 1000.0, 1500.0, 2000.0, 2500.0);
		assertThat(census.get(4).counts().get(TcpState.TIME_WAIT)).isEqualTo(200);
		// closed pairs are forgotten; TIME_WAIT records live on without them
		assertThat(sim.pairIds()).isEmpty();
		sim.runUntilIdle(1e9);
		stats = sim.loadStats();
		assertThat(stats.completed()).isEqualTo(200);
		assertThat(stats.census().get(TcpState.TIME_WAIT)).isZero();
		assertThat(sim.lifecycles()).isEqualTo(200);
		assertThat(sim.census().entrySet()).allMatch(e -> e.getKey() == TcpState.LISTEN ? e.getValue() == 1 : e.getValue() == 0);
	}

	@Test
	void clientClosingFirstRunsOutOfEphemeralPortsWithEaddrnotavail() {
		Simulation sim = sim(TraceLevel.NONE, false, Map.of("ephemeralLow", 40000, "ephemeralHigh", 40009));
		sim.startLoad(new LoadSpec(100, 1_000, Side.CLIENT, 10, 10, 0, 80, 0, 0));
		sim.advance(1_000);
		var stats = sim.loadStats();
		assertThat(stats.started()).isEqualTo(10);
		assertThat(stats.connectFailures()).isEqualTo(90);
		assertThat(stats.census().get(TcpState.TIME_WAIT)).isEqualTo(10);
		assertThatThrownBy(() -> sim.openPair(80, null, false, true)).isInstanceOfSatisfying(EngineException.class,
				ex -> assertThat(ex.errno()).isEqualTo(Errno.EADDRNOTAVAIL));
	}

	@Test
	void lingerZeroOnTheCloserAvoidsTimeWait() {
		Simulation sim = sim(TraceLevel.NONE, false, Map.of());
		sim.startLoad(new LoadSpec(100, 1_000, Side.SERVER, 10, 10, 0, 80, 1, 0));
		sim.advance(1_500);
		var stats = sim.loadStats();
		assertThat(stats.started()).isEqualTo(100);
		assertThat(stats.completed()).isEqualTo(100);
		assertThat(stats.peakTimeWait()).isZero();
	}

	@Test
	void retainedLoadPairsAreVisible() {
		Simulation sim = sim(TraceLevel.FULL, true, Map.of());
		sim.startLoad(new LoadSpec(10, 500, Side.CLIENT, 10, 10, 0, 8080, 0, 0));
		sim.advance(600);
		assertThat(sim.view().pairs()).hasSize(5);
		assertThat(sim.view().pairs()).allSatisfy(p -> assertThat(p.client().state()).isEqualTo(TcpState.TIME_WAIT));
		assertThat(sim.loadStats().started()).isEqualTo(5);
		assertThatThrownBy(() -> sim.startLoad(new LoadSpec(10, 500, Side.CLIENT, 10, 10, 0, 8080, 0, 0)))
				.isInstanceOf(IllegalStateException.class);
	}
}
