package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * TIME_WAIT connections of forgotten pairs live on as rows of primitive columns
 * ({@link TimeWaitRows}) with no object; whatever reaches such a row finds the same
 * TIME_WAIT behaviour as a record object (RFC 9293 §3.10.7.4, RFC 6191, tcp_tw_reuse).
 */
class TimeWaitRowsTest {

	private static Simulation sim(Map<String, ?> overrides) {
		return new Simulation(SimulationConfig.of("linux", 5, overrides)
			.withTraceLevel(TraceLevel.STATES, 1_000_000)
			.withRetainClosedPairs(false));
	}

	private static long objects(Engine e) {
		return e.tw.rows.withObject();
	}

	@Test
	void forgottenPairsLeaveTimeWaitRowsWithoutObjectsAndTheyExpireAfter2Msl() {
		Simulation sim = sim(Map.of());
		sim.startLoad(new LoadSpec(1_000, 1_000, Side.SERVER, 10, 10, 0, 80, 0, 0, 4));
		sim.advance(1_500);
		Engine e = sim.engine();
		assertThat(sim.census().get(TcpState.TIME_WAIT)).isEqualTo(1_000);
		assertThat(e.tw.rows.size()).isEqualTo(1_000);
		assertThat(e.tw.rows.detachedCount()).isEqualTo(1_000);
		assertThat(objects(e)).isZero();
		// only the listener is in the connection table
		assertThat(e.conns.size()).isZero();
		sim.runUntilIdle(1e9);
		assertThat(sim.loadStats().completed()).isEqualTo(1_000);
		assertThat(e.tw.rows.size()).isZero();
		assertThat(e.tw.rows.detachedCount()).isZero();
		List<TraceEvent> closes = sim.eventsSince(0)
			.stream()
			.filter(ev -> ev instanceof TraceEvent.State s && s.from() == TcpState.TIME_WAIT)
			.toList();
		assertThat(closes).hasSize(1_000)
			.allMatch(ev -> ((TraceEvent.State) ev).cause().equals("TIME_WAIT timer")
					&& ((TraceEvent.State) ev).endpoint().equals("server") && ((TraceEvent.State) ev).pair() != null
					&& ev.timeMs() >= 60_000);
	}

	@Test
	void aNewSynFromAReusedPortReopensADetachedServerTimeWaitRfc6191() {
		// 10 client ports, 100 connections/s: each port comes back every 100 ms while the
		// server still holds its tuple in TIME_WAIT
		Simulation sim = sim(Map.of("ephemeralLow", 40000, "ephemeralHigh", 40009));
		sim.startLoad(new LoadSpec(100, 1_000, Side.SERVER, 10, 10, 0, 80, 0, 0));
		sim.runUntilIdle(1e9);
		var stats = sim.loadStats();
		assertThat(stats.started()).isEqualTo(100);
		assertThat(stats.completed()).isEqualTo(100);
		assertThat(stats.connectFailures()).isZero();
		List<String> notes = Fixtures.notes(sim.eventsSince(0));
		assertThat(notes.stream().filter("TIME_WAIT_REOPENED"::equals).count()).isEqualTo(90);
		assertThat(sim.engine().tw.rows.size()).isZero();
		assertThat(sim.census().get(TcpState.TIME_WAIT)).isZero();
	}

	@Test
	void twReuseTakesOverADetachedClientTimeWaitAfterOneSecond() {
		Simulation sim = sim(Map.of("ephemeralLow", 40000, "ephemeralHigh", 40004, "twReuse", 1));
		sim.startLoad(new LoadSpec(10, 3_000, Side.CLIENT, 10, 10, 0, 80, 0, 0));
		sim.runUntilIdle(1e9);
		var stats = sim.loadStats();
		assertThat(stats.started() + stats.connectFailures()).isEqualTo(30);
		List<String> notes = Fixtures.notes(sim.eventsSince(0));
		long reused = notes.stream().filter("TIME_WAIT_REUSED"::equals).count();
		assertThat(reused).isPositive();
		// every reused tuple was a detached row: its record came back only to be closed
		assertThat(stats.completed()).isEqualTo(stats.started());
		assertThat(sim.engine().tw.rows.size()).isZero();
	}

}
