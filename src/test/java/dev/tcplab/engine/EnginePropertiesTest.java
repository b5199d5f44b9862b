package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.Snapshots.EndpointView;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Invariants over random sequences of socket calls, faults and pokes on two pairs
 * (conventions.md "Tests"): the trace seq is contiguous; every transition is an edge of
 * RFC 9293's state diagram (§3.3.2) or an RST/timeout/abort edge to CLOSED; SND.UNA ≤
 * SND.NXT; every endpoint is CLOSED once both applications closed and every timer ran;
 * the same seed and calls give the same trace.
 */
class EnginePropertiesTest {

	enum Kind {

		CLOSE, SHUT_WR, SHUT_RD, SEND, RECV, ABORT, LINGER, ADVANCE, DROP, DUPLICATE, DELAY, HOLD, RELEASE, RESEND_FIN,
		INJECT_RST, INJECT_FIN

	}

	record Action(Kind kind, int pair, Side side, int n, SegmentMatch match) {
	}

	@Provide
	Arbitrary<Action> actions() {
		return Combinators
			.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1), Arbitraries.of(Side.class),
					Arbitraries.integers().between(0, 3000), Arbitraries.of(SegmentMatch.class))
			.as(Action::new);
	}

	@Provide
	Arbitrary<String> profiles() {
		// rfc9293 has no FIN_WAIT_2 timeout, so an orphan whose peer gave up silently
		// would wait forever there
		return Arbitraries.of("linux", "bsd", "windows");
	}

	/**
	 * Edges of the RFC 9293 §3.3.2 diagram (the child's LISTEN→SYN_RECEIVED included).
	 */
	private static final Map<TcpState, Set<TcpState>> EDGES = Map.ofEntries(
			Map.entry(TcpState.CLOSED, EnumSet.of(TcpState.LISTEN, TcpState.SYN_SENT)),
			Map.entry(TcpState.LISTEN, EnumSet.of(TcpState.SYN_RECEIVED, TcpState.SYN_SENT)),
			Map.entry(TcpState.SYN_SENT, EnumSet.of(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED)),
			Map.entry(TcpState.SYN_RECEIVED, EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.LISTEN)),
			Map.entry(TcpState.ESTABLISHED, EnumSet.of(TcpState.FIN_WAIT_1, TcpState.CLOSE_WAIT)),
			Map.entry(TcpState.FIN_WAIT_1, EnumSet.of(TcpState.FIN_WAIT_2, TcpState.CLOSING, TcpState.TIME_WAIT)),
			Map.entry(TcpState.FIN_WAIT_2, EnumSet.of(TcpState.TIME_WAIT)),
			Map.entry(TcpState.CLOSE_WAIT, EnumSet.of(TcpState.LAST_ACK)),
			Map.entry(TcpState.CLOSING, EnumSet.of(TcpState.TIME_WAIT)),
			Map.entry(TcpState.LAST_ACK, EnumSet.noneOf(TcpState.class)),
			Map.entry(TcpState.TIME_WAIT, EnumSet.noneOf(TcpState.class)));

	static List<TraceEvent> play(String profile, long seed, List<Action> actions) {
		Simulation sim = new Simulation(SimulationConfig.of(profile, seed, Map.of("retries2", 5, "orphanRetries", 3)));
		int[] ids = { sim.openPair(80, null, false, true).id(), sim.openPair(81, null, false, false).id() };
		for (Action a : actions) {
			step(sim, ids[a.pair()], a);
			checkSequenceVariables(sim);
		}
		// both applications close, faults stop mattering once retries run out, every
		// timer runs
		for (int id : ids) {
			sim.apply(id, new PairEvent.Release(Side.CLIENT));
			sim.apply(id, new PairEvent.Release(Side.SERVER));
			sim.apply(id, new PairEvent.Close(Side.CLIENT));
			sim.apply(id, new PairEvent.Close(Side.SERVER));
		}
		sim.runUntilIdle(24 * 3_600_000.0);
		for (int id : ids) {
			// a server socket that was never accepted has nothing to close; once the SYN
			// arrives it is closed now
			sim.apply(id, new PairEvent.Close(Side.SERVER));
		}
		sim.runUntilIdle(24 * 3_600_000.0);
		assertThat(sim.nextEventAtMs()).isNull();
		for (int id : ids) {
			assertThat(sim.pair(id).client().state()).isEqualTo(TcpState.CLOSED);
			assertThat(sim.pair(id).server().state()).isEqualTo(TcpState.CLOSED);
		}
		assertThat(sim.census().entrySet()).allMatch(e -> e.getKey() == TcpState.LISTEN || e.getValue() == 0);
		return sim.eventsSince(0);
	}

	private static void step(Simulation sim, int id, Action a) {
		Side s = a.side();
		PairEvent ev = switch (a.kind()) {
			case CLOSE -> new PairEvent.Close(s);
			case SHUT_WR -> new PairEvent.Shutdown(s, "SHUT_WR");
			case SHUT_RD -> new PairEvent.Shutdown(s, "SHUT_RD");
			case SEND -> new PairEvent.Send(s, a.n());
			case RECV -> new PairEvent.Recv(s, a.n() % 2 == 0 ? null : a.n());
			case ABORT -> new PairEvent.Abort(s);
			case LINGER -> new PairEvent.SetLinger(s, 1, a.n() % 3);
			case ADVANCE -> null;
			case DROP -> new PairEvent.Fault(s, FaultAction.DROP, a.match(), 1 + a.n() % 3, a.n() % 2, 0);
			case DUPLICATE -> new PairEvent.Fault(s, FaultAction.DUPLICATE, a.match(), 1, 0, 0);
			case DELAY -> new PairEvent.Fault(s, FaultAction.DELAY, a.match(), 1, 0, a.n() % 500);
			case HOLD -> new PairEvent.Fault(s, FaultAction.HOLD, a.match(), 1, 0, 0);
			case RELEASE -> new PairEvent.Release(s);
			case RESEND_FIN -> new PairEvent.ResendFin(s);
			case INJECT_RST -> new PairEvent.Inject(s, List.of(TcpFlag.RST), null, null, 0);
			case INJECT_FIN -> new PairEvent.Inject(s, List.of(TcpFlag.FIN, TcpFlag.ACK), null, null, 0);
		};
		if (ev == null) {
			sim.advance(a.n());
		}
		else {
			try {
				sim.apply(id, ev);
			}
			catch (NoSuchElementException ex) {
				throw new AssertionError("pair vanished", ex);
			}
			sim.advance(a.n() % 50);
		}
	}

	private static void checkSequenceVariables(Simulation sim) {
		for (var p : sim.view().pairs()) {
			for (EndpointView e : List.of(p.client(), p.server())) {
				if (e.sndUna() != null) {
					int d = (int) (e.sndNxt() - e.sndUna());
					assertThat(d).as("SND.UNA <= SND.NXT for %s", e).isGreaterThanOrEqualTo(0);
				}
			}
		}
	}

	@Property(tries = 150)
	void traceIsContiguousTransitionsFollowTheDiagramAndEverythingCloses(@ForAll("profiles") String profile,
			@ForAll long seed, @ForAll @Size(max = 20) List<@net.jqwik.api.From("actions") Action> actions) {
		List<TraceEvent> trace = play(profile, seed, actions);
		Fixtures.assertContiguous(trace);
		assertThat(trace.get(0).seq()).isZero();
		for (TraceEvent e : trace) {
			if (e instanceof TraceEvent.State s) {
				boolean ok = s.to() == TcpState.CLOSED || EDGES.get(s.from()).contains(s.to());
				assertThat(ok).as("transition %s -> %s (%s)", s.from(), s.to(), s.cause()).isTrue();
			}
		}
	}

	@Property(tries = 40)
	void sameSeedAndCallsGiveTheSameTrace(@ForAll long seed,
			@ForAll @Size(max = 15) List<@net.jqwik.api.From("actions") Action> actions) {
		List<String> a = new ArrayList<>(play("linux", seed, actions).stream().map(Object::toString).toList());
		List<String> b = play("linux", seed, actions).stream().map(Object::toString).toList();
		assertThat(b).isEqualTo(a);
	}

}
