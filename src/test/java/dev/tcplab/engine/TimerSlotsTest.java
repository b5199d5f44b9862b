package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.tcplab.engine.PairEvent.FaultAction;

import org.junit.jupiter.api.Test;

/**
 * The engine keeps every TCB's timers (RFC 9293 §3.10.8: retransmission, delayed ACK,
 * FIN_WAIT_2, linger) in dense slot arrays; a burst of open connections must not pin
 * their capacity for the rest of the simulation.
 */
class TimerSlotsTest {

	@Test
	void shouldGrowTimerSlotsForABurstOfConnectionsAndShrinkThemWhenTheyClose() {
		Simulation sim = new Simulation(SimulationConfig.of("linux", 3, Map.of())
			.withTraceLevel(TraceLevel.NONE, 1000)
			.withRetainClosedPairs(false));
		// 40,000 connections in 200 ms, each open for ~60 ms: ~12,000 TCBs at once
		sim.startLoad(new LoadSpec(200_000, 200, Side.CLIENT, 10, 10, 0, 80, 0, 0, 4));
		Engine e = sim.engine();
		int peak = 0;
		for (int i = 0; i < 30; i++) {
			sim.advance(10);
			peak = Math.max(peak, e.timerSlotCapacity());
		}
		assertThat(peak).isGreaterThanOrEqualTo(8192);
		// every connection is in TIME_WAIT now (rows, no TCB): the slot arrays shrank
		assertThat(sim.census().get(TcpState.TIME_WAIT)).isEqualTo(40_000);
		assertThat(e.timerSlotCapacity()).isLessThanOrEqualTo(2048);
		sim.runUntilIdle(1e9);
		assertThat(sim.loadStats().completed()).isEqualTo(40_000);
		// timers still work after the shrink: a lost FIN is retransmitted by the RTO
		// timer (§3.10.8) and the closer's TIME_WAIT expires after 2MSL
		int id = sim.openPair(80, null, false, true).id();
		sim.apply(id, new PairEvent.Fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.FIN, 1, 1, 0));
		sim.apply(id, new PairEvent.Close(Side.CLIENT));
		sim.advance(50);
		sim.apply(id, new PairEvent.Close(Side.SERVER));
		sim.runUntilIdle(1e9);
		assertThat(sim.lifecycles()).isEqualTo(40_001);
		assertThat(sim.census().get(TcpState.TIME_WAIT)).isZero();
	}

}
