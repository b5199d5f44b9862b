package dev.tcplab.engine;

import java.util.EnumMap;
import java.util.Map;

import dev.tcplab.engine.internal.EventQueue;
import dev.tcplab.engine.internal.TimerTable;
import dev.tcplab.engine.internal.TraceRing;
import dev.tcplab.engine.tcb.AckPolicy;
import dev.tcplab.engine.tcb.RttEstimator;

/**
 * What every TCP rule may use of the simulation it runs in (smoltcp's {@code Context},
 * Linux's {@code struct net} with its sysctls and counters): the virtual clock, the
 * profile's constants, the trace, the census with the one {@link #setState}, the timer
 * table and the ISN generator; and the three moments the engine must hear about, which it
 * implements: an endpoint {@link #closed}, a TCB that entered {@link #timeWait} and a
 * socket the application {@link #released}. {@link Engine} extends it with the event
 * loop, demultiplexing, the tables and the life of pairs; the rule classes ({@link Tcb},
 * {@link SegmentArrives}, {@link SocketCalls}, {@link Network}) see only this.
 */
abstract class Context {

	/** Kinds of event-queue entries. */
	static final int EV_SEGMENT = 0;

	static final int EV_TIMER = 1;

	static final int EV_TIME_WAIT_EXPIRY = 2;

	/**
	 * An {@code Engine.Scheduled} target's own event (load runs: connects and census
	 * ticks).
	 */
	static final int EV_CALLBACK = 3;

	final SimulationConfig config;

	final StackConstants c;

	final TraceRing rec;

	final EventQueue sched;

	/** The four timers of every TCB ({@link Timer}), indexed by the TCB's slot. */
	final TimerTable<Endpoint> timers;

	/** Virtual time in microseconds. */
	long now;

	/** Addresses of the client host (0) and the server host (1). */
	final String[] address;

	final Isn isn;

	/** Live endpoints per state (CLOSED is not counted). */
	final int[] census = new int[TcpState.values().length];

	/** The profile's RTO rules, shared by every connection's {@link RttEstimator}. */
	final RttEstimator.Profile rtt;

	/** The profile's ACK rules, shared by every connection's {@link AckPolicy}. */
	final AckPolicy.Profile ack;

	Context(SimulationConfig config, long isnSecret) {
		this.config = config;
		this.c = config.constants();
		this.rec = new TraceRing(config.traceLevel(), config.maxTraceEvents());
		this.sched = new EventQueue(this::staleEntry);
		this.timers = new TimerTable<>(sched, EV_TIMER);
		this.address = new String[] { config.clientAddress(), config.serverAddress() };
		this.isn = new Isn(config.pinnedIsn(), c.timeWaitMs() > 0, isnSecret);
		RttEstimator.Formula formula = switch (c.rtoFormula()) {
			case StackConstants.RTO_LINUX -> RttEstimator.Formula.LINUX;
			case StackConstants.RTO_FREEBSD -> RttEstimator.Formula.FREEBSD;
			default -> RttEstimator.Formula.RFC6298;
		};
		this.rtt = new RttEstimator.Profile(formula, c.rtoInitialMs() * 1000, c.rtoMinMs() * 1000, c.rtoMaxMs() * 1000,
				StackConstants.FREEBSD_REXMIT_SLOP_MS * 1000L);
		this.ack = new AckPolicy.Profile(c.quickAck(), c.delayedAckMs() * 1000, c.mss(), c.windowBytes());
	}

	/** A cancelled timer's entry is dropped as soon as it reaches a lane's head. */
	private boolean staleEntry(int kind, long arg) {
		return kind == EV_TIMER && timers.stale(arg);
	}

	/**
	 * {@code ep} reached CLOSED (its state event is recorded): the engine lets go of it.
	 */
	abstract void closed(Endpoint ep);

	/** TCB {@code ep} entered TIME_WAIT: the engine replaces it by a compact record. */
	abstract void timeWait(Endpoint ep);

	/**
	 * The application let go of socket {@code ep} (its close() returned): a TIME_WAIT
	 * record the handle still mirrored lives on alone, a CLOSED socket is done.
	 */
	abstract void released(Endpoint ep);

	double ms() {
		return now / 1000.0;
	}

	/**
	 * The one place where every endpoint changes state (smoltcp's {@code set_state}):
	 * keeps the census, records the state event with its cause, and tells the engine of
	 * CLOSED and TIME_WAIT.
	 */
	void setState(Endpoint ep, TcpState to, String cause) {
		TcpState from = ep.state;
		if (from == to) {
			return;
		}
		if (ep.counted) {
			census[from.ordinal()]--;
		}
		ep.state = to;
		if (to != TcpState.CLOSED) {
			census[to.ordinal()]++;
			ep.counted = true;
		}
		else {
			ep.counted = false;
		}
		if (rec.states) {
			rec.state(now, ep.pairNo(), ep.role(), from, to, cause);
		}
		if (to == TcpState.CLOSED) {
			closed(ep);
		}
		else if (to == TcpState.TIME_WAIT) {
			timeWait(ep);
		}
	}

	void note(Endpoint ep, String code, String text) {
		if (rec.states) {
			rec.note(now, ep == null ? 0 : ep.pairNo(), ep == null ? null : ep.role(), code, text);
		}
	}

	void note(Pair p, String endpoint, String code, String text) {
		if (rec.states) {
			rec.note(now, p == null ? 0 : p.id, endpoint, code, text);
		}
	}

	void timerEvent(Endpoint ep, String timer, String action, long atUs) {
		if (rec.segments) {
			timerEvent(ep.pairNo(), ep.role(), timer, action, atUs);
		}
	}

	void timerEvent(int pairNo, String endpoint, String timer, String action, long atUs) {
		if (rec.segments) {
			rec.add(new TraceEvent.Timer(rec.nextSeq(), ms(), pairNo == 0 ? null : Integer.valueOf(pairNo), endpoint,
					timer, action, atUs < 0 ? null : atUs / 1000.0));
		}
	}

	void callEvent(Endpoint ep, String endpoint, String call, Map<String, Object> args, CallResult result) {
		if (rec.states) {
			boolean blocking = result == CallResult.PENDING;
			rec.call(now, ep == null ? 0 : ep.pairNo(), endpoint, call, args == null ? Map.of() : args,
					blocking ? null : result.wire(), blocking, false);
		}
	}

	/** A blocked call of {@code ep} returned: its completion event. */
	void callCompleted(Endpoint ep, String call, Map<String, Object> args, CallResult result) {
		if (rec.states) {
			rec.call(now, ep.pairNo(), ep.role(), call, args, result.wire(), false, true);
		}
	}

	Map<TcpState, Integer> censusMap() {
		Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
		for (TcpState s : TcpState.values()) {
			if (s != TcpState.CLOSED) {
				m.put(s, census[s.ordinal()]);
			}
		}
		return m;
	}

}
