package dev.tcplab.scenario;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.tcplab.engine.EngineException;
import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.Snapshots.EndpointView;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpState;
import dev.tcplab.simulation.JobBudget;

/**
 * What a scenario step can do: thin, named calls onto the engine of a simulation whose
 * lock the runner holds, plus variables for the narration. Every call goes through the
 * same public engine facade as the REST API, and every call is one operation of the run's
 * {@link JobBudget}: the budget is checked at each, and clock moves run in slices with
 * the budget checked between them, so no document runs unbounded.
 */
public final class ScenarioScript {

	private final Simulation engine;

	private final JobBudget budget;

	private final Map<String, String> vars = new HashMap<>();

	private int pair;

	/** The last open of a {@code repeat} body was refused (ends the repeat). */
	boolean openFailed;

	/** A {@code repeat} is running. */
	boolean inRepeat;

	ScenarioScript(Simulation engine, JobBudget budget) {
		this.engine = engine;
		this.budget = budget;
	}

	public Simulation engine() {
		budget.checkpoint();
		return engine;
	}

	public StackConstants constants() {
		return engine.constants();
	}

	/**
	 * The pair that calls go to (the last one opened unless {@link #use} says otherwise).
	 */
	public int pair() {
		return pair;
	}

	public void use(int pairId) {
		budget.checkpoint();
		this.pair = pairId;
	}

	Map<String, String> vars() {
		return vars;
	}

	/** Sets a narration variable used as {@code {name}} in both languages. */
	public void set(String name, Object value) {
		budget.checkpoint();
		vars.put(name, String.valueOf(value));
	}

	// ---- pairs ----

	public int open(int serverPort, Integer clientPort, boolean reuseAddr) {
		budget.checkpoint();
		PairView p = engine.openPair(serverPort, clientPort, reuseAddr, true);
		pair = p.id();
		set("pair", p.id());
		set("clientPort", p.client().port());
		return p.id();
	}

	/**
	 * Tries to open a pair; records 0 or the errno of the refusal in variable
	 * {@code name} (when given) and returns the pair id or null.
	 */
	public Integer tryOpen(String name, int serverPort, Integer clientPort, boolean reuseAddr) {
		try {
			int id = open(serverPort, clientPort, reuseAddr);
			if (name != null) {
				set(name, 0);
			}
			return id;
		}
		catch (EngineException ex) {
			// the refused bind()/connect() is in the trace as a call with this errno
			if (name != null) {
				set(name, ex.errno().name());
			}
			return null;
		}
	}

	public PairView view() {
		budget.checkpoint();
		return engine.pair(pair);
	}

	public EndpointView endpoint(Side side) {
		PairView p = view();
		return side == Side.CLIENT ? p.client() : p.server();
	}

	public TcpState state(Side side) {
		return endpoint(side).state();
	}

	// ---- socket calls ----

	public Object apply(PairEvent event) {
		budget.checkpoint();
		return engine.apply(pair, event).result();
	}

	// ---- clock ----

	public void advance(double ms) {
		budget.advance(engine, ms);
	}

	/**
	 * Lets what is in flight arrive and be answered: one delayed-ACK timeout plus three
	 * link latencies, shorter than any retransmission timeout, so a separate ACK has gone
	 * out but nothing was retransmitted.
	 */
	public void settle() {
		budget.advance(engine, constants().delayedAckMs() + 3 * engine.config().latencyMs() + 1);
	}

	/**
	 * Runs until nothing is pending (at most ten virtual minutes past the longest timer).
	 */
	public void idle() {
		budget.runUntilIdle(engine,
				Math.max(600_000, 4 * Math.max(constants().timeWaitMs(), constants().finWait2TimeoutMs())));
	}

	/**
	 * Runs scheduled instants one by one until {@code done} holds or {@code maxMs} of
	 * virtual time have passed.
	 */
	public boolean runUntil(BooleanSupplier done, double maxMs) {
		double end = engine.nowMs() + maxMs;
		while (!done.getAsBoolean()) {
			budget.checkpoint();
			Double next = engine.nextEventAtMs();
			if (next == null || next > end) {
				return false;
			}
			engine.step();
		}
		return true;
	}

	/**
	 * The final result of the latest completed blocking {@code call} of {@code side} on
	 * the current pair, or null.
	 */
	public Object completedResult(Side side, String call) {
		budget.checkpoint();
		List<dev.tcplab.engine.TraceEvent> events = engine.eventsSince(0);
		for (int i = events.size() - 1; i >= 0; i--) {
			if (events.get(i) instanceof dev.tcplab.engine.TraceEvent.Call c && c.completed() && call.equals(c.call())
					&& side.wireName().equals(c.endpoint()) && Integer.valueOf(pair).equals(c.pair())) {
				return c.result();
			}
		}
		return null;
	}

	/** Milliseconds as seconds for narration: 60000 → "60", 1500 → "1.5". */
	public static String secs(double ms) {
		double s = ms / 1000.0;
		return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
	}

	public void startLoad(LoadSpec spec) {
		budget.checkpoint();
		engine.startLoad(spec);
	}

}
