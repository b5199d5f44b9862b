package dev.tcplab.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;

class TraceSummaryTest {

	/** The README's notebook flow on a real engine: the client's last ACK is lost. */
	static Simulation lostLastAck(Map<String, ?> overrides) {
		Simulation sim = new Simulation(SimulationConfig.of("linux", 42, overrides));
		int p = sim.openPairId(80, null, false, true);
		sim.apply(p, new PairEvent.Fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ACK, 1, 0, 0));
		sim.apply(p, new PairEvent.Close(Side.CLIENT));
		sim.advance(50);
		sim.apply(p, new PairEvent.Close(Side.SERVER));
		sim.runUntilIdle(600_000);
		return sim;
	}

	@Test
	void shouldSummariseStatesWireCallsAndTimeHeldInTimeWait() {
		TraceSummary s = TraceSummary.of(lostLastAck(Map.of()).eventsSince(0));
		assertThat(s.states().get("pair 1 client")).containsSubsequence("ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
				"TIME_WAIT", "CLOSED");
		assertThat(s.states().get("pair 1 server")).endsWith("LAST_ACK", "CLOSED");
		assertThat(s.wire()).contains("client→server ACK (lost)");
		assertThat(s.wire()).anyMatch(w -> w.startsWith("server→client FIN,ACK") && w.endsWith("(retransmission)"));
		assertThat(s.segments().get("dropped")).isEqualTo(1);
		assertThat(s.segments().get("retransmissions")).isPositive();
		assertThat(s.calls()).contains("client close() = 0", "server close() = 0");
		TraceSummary.Held tw = s.held().get("pair 1 client").get("TIME_WAIT");
		// 2MSL (60 s on linux), restarted once by the
		// retransmitted FIN that arrived ~220 ms later
		assertThat(tw.ms()).isGreaterThan(60_000.0).isLessThan(61_000.0);
		assertThat(tw.ongoing()).isFalse();
		assertThat(s.held().get("pair 1 client").get("FIN_WAIT_2").ms()).isPositive();
		assertThat(s.misdelivered()).isEmpty();
	}

	@Test
	void shouldCountTimeStillHeldWhenTheTraceEndsAsOngoing() {
		Simulation sim = new Simulation(SimulationConfig.of("linux", 42, Map.of()));
		int p = sim.openPairId(80, null, false, true);
		sim.apply(p, new PairEvent.Close(Side.CLIENT));
		sim.advance(1_000);
		TraceSummary s = TraceSummary.of(sim.eventsSince(0), sim.nowMs());
		TraceSummary.Held fw2 = s.held().get("pair 1 client").get("FIN_WAIT_2");
		assertThat(fw2.ongoing()).isTrue();
		assertThat(fw2.ms()).isPositive().isLessThan(1_000);
	}

}
