package dev.tcplab.simulation;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
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

	/**
	 * Requests that made (or rebuilt) this copy and have not finished: while any is in
	 * progress the copy is never dropped to make room, so its maker does not answer 404
	 * for what it just made (docs/decisions.md, "Issue 20").
	 */
	private final java.util.concurrent.atomic.AtomicInteger pins = new java.util.concurrent.atomic.AtomicInteger();

	/** Made outside a request: not dropped to make room before this (System.nanoTime). */
	private volatile long pinnedUntilNanos;

	/** Wall-clock nanos at which the realtime runner last advanced this simulation. */
	private long realtimeAnchorNanos;

	private volatile boolean closed;

	/** Why it was closed; the close is finished by whoever holds the lock next. */
	private final AtomicReference<String> closeReason = new AtomicReference<>();

	private boolean closeFinished;

	/** Longest wait for the lock of a request (nanoseconds). */
	private final long lockWaitNanos;

	/**
	 * The trace as recorded by another engine version, served instead of this engine's
	 * when the two differ (docs/decisions.md "Upgrades"); null normally.
	 */
	private volatile List<TraceEvent> recordedTrace;

	/** Engine versions that wrote this simulation's journal, when not only this one. */
	private volatile java.util.SortedSet<Integer> recordedBy;

	/** True when a rebuild by this engine gave the recorded trace unchanged. */
	private volatile Boolean traceMatchesRecording;

	/** What a copy knows of its journal (guarded by the copy's lock). */
	static final class JournalState {

		/** The entry number the next accepted mutating request gets. */
		long next;

		/** Bytes of this simulation's journal. */
		long bytes;

		/**
		 * Trace events up to this seq are written behind the journal (recorded trace).
		 */
		long traceStoredTo;

	}

	private final JournalState journalState = new JournalState();

	/**
	 * What made it (docs/decisions.md, issue 20), its label, and the client address whose
	 * request created (or rebuilt) this copy; set before the copy is published.
	 */
	private record Origin(SimulationKind kind, String label, String visitor) {
	}

	private volatile Origin origin = new Origin(SimulationKind.SIMULATION, null, "local");

	/** The hash of its owner's key ({@code tcplab_owner} cookie), or null. */
	private volatile String ownerKey;

	private volatile boolean kept;

	private volatile long createdAtMillis = System.currentTimeMillis();

	/** Slowest realtime speed factor (for Bean Validation annotations too). */
	public static final String MIN_SPEED = "0.01";

	/** Fastest realtime speed factor. */
	public static final String MAX_SPEED = "1000";

	/**
	 * The one check of the realtime speed range,
	 * {@value #MIN_SPEED}..{@value #MAX_SPEED}.
	 * @throws IllegalArgumentException outside it
	 */
	public static double requireSpeed(double speed) {
		if (!(speed >= Double.parseDouble(MIN_SPEED) && speed <= Double.parseDouble(MAX_SPEED))) {
			throw new IllegalArgumentException(
					"speed must be between " + MIN_SPEED + " and " + MAX_SPEED + ", got " + speed);
		}
		return speed;
	}

	LiveSimulation(String id, String profile, long seed, Simulation engine, ClockMode clock, double speed,
			long nowNanos) {
		this(id, profile, seed, engine, clock, speed, nowNanos, JobProperties.defaults().lockWait().toNanos());
	}

	LiveSimulation(String id, String profile, long seed, Simulation engine, ClockMode clock, double speed,
			long nowNanos, long lockWaitNanos) {
		requireSpeed(speed);
		this.lockWaitNanos = lockWaitNanos;
		this.id = id;
		this.profile = profile;
		this.seed = seed;
		this.engine = engine;
		this.clock = clock;
		this.speed = speed;
		this.lastAccessNanos = nowNanos;
		// System.nanoTime may be negative: "pinned until" starts at the birth, not at 0
		this.pinnedUntilNanos = nowNanos;
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

	/** What made this simulation. */
	public SimulationKind kind() {
		return origin.kind();
	}

	/** A short description for its owner's list, or null. */
	public String label() {
		return origin.label();
	}

	/**
	 * The client address whose request made this in-memory copy (created it, or rebuilt
	 * it from the journal): the copy counts against that address's share.
	 */
	public String visitor() {
		return origin.visitor();
	}

	/** The hash of the owner's key, or null when the creator sent none. */
	public String ownerKey() {
		return ownerKey;
	}

	void origin(SimulationKind kind, String label, String visitor, String ownerKey) {
		this.origin = new Origin(kind, label, visitor);
		this.ownerKey = ownerKey;
	}

	void ownership(String ownerKey, boolean kept, long createdAtMillis) {
		this.ownerKey = ownerKey;
		this.kept = kept;
		this.createdAtMillis = createdAtMillis;
	}

	/**
	 * Kept (shared): someone asked for it to outlive the visit. An unkept one-shot run is
	 * the first to go from memory, and its journal may expire early.
	 */
	public boolean kept() {
		return kept;
	}

	void kept(boolean kept) {
		this.kept = kept;
	}

	/**
	 * Wall-clock time of its creation (epoch ms; for a rebuilt copy, of the original).
	 */
	public long createdAtMillis() {
		return createdAtMillis;
	}

	/** A request is running on it right now (its lock is held). */
	boolean busy() {
		return lock.isLocked();
	}

	/**
	 * Runs {@code action} on the engine with this simulation's lock held and marks it as
	 * used. Waits for the lock at most {@code tcplab.budget.jobs.lock-wait}.
	 * @throws SimulationNotFoundException if the simulation was closed meanwhile
	 * @throws SimulationBusyException when another request held it all that time
	 */
	public <T> T withLock(Function<LiveSimulation, T> action) {
		return locked(action, true);
	}

	/**
	 * As {@link #withLock}, without marking the simulation as used: for the server's own
	 * housekeeping (writing the recorded trace), which must neither keep an idle
	 * simulation in memory nor count as the use that cancels a deferred delete.
	 */
	<T> T withLockUnused(Function<LiveSimulation, T> action) {
		return locked(action, false);
	}

	private <T> T locked(Function<LiveSimulation, T> action, boolean use) {
		acquire();
		try {
			if (closed) {
				throw new SimulationNotFoundException(id);
			}
			if (use) {
				lastAccessNanos = System.nanoTime();
			}
			return action.apply(this);
		}
		finally {
			release();
		}
	}

	/**
	 * Runs {@code action} with the lock held if nobody holds it now (sweeps that must not
	 * wait for a busy simulation); empty when busy or closed. Does not count as use.
	 */
	public <T> Optional<T> ifFree(Function<LiveSimulation, T> action) {
		if (!lock.tryLock()) {
			return Optional.empty();
		}
		try {
			return closed ? Optional.empty() : Optional.ofNullable(action.apply(this));
		}
		finally {
			release();
		}
	}

	private void acquire() {
		if (lock.tryLock()) {
			return;
		}
		long started = System.nanoTime();
		if (LockWait.within(lockWaitNanos, lock::tryLock)) {
			return;
		}
		throw new SimulationBusyException(id, (System.nanoTime() - started) / 1_000_000);
	}

	private void release() {
		try {
			if (closed) {
				finishClose();
			}
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
		this.speed = requireSpeed(speed);
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
			List<TraceEvent> backlog = eventsSince(since);
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

	/**
	 * Trace events this copy holds in memory, read without its lock: an estimate for the
	 * memory budget.
	 */
	long heldTraceEvents() {
		return engine.nextSeq() - engine.oldestSeq();
	}

	/** A request that made (or rebuilt) this copy is in progress (see {@link #unpin}). */
	void pin() {
		pins.incrementAndGet();
	}

	/** The request that {@link #pin pinned} this copy has finished. */
	void unpin() {
		pins.decrementAndGet();
	}

	/** Not dropped to make room until {@code nanos} (a copy made outside a request). */
	void pinUntil(long nanos) {
		pinnedUntilNanos = nanos;
	}

	/** Whether its maker is still at work, so it must not be dropped to make room. */
	boolean pinned(long nowNanos) {
		return pins.get() > 0 || nowNanos - pinnedUntilNanos < 0;
	}

	long lastAccessNanos() {
		return lastAccessNanos;
	}

	/** Closed (deleted, evicted, expired, moved): a job on it stops at its next check. */
	public boolean isClosed() {
		return closed;
	}

	/**
	 * What this copy knows of its journal: the caller must hold the lock (see
	 * {@link SimulationJournal}).
	 */
	JournalState journalState() {
		requireLocked();
		return journalState;
	}

	/**
	 * The trace recorded by another engine version that this simulation serves (it is
	 * then read-only), or null.
	 */
	public List<TraceEvent> recordedTrace() {
		return recordedTrace;
	}

	/**
	 * The engine versions that wrote this simulation's journal when any differs from this
	 * engine's, else null.
	 */
	public java.util.SortedSet<Integer> recordedBy() {
		return recordedBy;
	}

	/**
	 * Whether this engine's replay gave the recorded trace (null: no other engine version
	 * involved, or nothing recorded to compare with).
	 */
	public Boolean traceMatchesRecording() {
		return traceMatchesRecording;
	}

	void rebuiltByAnotherEngine(java.util.SortedSet<Integer> versions, Boolean matches, List<TraceEvent> recorded) {
		this.recordedBy = versions;
		this.traceMatchesRecording = matches;
		this.recordedTrace = recorded;
	}

	/**
	 * Kept trace events with seq ≥ since: the recorded trace when this simulation serves
	 * one, else the engine's. Only inside {@link #withLock}.
	 */
	public List<TraceEvent> eventsSince(long since) {
		requireLocked();
		List<TraceEvent> recorded = recordedTrace;
		if (recorded == null) {
			return engine.eventsSince(since);
		}
		return recorded.stream().filter(e -> e.seq() >= since).toList();
	}

	/**
	 * Advances a realtime, unpaused simulation by the wall time since the last tick ×
	 * speed, running at most {@code maxEvents} events: a simulation with more to do falls
	 * behind wall time rather than holding up the other simulations' clocks. Called by
	 * the runner.
	 */
	void tickRealtime(long nowNanos, double maxStepMs, long maxEvents) {
		if (!lock.tryLock()) {
			// busy with a request: its clock catches up at the next tick
			return;
		}
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
			release();
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
		ifFree(s -> {
			notifyClock();
			return null;
		});
	}

	/**
	 * Closes this copy: no request gets it any more, viewers get {@code closed: reason}.
	 * Never waits: when the lock is busy, its holder finishes the close as it lets go.
	 */
	void close(String reason) {
		closeReason.compareAndSet(null, reason);
		closed = true;
		if (lock.tryLock()) {
			release();
		}
	}

	/** With the lock held, once. */
	private void finishClose() {
		if (closeFinished) {
			return;
		}
		closeFinished = true;
		engine.setTraceListener(null);
		String reason = closeReason.get();
		for (TraceSubscriber s : subscribers) {
			s.onClosed(reason);
		}
		subscribers.clear();
	}

	/**
	 * Runs {@code action} and then closes this simulation, both only if no request holds
	 * it: never waits for its lock.
	 * @return false (and nothing done) when it is busy or already closed
	 */
	boolean closeIfIdle(String reason, Runnable action) {
		if (!lock.tryLock()) {
			return false;
		}
		try {
			if (closed) {
				return false;
			}
			action.run();
			// the lock is held (and reentrant): the close cannot wait
			close(reason);
			return true;
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
