package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Trace levels, ring-buffer compaction, the synchronous listener and per-call trace
 * slices.
 */
class TraceRecorderTest {

	private static void lifecycle(Simulation sim) {
		int id = sim.openPair(80, null, false, true).id();
		sim.apply(id, new PairEvent.Send(Side.CLIENT, 10));
		sim.advance(20);
		sim.apply(id, new PairEvent.Recv(Side.SERVER, null));
		sim.apply(id, new PairEvent.Close(Side.CLIENT));
		sim.advance(20);
		sim.apply(id, new PairEvent.Close(Side.SERVER));
		sim.runUntilIdle(1e9);
	}

	@Test
	void shouldRecordEveryKindWithContiguousSeqAtFullLevel() {
		Simulation sim = new Simulation(SimulationConfig.defaults());
		lifecycle(sim);
		List<TraceEvent> ev = sim.eventsSince(0);
		Fixtures.assertContiguous(ev);
		assertThat(ev.get(0).seq()).isZero();
		assertThat(ev).extracting(TraceEvent::type).contains("state", "segment", "call", "timer");
		assertThat(sim.nextSeq()).isEqualTo(ev.size());
		// every segment is sent before it is delivered, under one id
		for (TraceEvent.Segment d : Fixtures.segments(ev, "delivered")) {
			TraceEvent.Segment s = Fixtures.segments(ev, "sent")
				.stream()
				.filter(x -> x.id() == d.id())
				.findFirst()
				.orElseThrow();
			assertThat(s.seq()).isLessThan(d.seq());
			assertThat(d.timeMs() - s.timeMs()).isEqualTo(10.0);
		}
	}

	@Test
	void shouldKeepOnlyStateCallNoteAndCensusAtStatesLevel() {
		Simulation sim = new Simulation(SimulationConfig.defaults().withTraceLevel(TraceLevel.STATES, 1000));
		lifecycle(sim);
		List<TraceEvent> ev = sim.eventsSince(0);
		assertThat(ev).isNotEmpty();
		assertThat(ev).extracting(TraceEvent::type)
			.allMatch(t -> t.equals("state") || t.equals("call") || t.equals("note"))
			.contains("state", "call");
		Fixtures.assertContiguous(ev);
	}

	@Test
	void shouldRecordNothingAtNoneLevelWhileTheCensusStaysCorrect() {
		Simulation sim = new Simulation(SimulationConfig.defaults().withTraceLevel(TraceLevel.NONE, 1000));
		List<TraceEvent> heard = new ArrayList<>();
		sim.setTraceListener(heard::add);
		int id = sim.openPair(80, null, false, true).id();
		assertThat(sim.census().get(TcpState.ESTABLISHED)).isEqualTo(2);
		assertThat(sim.census().get(TcpState.LISTEN)).isEqualTo(1);
		EventResult r = sim.apply(id, new PairEvent.Close(Side.CLIENT));
		assertThat(r.trace()).isEmpty();
		sim.advance(20);
		sim.apply(id, new PairEvent.Close(Side.SERVER));
		sim.advance(20);
		assertThat(sim.census().get(TcpState.TIME_WAIT)).isEqualTo(1);
		assertThat(sim.nextSeq()).isZero();
		assertThat(sim.eventsSince(0)).isEmpty();
		assertThat(heard).isEmpty();
	}

	@Test
	void shouldKeepTheNewestEventsInTheRingAndClampEventsSince() {
		Simulation sim = new Simulation(SimulationConfig.defaults().withTraceLevel(TraceLevel.FULL, 50));
		lifecycle(sim);
		lifecycle(sim);
		long next = sim.nextSeq();
		assertThat(next).isGreaterThan(50);
		assertThat(sim.oldestSeq()).isEqualTo(next - 50);
		List<TraceEvent> kept = sim.eventsSince(0);
		assertThat(kept).hasSize(50);
		assertThat(kept.get(0).seq()).isEqualTo(sim.oldestSeq());
		assertThat(sim.eventsSince(next - 5)).hasSize(5);
		assertThat(sim.eventsSince(next + 10)).isEmpty();
		Fixtures.assertContiguous(kept);
	}

