package dev.tcplab.simulation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.TraceEvent;

/**
 * A simulation held by this instance: the engine object, its clock mode and its live
 * subscribers. Every access to the engine goes through {@link #withLock}, so requests on
 * one simulation are serialised while different simulations run in parallel. Subscribers
 * see every recorded event exactly once, in seq order, because the engine calls the
 * fan-out synchronously under the same lock.
 */
public final class LiveSimulation {

	private final String id;

	private final String profile;

	private final long seed;

	private final Simulation engine;

	private final ReentrantLock lock = new ReentrantLock();

	private final List<TraceSubscriber> subscribers = new CopyOnWriteArrayList<>();

	private ClockMode clock;

	private double speed;

	private boolean paused;

	private volatile long lastAccessNanos;

	/** Wall-clock nanos at which the realtime runner last advanced this simulation. */
	private long realtimeAnchorNanos;

	private volatile boolean closed;

	LiveSimulation(String id, String profile, long seed, Simulation engine, ClockMode clock, double speed,
			long nowNanos) {
		this.id = id;
		this.profile = profile;
		this.seed = seed;
		this.engine = engine;
		this.clock = clock;
		this.speed = speed;
		this.lastAccessNanos = nowNanos;
		this.realtimeAnchorNanos = nowNanos;
		engine.setTraceListener(this::publish);
	}

	public String id() {
		return id;
	}

	public String profile() {
		return profile;
	}

	public long seed() {
		return seed;
	}

	/**
	 * Runs {@code action} on the engine with this simulation's lock held and marks it as
	 * used.
	 * @throws SimulationNotFoundException if the simulation was closed meanwhile
	 */
	public <T> T withLock(Function<LiveSimulation, T> action) {
		lock.lock();
		try {
			if (closed) {
				throw new SimulationNotFoundException(id);
			}
			lastAccessNanos = System.nanoTime();
			return action.apply(this);
		}
		finally {
			lock.unlock();
		}
	}

	/** The engine; only to be used inside {@link #withLock}. */
	public Simulation engine() {
		requireLocked();
		return engine;
	}

	public ClockMode clock() {
		requireLocked();
		return clock;
	}

	public double speed() {
		requireLocked();
		return speed;
	}

	public boolean paused() {
		requireLocked();
		return paused;
	}

	/** Pauses or resumes; resuming re-anchors realtime so no wall time "catches up". */
	public void setPaused(boolean paused) {
		requireLocked();
		this.paused = paused;
		this.realtimeAnchorNanos = System.nanoTime();
		notifyClock();
	}

	public void setSpeed(double speed) {
		requireLocked();
		if (!(speed >= 0.01 && speed <= 1000)) {
			throw new IllegalArgumentException("speed must be between 0.01 and 1000, got " + speed);
		}
		this.speed = speed;
		this.realtimeAnchorNanos = System.nanoTime();
		notifyClock();
	}

	public void setClock(ClockMode clock) {
		requireLocked();
		this.clock = clock;
		this.realtimeAnchorNanos = System.nanoTime();
	}

	/**
	 * Subscribes and, in the same critical section, replays the kept events with seq ≥
	 * since, so the subscriber sees no gap and no duplicate. Returns the events replayed
	 * (already passed to the subscriber).
	 */
	public List<TraceEvent> subscribe(TraceSubscriber subscriber, long since) {
		return withLock(s -> {
			List<TraceEvent> backlog = engine.eventsSince(since);
			for (TraceEvent e : backlog) {
				subscriber.onEvent(e);
			}
			subscribers.add(subscriber);
			return backlog;
		});
	}

	public void unsubscribe(TraceSubscriber subscriber) {
		subscribers.remove(subscriber);
	}

	public int subscriberCount() {
		return subscribers.size();
	}

	long lastAccessNanos() {
		return lastAccessNanos;
	}

	boolean isClosed() {
		return closed;
	}

	/**
	 * Advances a realtime, unpaused simulation by the wall time since the last tick ×
	 * speed, running at most {@code maxEvents} events: a simulation with more to do falls
	 * behind wall time rather than holding up the other simulations' clocks. Called by
	 * the runner.
	 */
	void tickRealtime(long nowNanos, double maxStepMs, long maxEvents) {
		lock.lock();
		try {
			if (closed || clock != ClockMode.REALTIME) {
				realtimeAnchorNanos = nowNanos;
				return;
			}
			if (paused) {
				realtimeAnchorNanos = nowNanos;
				return;
			}
			double ms = (nowNanos - realtimeAnchorNanos) / 1_000_000.0 * speed;
			realtimeAnchorNanos = nowNanos;
			if (ms > 0) {
				engine.advanceSilently(Math.min(ms, maxStepMs), maxEvents);
			}
		}
		finally {
			lock.unlock();
		}
	}

	/** Tells subscribers where the clock is (used for countdowns). */
	void notifyClock() {
		double now = engine.nowMs();
		for (TraceSubscriber s : subscribers) {
			s.onClock(now, paused, speed);
		}
	}

	void notifyClockLocked() {
		lock.lock();
		try {
			if (!closed) {
				notifyClock();
			}
		}
		finally {
			lock.unlock();
		}
	}

	void close(String reason) {
		lock.lock();
		try {
			if (closed) {
				return;
			}
			closed = true;
			engine.setTraceListener(null);
			for (TraceSubscriber s : subscribers) {
				s.onClosed(reason);
			}
			subscribers.clear();
		}
		finally {
			lock.unlock();
		}
	}

	private void publish(TraceEvent event) {
		for (TraceSubscriber s : subscribers) {
			s.onEvent(event);
		}
	}

	private void requireLocked() {
		if (!lock.isHeldByCurrentThread()) {
			throw new IllegalStateException("use LiveSimulation.withLock");
		}
	}

}
