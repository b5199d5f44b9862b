package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.Snapshots.EndpointView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariants over random sequences of socket calls, faults and pokes on two pairs (plain
 * JUnit 5 over seeds, docs/decisions.md), on every profile: the trace seq is contiguous;
 * every transition is an edge of RFC 9293's state diagram (§3.3.2) with the cause the
 * diagram names, an edge to CLOSED that RFC 9293's text gives (RST, ABORT, retransmission
 * limit), or an extra the profile's constants allow (listed in {@link #TRANSITIONS});
 * SND.UNA ≤ SND.NXT; every endpoint is CLOSED once both applications closed and every
 * timer ran; the same seed and calls give the same trace.
 * <p>
 * A property test of our own (no jqwik): each run draws its calls from a seeded
 * {@link Random}; a failure names the profile and seed and shows the sequence shrunk by
 * dropping steps, which {@link #play} replays.
 */
class EnginePropertiesTest {

	/** Seeds per profile for the invariants (4 profiles). */
	private static final int RUNS = 60;

	/** Seeds per profile for the determinism check. */
	private static final int DETERMINISM_RUNS = 8;

	enum Kind {

		CLOSE, SHUT_WR, SHUT_RD, SHUT_RDWR, SEND, RECV, ABORT, LINGER, ADVANCE, DROP, DUPLICATE, DELAY, HOLD, RELEASE,
		RESEND_FIN, INJECT_RST, INJECT_FIN

	}

	/** One step of a run: what to do, on which of the two pairs and which side. */
	record Action(Kind kind, int pair, Side side, int n, SegmentMatch match) {

		@Override
		public String toString() {
			return kind + "(pair " + pair + ", " + side.wireName() + ", n=" + n + ", " + match + ")";
		}

	}

	/** A run: profile, simulation seed and steps, all drawn from one test seed. */
	record Run(String profile, long seed, List<Action> actions) {

		static Run draw(String profile, long testSeed, int maxSteps) {
			Random r = new Random(testSeed * 31 + profile.hashCode());
			int n = r.nextInt(maxSteps + 1);
			List<Action> actions = new ArrayList<>(n);
			for (int i = 0; i < n; i++) {
				actions.add(new Action(Kind.values()[r.nextInt(Kind.values().length)], r.nextInt(2),
						Side.values()[r.nextInt(2)], r.nextInt(3001),
						SegmentMatch.values()[r.nextInt(SegmentMatch.values().length)]));
			}
			return new Run(profile, r.nextLong(), List.copyOf(actions));
		}

		Run with(List<Action> steps) {
			return new Run(this.profile, this.seed, List.copyOf(steps));
		}

	}

	// ---- which transitions are allowed
	// ----------------------------------------------------

	/**
	 * An allowed transition: from, to, the engine's cause text, where it comes from, and
	 * on which constants it is allowed.
	 */
	record Transition(TcpState from, TcpState to, String cause, String source, Predicate<StackConstants> allowedBy) {
	}

	private static final Predicate<StackConstants> ALL = c -> true;

	private static final Set<TcpState> SYNCHRONIZED = EnumSet.of(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED,
			TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK);

	/**
	 * Every transition any profile may take. Not reachable through the API and therefore
	 * not listed: LISTEN→SYN_SENT (SEND on a listener) and LISTEN→CLOSED (the listener is
	 * never closed). The diagram's SYN_RECEIVED→LISTEN (RST on a passively opened
	 * connection) is, with BSD sockets, the child connection going to CLOSED while its
	 * listener stays in LISTEN: listed under "rcv RST".
	 */
	static final List<Transition> TRANSITIONS = transitions();

	private static List<Transition> transitions() {
		List<Transition> t = new ArrayList<>();
		String diagram = "RFC 9293 §3.3.2 Figure 5";
		t.add(new Transition(TcpState.CLOSED, TcpState.LISTEN, "listen()", diagram + " passive OPEN", ALL));
		t.add(new Transition(TcpState.CLOSED, TcpState.SYN_SENT, "connect()", diagram + " active OPEN", ALL));
		t.add(new Transition(TcpState.LISTEN, TcpState.SYN_RECEIVED, "rcv SYN", diagram, ALL));
		t.add(new Transition(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, "rcv SYN", diagram + " simultaneous open", ALL));
		t.add(new Transition(TcpState.SYN_SENT, TcpState.ESTABLISHED, "rcv SYN,ACK", diagram, ALL));
		t.add(new Transition(TcpState.SYN_SENT, TcpState.CLOSED, "close()", diagram + " CLOSE / delete TCB", ALL));
		t.add(new Transition(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED, "rcv ACK of SYN", diagram, ALL));
		// shutdown(SHUT_WR) is RFC 9293's CLOSE ("I have no more to send", §3.10.4);
		// close() is CLOSE plus releasing the socket
		for (String close : List.of("close()", "shutdown(SHUT_WR)")) {
			t.add(new Transition(TcpState.SYN_RECEIVED, TcpState.FIN_WAIT_1, close, diagram + " CLOSE", ALL));
			t.add(new Transition(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, close, diagram + " CLOSE", ALL));
			t.add(new Transition(TcpState.CLOSE_WAIT, TcpState.LAST_ACK, close, diagram + " CLOSE", ALL));
		}
		t.add(new Transition(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, "rcv FIN", diagram, ALL));
		t.add(new Transition(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, "rcv ACK of FIN", diagram, ALL));
		t.add(new Transition(TcpState.FIN_WAIT_1, TcpState.CLOSING, "rcv FIN", diagram, ALL));
		t.add(new Transition(TcpState.FIN_WAIT_1, TcpState.TIME_WAIT, "rcv FIN", diagram + " rcv FIN,ACK", ALL));
		t.add(new Transition(TcpState.FIN_WAIT_2, TcpState.TIME_WAIT, "rcv FIN", diagram, ALL));
		t.add(new Transition(TcpState.CLOSING, TcpState.TIME_WAIT, "rcv ACK of FIN", diagram, ALL));
		t.add(new Transition(TcpState.LAST_ACK, TcpState.CLOSED, "rcv ACK of FIN", diagram, ALL));
		t.add(new Transition(TcpState.TIME_WAIT, TcpState.CLOSED, "TIME_WAIT timer", diagram + " Timeout=2MSL, §3.10.8",
				ALL));
		// RFC 9293's text: the edges to CLOSED the diagram leaves out
		t.add(new Transition(TcpState.SYN_SENT, TcpState.CLOSED, "rcv RST", "RFC 9293 §3.10.7.3 second", ALL));
		for (TcpState s : SYNCHRONIZED) {
			t.add(new Transition(s, TcpState.CLOSED, "rcv RST", "RFC 9293 §3.10.7.4 second", ALL));
		}
		t.add(new Transition(TcpState.TIME_WAIT, TcpState.CLOSED, "rcv RST",
				"RFC 9293 §3.10.7.4 second; not with RFC 1337 protection (Linux tcp_rfc1337=1)", c -> !c.rfc1337()));
		t.add(new Transition(TcpState.SYN_SENT, TcpState.CLOSED, "linger {1,0}", "RFC 9293 §3.10.5 ABORT", ALL));
		for (TcpState s : SYNCHRONIZED) {
			t.add(new Transition(s, TcpState.CLOSED, "linger {1,0}", "RFC 9293 §3.10.5 ABORT", ALL));
		}
		// R2 of RFC 9293 §3.8.3 (RFC 1122 §4.2.3.5): only where something is
		// unacknowledged, so not in FIN_WAIT_2
		for (TcpState s : EnumSet.of(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED,
				TcpState.FIN_WAIT_1, TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK)) {
			t.add(new Transition(s, TcpState.CLOSED, "retransmission limit", "RFC 9293 §3.8.3 R2", ALL));
		}
		// extras the profiles' constants allow
		for (TcpState s : EnumSet.of(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, TcpState.FIN_WAIT_1,
				TcpState.FIN_WAIT_2)) {
			t.add(new Transition(s, TcpState.CLOSED, "close() with unread data",
					"RFC 1122 §4.2.2.13, RFC 2525 §2.17 (rstOnUnreadClose: every built-in profile)",
					StackConstants::rstOnUnreadClose));
		}
		for (TcpState s : EnumSet.of(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2)) {
			t.add(new Transition(s, TcpState.CLOSED, "rcv data after close()",
					"RFC 1122 §4.2.2.13, Linux tcp_rcv_state_process: data to an orphan (rstOnUnreadClose: every built-in profile)",
					StackConstants::rstOnUnreadClose));
		}
		// SHUTDOWN of a connecting socket (Linux inet_shutdown -> tcp_disconnect, BSD
		// tcp_usrclosed): every profile
		t.add(new Transition(TcpState.SYN_SENT, TcpState.CLOSED, "shutdown() in SYN_SENT",
				"Linux inet_shutdown, BSD tcp_usrclosed", ALL));
		// a new SYN in a passive SYN_RECEIVED: RFC 9293 §3.10.7.4 fourth returns it to
		// LISTEN (the child goes, the listener stays), a Linux request socket answers RST
		// (tcp_check_req); either way the child connection is CLOSED: every profile
		t.add(new Transition(TcpState.SYN_RECEIVED, TcpState.CLOSED, "rcv SYN",
				"RFC 9293 §3.10.7.4 fourth, Linux tcp_check_req", ALL));
		// data after shutdown(SHUT_RD) in FIN_WAIT_1/2 (Linux tcp_rcv_state_process
		// checks RCV_SHUTDOWN), where the constant rstOnDataAfterShutRd exists and is
		// true
		for (TcpState s : EnumSet.of(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2)) {
			t.add(new Transition(s, TcpState.CLOSED, "rcv data after shutdown()",
					"Linux tcp_rcv_state_process (rstOnDataAfterShutRd)",
					c -> Boolean.TRUE.equals(c.asMap().get("rstOnDataAfterShutRd"))));
		}
		t.add(new Transition(TcpState.FIN_WAIT_2, TcpState.CLOSED, "FIN_WAIT_2 timer",
				"Linux tcp_fin_timeout (finWait2TimeoutMs > 0: linux, bsd, windows; not rfc9293)",
				c -> c.finWait2TimeoutMs() > 0));
		t.add(new Transition(TcpState.TIME_WAIT, TcpState.CLOSED, "reopened by new SYN",
				"RFC 1122 §4.2.2.13, RFC 6191 (synReopensTimeWait: rfc9293, linux, bsd; not windows)",
				StackConstants::synReopensTimeWait));
		t.add(new Transition(TcpState.TIME_WAIT, TcpState.CLOSED, "tw_reuse",
				"Linux tcp_tw_reuse (twReuse = 1: no built-in profile)", c -> c.twReuse() == 1));
		return List.copyOf(t);
	}

	static boolean allowed(StackConstants c, TcpState from, TcpState to, String cause) {
		return TRANSITIONS.stream()
			.anyMatch(t -> t.from() == from && t.to() == to && t.cause().equals(cause) && t.allowedBy().test(c));
	}

	// ---- running a sequence
	// ------------------------------------------------------------------

	static Simulation simulation(Run run) {
		return new Simulation(
				SimulationConfig.of(run.profile(), run.seed(), Map.of("retries2", 5, "orphanRetries", 3)));
	}

	/**
	 * Plays a run and lets it wind down: both applications close, held segments are
	 * released, every timer runs. Checks SND.UNA ≤ SND.NXT after each step and that
	 * everything closes.
	 */
	static List<TraceEvent> play(Run run) {
		Simulation sim = simulation(run);
		int[] ids = { sim.openPair(80, null, false, true).id(), sim.openPair(81, null, false, false).id() };
		for (Action a : run.actions()) {
			step(sim, ids[a.pair()], a);
			checkSequenceVariables(sim);
		}
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
		assertThat(sim.nextEventAtMs()).as("pending event after 48 h").isNull();
		boolean finWait2Forever = sim.constants().finWait2TimeoutMs() == 0;
		for (int id : ids) {
			var pair = sim.pair(id);
			for (EndpointView e : List.of(pair.client(), pair.server())) {
				EndpointView peer = e == pair.client() ? pair.server() : pair.client();
				if (finWait2Forever && e.state() == TcpState.FIN_WAIT_2 && peer.state() == TcpState.CLOSED) {
					// RFC 9293 has no FIN-WAIT-2 timeout: with the peer gone, its FIN
					// never comes
					continue;
				}
				assertThat(e.state()).as("pair %d %s", id, e).isEqualTo(TcpState.CLOSED);
			}
		}
		assertThat(sim.census().entrySet()).allMatch(e -> e.getKey() == TcpState.LISTEN || e.getValue() == 0
				|| finWait2Forever && e.getKey() == TcpState.FIN_WAIT_2);
		return sim.eventsSince(0);
	}

	private static void step(Simulation sim, int id, Action a) {
		Side s = a.side();
		PairEvent ev = switch (a.kind()) {
			case CLOSE -> new PairEvent.Close(s);
			case SHUT_WR -> new PairEvent.Shutdown(s, "SHUT_WR");
			case SHUT_RD -> new PairEvent.Shutdown(s, "SHUT_RD");
			case SHUT_RDWR -> new PairEvent.Shutdown(s, "SHUT_RDWR");
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
			return;
		}
		try {
			sim.apply(id, ev);
		}
		catch (NoSuchElementException ex) {
			throw new AssertionError("pair vanished", ex);
		}
		sim.advance(a.n() % 50);
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

	// ---- the property runner: seed in, seed and shrunk sequence out
	// --------------------------

	/**
	 * Checks {@code property} on {@code run}; on failure drops steps while it still fails
	 * and reports the profile, the seed and the shortest failing sequence found.
	 */
	static void check(Run run, long testSeed, Consumer<Run> property) {
		Throwable failure = failure(run, property);
		if (failure == null) {
			return;
		}
		Run shrunk = shrink(run, property);
		throw new AssertionError("profile " + run.profile() + ", test seed " + testSeed + " (simulation seed "
				+ run.seed() + ") fails; " + run.actions().size() + " steps shrunk to " + shrunk.actions().size() + ": "
				+ shrunk.actions() + "\n" + failure(shrunk, property), failure);
	}

	private static Throwable failure(Run run, Consumer<Run> property) {
		try {
			property.accept(run);
			return null;
		}
		catch (AssertionError | RuntimeException ex) {
			return ex;
		}
	}

	/** Drops one step at a time while the property still fails, until no step can go. */
	static Run shrink(Run run, Consumer<Run> property) {
		List<Action> steps = new ArrayList<>(run.actions());
		boolean dropped = true;
		while (dropped) {
			dropped = false;
			for (int i = steps.size() - 1; i >= 0; i--) {
				List<Action> fewer = new ArrayList<>(steps);
				fewer.remove(i);
				if (failure(run.with(fewer), property) != null) {
					steps = fewer;
					dropped = true;
				}
			}
		}
		return run.with(steps);
	}

	static Stream<Arguments> profilesAndSeeds(int runs) {
		return StackConstants.PROFILES.stream()
			.flatMap(p -> java.util.stream.LongStream.rangeClosed(1, runs).mapToObj(seed -> Arguments.of(p, seed)));
	}

	static Stream<Arguments> invariantRuns() {
		return profilesAndSeeds(RUNS);
	}

	static Stream<Arguments> determinismRuns() {
		return profilesAndSeeds(DETERMINISM_RUNS);
	}

	// ---- the properties
	// ----------------------------------------------------------------------

	@ParameterizedTest(name = "{0} seed {1}")
	@MethodSource("invariantRuns")
	void shouldKeepTheTraceContiguousFollowTheStateDiagramAndCloseEverything(String profile, long seed) {
		check(Run.draw(profile, seed, 20), seed, EnginePropertiesTest::traceInvariants);
	}

	static void traceInvariants(Run run) {
		List<TraceEvent> trace = play(run);
		StackConstants c = StackConstants.forProfile(run.profile());
		Fixtures.assertContiguous(trace);
		assertThat(trace.get(0).seq()).isZero();
		for (TraceEvent e : trace) {
			if (e instanceof TraceEvent.State s) {
				assertThat(allowed(c, s.from(), s.to(), s.cause()))
					.as("%s %s -> %s (%s) on %s", s.endpoint(), s.from(), s.to(), s.cause(), run.profile())
					.isTrue();
			}
		}
	}

	@ParameterizedTest(name = "{0} seed {1}")
	@MethodSource("determinismRuns")
	void shouldGiveTheSameTraceForTheSameSeedAndCalls(String profile, long seed) {
		check(Run.draw(profile, seed, 15), seed, run -> {
			List<String> a = play(run).stream().map(Object::toString).toList();
			List<String> b = play(run).stream().map(Object::toString).toList();
			assertThat(b).isEqualTo(a);
		});
	}

	// ---- the checker and the shrinker can fail
	// -------------------------------------------------

	@Test
	void shouldRejectTransitionsOutsideTheDiagramAndExtrasTheProfileDoesNotAllow() {
		StackConstants rfc = StackConstants.forProfile("rfc9293");
		StackConstants linux = StackConstants.forProfile("linux");
		assertThat(allowed(linux, TcpState.ESTABLISHED, TcpState.CLOSED, "close()")).isFalse();
		assertThat(allowed(linux, TcpState.ESTABLISHED, TcpState.CLOSED, "rcv FIN")).isFalse();
		assertThat(allowed(linux, TcpState.FIN_WAIT_2, TcpState.CLOSED, "retransmission limit")).isFalse();
		assertThat(allowed(linux, TcpState.CLOSE_WAIT, TcpState.TIME_WAIT, "rcv FIN")).isFalse();
		assertThat(allowed(linux, TcpState.FIN_WAIT_2, TcpState.CLOSED, "FIN_WAIT_2 timer")).isTrue();
		assertThat(allowed(rfc, TcpState.FIN_WAIT_2, TcpState.CLOSED, "FIN_WAIT_2 timer")).isFalse();
		assertThat(allowed(linux, TcpState.TIME_WAIT, TcpState.CLOSED, "tw_reuse")).isFalse();
		assertThat(allowed(StackConstants.forProfile("windows"), TcpState.TIME_WAIT, TcpState.CLOSED,
				"reopened by new SYN"))
			.isFalse();
		assertThat(
				allowed(linux.withOverrides(Map.of("rfc1337", true)), TcpState.TIME_WAIT, TcpState.CLOSED, "rcv RST"))
			.isFalse();
	}

	@Test
	void shouldReportTheSeedAndASequenceShrunkToTheFailingSteps() {
		Run run = Run.draw("linux", 7, 20);
		Run withAbort = run.with(Stream
			.concat(Stream.of(new Action(Kind.ABORT, 0, Side.CLIENT, 0, SegmentMatch.ANY)), run.actions().stream())
			.toList());
		assertThat(withAbort.actions()).hasSizeGreaterThan(3);
		// a property that fails whenever a socket is aborted
		Consumer<Run> noAbort = r -> assertThat(play(r).stream()
			.filter(TraceEvent.State.class::isInstance)
			.map(TraceEvent.State.class::cast)
			.noneMatch(s -> s.cause().equals("linger {1,0}"))).isTrue();
		assertThatThrownBy(() -> check(withAbort, 7, noAbort)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("profile linux, test seed 7")
			.hasMessageContaining("shrunk to 1: [ABORT(");
	}

}
