package dev.tcplab.scenario;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.tcplab.engine.EngineException;
import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.Snapshots.EndpointView;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpFlag;
import dev.tcplab.engine.TcpState;

/**
 * What a scenario step can do: thin, named calls onto the engine of a simulation whose
 * lock the runner holds, plus variables for the narration. Every call goes through the
 * same public engine facade as the REST API.
 */
public final class ScenarioScript {

	public static final Side C = Side.CLIENT;

	public static final Side S = Side.SERVER;

	private final Simulation engine;

	private final Map<String, String> vars = new HashMap<>();

	private int pair;

	/** The last open of a {@code repeat} body was refused (ends the repeat). */
	boolean openFailed;

	/** A {@code repeat} is running. */
	boolean inRepeat;

	ScenarioScript(Simulation engine) {
		this.engine = engine;
	}

	public Simulation engine() {
		return engine;
	}

	public StackConstants constants() {
		return engine.constants();
	}

	public String profile() {
		return engine.constants().profile();
	}

	/**
	 * The pair that calls go to (the last one opened unless {@link #use} says otherwise).
	 */
	public int pair() {
		return pair;
	}

	public void use(int pairId) {
		this.pair = pairId;
	}

	Map<String, String> vars() {
		return vars;
	}

	/** Sets a narration variable used as {@code {name}} in both languages. */
	public void set(String name, Object value) {
		vars.put(name, String.valueOf(value));
	}

	/** Sets a narration variable with different English and Korean wording. */
	public void set(String name, String en, String ko) {
		vars.put(name + ".en", en);
		vars.put(name + ".ko", ko);
	}

	// ---- pairs ----

	/** Opens an established pair to port 80 from an ephemeral port. */
	public int open() {
		return open(80, null, false);
	}

	public int open(int serverPort, Integer clientPort, boolean reuseAddr) {
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
		return engine.apply(pair, event).result();
	}

	public Object close(Side side) {
		return apply(new PairEvent.Close(side));
	}

	public Object shutdownWrite(Side side) {
		return apply(new PairEvent.Shutdown(side, "SHUT_WR"));
	}

	public Object send(Side side, int bytes) {
		return apply(new PairEvent.Send(side, bytes));
	}

	public Object recv(Side side) {
		return apply(new PairEvent.Recv(side, null));
	}

	public Object abort(Side side) {
		return apply(new PairEvent.Abort(side));
	}

	public Object linger(Side side, int onoff, int seconds) {
		return apply(new PairEvent.SetLinger(side, onoff, seconds));
	}

	// ---- network ----

	/**
	 * Drops the next {@code count} segments matching {@code what} that {@code side}
	 * sends.
	 */
	public void lose(Side side, SegmentMatch what, int count) {
		apply(new PairEvent.Fault(side, FaultAction.DROP, what, count, 0, 0));
	}

	public void hold(Side side, SegmentMatch what) {
		apply(new PairEvent.Fault(side, FaultAction.HOLD, what, 1, 0, 0));
	}

	public void release(Side side) {
		apply(new PairEvent.Release(side));
	}

	public void inject(Side side, List<TcpFlag> flags, Long seq, Long ack, int len) {
		apply(new PairEvent.Inject(side, flags, seq, ack, len));
	}

	// ---- clock ----

	public void advance(double ms) {
		engine.advance(ms);
	}

	/**
	 * Lets what is in flight arrive and be answered: one delayed-ACK timeout plus three
	 * link latencies, shorter than any retransmission timeout, so a separate ACK has gone
	 * out but nothing was retransmitted.
	 */
	public void settle() {
		engine.advance(constants().delayedAckMs() + 3 * engine.config().latencyMs() + 1);
	}

	/**
	 * Runs until nothing is pending (at most ten virtual minutes past the longest timer).
	 */
	public void idle() {
		engine.runUntilIdle(Math.max(600_000, 4 * Math.max(constants().timeWaitMs(), constants().finWait2TimeoutMs())));
	}

	/**
	 * Runs scheduled instants one by one until {@code done} holds or {@code maxMs} of
	 * virtual time have passed.
	 */
	public boolean runUntil(BooleanSupplier done, double maxMs) {
		double end = engine.nowMs() + maxMs;
		while (!done.getAsBoolean()) {
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
		engine.startLoad(spec);
	}

}
