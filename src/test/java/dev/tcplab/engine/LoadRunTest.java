package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Generated workloads (article situation 4): who closes first decides where TIME_WAIT
 * piles up.
 */
class LoadRunTest {

	private static Simulation sim(TraceLevel level, boolean retain, Map<String, ?> overrides) {
		return new Simulation(SimulationConfig.of("linux", 5, overrides)
			.withTraceLevel(level, 100_000)
			.withRetainClosedPairs(retain));
	}

	@Test
	void shouldCollectOneTimeWaitPerConnectionOnTheServerWhenItClosesFirst() {
		Simulation sim = sim(TraceLevel.STATES, false, Map.of());
		sim.startLoad(new LoadSpec(100, 2_000, Side.SERVER, 100, 300, 500, 80, 0, 0));
		sim.advance(2_500);
		var stats = sim.loadStats();
		assertThat(stats.started()).isEqualTo(200);
		assertThat(stats.connectFailures()).isZero();
		assertThat(stats.census().get(TcpState.TIME_WAIT)).isEqualTo(200);
		assertThat(stats.peakTimeWait()).isEqualTo(200);
		List<TraceEvent> ev = sim.eventsSince(0);
		long serverTw = ev.stream()
			.filter(e -> e instanceof TraceEvent.State s && s.to() == TcpState.TIME_WAIT)
			.map(e -> ((TraceEvent.State) e).endpoint())
			.filter("server"::equals)
			.count();
		assertThat(serverTw).isEqualTo(200);
		List<TraceEvent.Census> census = ev.stream()
			.filter(e -> e instanceof TraceEvent.Census)
			.map(e -> (TraceEvent.Census) e)
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
		assertThat(sim.census().entrySet())
			.allMatch(e -> e.getKey() == TcpState.LISTEN ? e.getValue() == 1 : e.getValue() == 0);
	}

	@Test
	void shouldRunOutOfEphemeralPortsWithEaddrnotavailWhenTheClientClosesFirst() {
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
	void shouldAvoidTimeWaitWithLingerZeroOnTheCloser() {
		Simulation sim = sim(TraceLevel.NONE, false, Map.of());
		sim.startLoad(new LoadSpec(100, 1_000, Side.SERVER, 10, 10, 0, 80, 1, 0));
		sim.advance(1_500);
		var stats = sim.loadStats();
		assertThat(stats.started()).isEqualTo(100);
		assertThat(stats.completed()).isEqualTo(100);
		assertThat(stats.peakTimeWait()).isZero();
	}

	@Test
	void shouldShowRetainedLoadPairs() {
		Simulation sim = sim(TraceLevel.FULL, true, Map.of());
		sim.startLoad(new LoadSpec(10, 500, Side.CLIENT, 10, 10, 0, 8080, 0, 0));
		sim.advance(600);
		assertThat(sim.view().pairs()).hasSize(5);
		assertThat(sim.view().pairs()).allSatisfy(p -> assertThat(p.client().state()).isEqualTo(TcpState.TIME_WAIT));
		assertThat(sim.loadStats().started()).isEqualTo(5);
		assertThatThrownBy(() -> sim.startLoad(new LoadSpec(10, 500, Side.CLIENT, 10, 10, 0, 8080, 0, 0)))
			.isInstanceOf(IllegalStateException.class);
	}

	@Test
	void shouldLetTheServerHoldMoreTimeWaitsThanOneEphemeralRangeWithManyClientHosts() {
		// 30 ephemeral ports per client host; server closes first, 100 connections in 1
		// s, TIME_WAIT 60 s
		Map<String, ?> narrow = Map.of("ephemeralLow", 40000, "ephemeralHigh", 40029);
		Simulation one = sim(TraceLevel.NONE, false, narrow);
		one.startLoad(new LoadSpec(100, 1_000, Side.SERVER, 10, 10, 0, 80, 0, 0));
		one.advance(1_500);
		// one client host: a new SYN from a reused port reopens the server's old
		// TIME_WAIT tuple
		assertThat(one.loadStats().connectFailures()).isZero();
		assertThat(one.loadStats().peakTimeWait()).isEqualTo(30);

		Simulation four = sim(TraceLevel.FULL, true, narrow);
		four.startLoad(new LoadSpec(100, 1_000, Side.SERVER, 10, 10, 0, 80, 0, 0, 4));
		four.advance(1_500);
		var stats = four.loadStats();
		assertThat(stats.started()).isEqualTo(100);
		assertThat(stats.connectFailures()).isZero();
		assertThat(stats.peakTimeWait()).isEqualTo(100);
		assertThat(stats.census().get(TcpState.TIME_WAIT)).isEqualTo(100);
		// the hosts take turns: 10.0.0.2 .. 10.0.0.5, each with its own ports
		assertThat(four.view().pairs()).extracting(p -> p.client().address())
			.containsOnly("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5");
		assertThat(four.view().pairs().subList(0, 4)).extracting(p -> p.client().address())
			.containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5");
		// the server answers each host at its own address
		assertThat(four.eventsSince(0))
			.filteredOn(e -> e instanceof TraceEvent.Segment s && s.src().equals("10.0.0.1:80")
					&& s.dst().startsWith("10.0.0.5:"))
			.isNotEmpty();
		four.runUntilIdle(1e9);
		assertThat(four.loadStats().completed()).isEqualTo(100);
		assertThat(four.lifecycles()).isEqualTo(100);
	}

	@Test
	void shouldRejectAClientCountOutOfRange() {
		assertThatThrownBy(() -> new LoadSpec(10, 500, Side.CLIENT, 10, 10, 0, 8080, 0, 0, 0))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(new LoadSpec(10, 500, Side.CLIENT, 10, 10, 0, 8080, 0, 0).clients()).isEqualTo(1);
	}

}