	@Test
	void shouldGiveBackFromTheRingTheEventsAListenerHears() {
		// the same run twice: with a listener every event is built at once; without one,
		// state, call and note events live in the ring's columns until read
		SimulationConfig config = SimulationConfig.of("linux", 9, Map.of())
			.withTraceLevel(TraceLevel.STATES, 40)
			.withRetainClosedPairs(false);
		List<TraceEvent> heard = new ArrayList<>();
		Simulation withListener = new Simulation(config);
		withListener.setTraceListener(heard::add);
		Simulation columnar = new Simulation(config);
		for (Simulation sim : List.of(withListener, columnar)) {
			lifecycle(sim);
			sim.startLoad(new LoadSpec(200, 300, Side.SERVER, 10, 10, 100, 80, 0, 0, 2));
			sim.runUntilIdle(1e9);
		}
		List<TraceEvent> kept = columnar.eventsSince(0);
		assertThat(kept).hasSize(40);
		assertThat(kept).extracting(TraceEvent::type).contains("state", "census");
		assertThat(kept).isEqualTo(heard.subList(heard.size() - 40, heard.size()));
		assertThat(columnar.eventsSince(0)).isEqualTo(kept);
		// a run that wraps the ring many times keeps seq contiguous and equal times
		assertThat(kept.get(kept.size() - 1).seq()).isEqualTo(columnar.nextSeq() - 1);
		Fixtures.assertContiguous(kept);
	}

	@Test
	void shouldTellTheListenerEveryEventSynchronouslyInOrder() {
		Simulation sim = new Simulation(SimulationConfig.defaults());
		List<TraceEvent> heard = new ArrayList<>();
		sim.setTraceListener(heard::add);
		lifecycle(sim);
		assertThat(heard).isEqualTo(sim.eventsSince(0));
		sim.setTraceListener(null);
		lifecycle(sim);
		assertThat(heard).hasSize((int) heard.get(heard.size() - 1).seq() + 1);
	}

	@Test
	void shouldCarryExactlyTheEventsOfThatCallInTheEventResult() {
		Simulation sim = new Simulation(SimulationConfig.defaults());
		int id = sim.openPair(80, null, false, true).id();
		long before = sim.nextSeq();
		EventResult r = sim.apply(id, new PairEvent.Close(Side.CLIENT));
		assertThat(r.trace()).isEqualTo(sim.eventsSince(before));
		assertThat(r.trace()).extracting(TraceEvent::type).containsExactly("state", "segment", "timer", "call");
		EventResult adv = sim.advance(10);
		assertThat(adv.result()).isEqualTo("ok");
		assertThat(adv.trace().get(0).seq()).isEqualTo(r.trace().get(r.trace().size() - 1).seq() + 1);
	}

	@Test
	void shouldShowTcbVariablesTimersAndClockInTheView() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		int id = sim.openPair(80, 40000, false, true).id();
		sim.apply(id, new PairEvent.Send(Side.CLIENT, 100));
		var v = sim.view();
		assertThat(v.nowMs()).isEqualTo(30.0);
		assertThat(v.constants()).containsEntry("profile", "linux").containsEntry("timeWaitMs", 60_000L);
		var c = v.pairs().get(0).client();
		assertThat(c.sndUna()).isEqualTo(1001L);
		assertThat(c.sndNxt()).isEqualTo(1101L);
		assertThat(c.rcvNxt()).isEqualTo(5001L);
		assertThat(c.sendBuffered()).isEqualTo(100);
		assertThat(c.timers()).extracting(t -> t.timer()).containsExactly("RETRANSMIT");
		assertThat(v.nextEventAtMs()).isEqualTo(40.0);
		assertThat(v.nextSeq()).isEqualTo(sim.nextSeq());
		assertThat(v.pairs().get(0).listener().port()).isEqualTo(80);
		// a second pair to the same port reuses the listener
		sim.openPair(80, null, false, true);
		assertThat(sim.census().get(TcpState.LISTEN)).isEqualTo(1);
		assertThat(sim.view().pairs()).hasSize(2);
	}

	@Test
	void shouldStepOneInstantAndReportIdleOrLimitFromRunUntilIdle() {
		Simulation sim = Fixtures.simulation("linux", Map.of());
		sim.openPair(80, 40000, false, false);
		assertThat(sim.step().result()).isEqualTo("ok");
		assertThat(sim.nowMs()).isEqualTo(10.0);
		assertThat(sim.runUntilIdle(5).result()).isEqualTo("limit");
		assertThat(sim.nowMs()).isEqualTo(15.0);
		assertThat(sim.runUntilIdle(10_000).result()).isEqualTo("idle");
		assertThat(sim.nowMs()).isEqualTo(30.0);
		assertThat(sim.nextEventAtMs()).isNull();
		assertThat(sim.step().result()).isEqualTo("idle");
	}

}
