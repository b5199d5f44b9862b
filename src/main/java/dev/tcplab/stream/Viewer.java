package dev.tcplab.stream;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;

import dev.tcplab.simulation.SimulationJson;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationNotFoundException;
import dev.tcplab.simulation.TraceSubscriber;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * One WebSocket connection watching one simulation.
 * <p>
 * The simulation calls {@link #onEvent}, {@link #onClock} and {@link #onClosed} under its
 * lock; they only append an already serialised message to this viewer's bounded queue
 * and, if no send is in progress, schedule a pump on the streamer's executor. The pump
 * hands one frame at a time to the container's asynchronous send
 * ({@code RemoteEndpoint.Async}); the completion callback schedules the next. So no
 * thread — neither the simulation's nor a sender's — ever waits for a slow socket: a
 * viewer that does not read simply accumulates queued bytes until it exceeds
 * {@code bufferSizeLimit} (or its frame stays in flight past {@code sendTimeLimit}) and
 * is closed with {@link #TOO_SLOW 4008}.
 * <p>
 * Order on the wire: snapshot, optional HISTORY_TRUNCATED error, the kept history with
 * seq ≥ since (serialised lazily by the pump, outside the lock, not counted against the
 * buffer limit), then live messages in the order the simulation produced them.
 */
final class Viewer implements TraceSubscriber {

	/**
	 * Close code for a viewer that could not keep up; the reason says which {@code since}
	 * to resume from.
	 */
	static final int TOO_SLOW = 4008;

	private final WebSocketSession session;

	private final RemoteEndpoint.Async remote;

	private final LiveSimulation live;

	private final TraceStreamer streamer;

	private final Long requestedSince;

	private final ConcurrentLinkedQueue<Outbound> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	/**
	 * True while a pump is scheduled or a frame is in flight; starts true so nothing is
	 * sent before setup.
	 */
	private final AtomicBoolean pumping = new AtomicBoolean(true);

	private volatile boolean finished;

	private final AtomicBoolean dropping = new AtomicBoolean();

	/** No more live messages are accepted (simulation closed or viewer dropped). */
	private volatile boolean sealed;

	private volatile long inFlightSinceNanos;

	private volatile long inFlightSeq = -1;

	/** Seq of the last trace event whose frame was completely written (−1: none yet). */
	private volatile long completedSeq = -1;

	/** The first seq this viewer was to receive. */
	private volatile long firstSeq;

	private volatile long lastSendNanos = System.nanoTime();

	private final AtomicLong delivered = new AtomicLong();

	private static final int SENDING = 0;

	private static final int RETURNED = 1;

	private static final int DONE_OK = 2;

	private static final int DONE_FAILED = 3;

	/**
	 * Whether the current send completed inside sendText (then the pump loops) or later
	 * (then sent() pumps).
	 */
	private final java.util.concurrent.atomic.AtomicInteger sendState = new java.util.concurrent.atomic.AtomicInteger(
			RETURNED);

	// Touched only by the pump (serialised through `pumping`) and by start() before the
	// first pump.
	private List<Outbound> prefix = List.of();

	private int prefixIndex;

	private Iterator<TraceEvent> backlog;

	/** Events below this seq are not sent (a since ahead of the trace). */
	private long since;

	// Touched only under the simulation lock.
	private double lastClockNow = Double.NaN;

	private boolean lastClockPaused;

	private double lastClockSpeed = Double.NaN;

	Viewer(WebSocketSession session, RemoteEndpoint.Async remote, LiveSimulation live, Long requestedSince,
			TraceStreamer streamer) {
		this.session = session;
		this.remote = remote;
		this.live = live;
		this.requestedSince = requestedSince;
		this.streamer = streamer;
	}

	WebSocketSession session() {
		return this.session;
	}

	LiveSimulation live() {
		return this.live;
	}

	long delivered() {
		return this.delivered.get();
	}

	boolean finished() {
		return this.finished;
	}

	/**
	 * Takes the snapshot, the kept history and the subscription in one critical section
	 * of the simulation, so the viewer sees every event exactly once, then starts
	 * sending.
	 */
	void start() {
		long requested = this.requestedSince == null ? 0 : this.requestedSince;
		// set before subscribing: onEvent reads it under the simulation lock
		this.since = requested;
		SimulationJson[] json = new SimulationJson[1];
		long[] bounds = new long[2];
		List<TraceEvent> history;
		try {
			history = this.live.withLock(s -> {
				json[0] = this.streamer.snapshotUnderLock(s);
				bounds[0] = s.engine().nextSeq();
				bounds[1] = s.engine().oldestSeq();
				this.firstSeq = Math.max(requested, bounds[1]);
				List<TraceEvent> kept = List.copyOf(s.engine().eventsSince(requested));
				// subscribe from nextSeq: nothing is replayed under the lock, later
				// events arrive through onEvent
				s.subscribe(this, bounds[0]);
				return kept;
			});
		}
		catch (SimulationNotFoundException ex) {
			startWith(List.of(Outbound.control(this.streamer.write(new StreamMessages.Closed("not-found"))),
					Outbound.close(new CloseStatus(1000, "not-found"))), List.of());
			return;
		}
		catch (dev.tcplab.simulation.SimulationBusyException ex) {
			// busy with a long request: 1013 "try again later"
			startWith(List.of(Outbound.close(CloseStatus.SERVICE_OVERLOAD.withReason("simulation busy; reconnect"))),
					List.of());
			return;
		}
		catch (RuntimeException ex) {
			this.live.unsubscribe(this);
			startWith(List.of(Outbound.close(CloseStatus.SERVER_ERROR.withReason("could not read the simulation"))),
					List.of());
			throw ex;
		}
		long nextSeq = bounds[0];
		long oldestSeq = bounds[1];
		Outbound snapshot = Outbound
			.control(this.streamer.write(new StreamMessages.Snapshot(json[0], nextSeq, oldestSeq, this.firstSeq)));
		if (this.requestedSince != null && requested < oldestSeq) {
			Outbound error = Outbound
				.control(this.streamer.write(new StreamMessages.Error("HISTORY_TRUNCATED", oldestSeq,
						"events before seq " + oldestSeq + " were compacted away; continuing from " + oldestSeq)));
			startWith(List.of(snapshot, error), history);
		}
		else {
			startWith(List.of(snapshot), history);
		}
	}

	private void startWith(List<Outbound> prefix, List<TraceEvent> history) {
		this.prefix = prefix;
		this.backlog = history.isEmpty() ? null : history.iterator();
		this.streamer.execute(this::pump);
	}

	// ---- TraceSubscriber: called under the simulation lock, must not block ----

	@Override
	public void onEvent(TraceEvent event) {
		if (this.sealed || event.seq() < this.since) {
			return;
		}
		offer(new Outbound(this.streamer.textUnderLock(this.live, event), event.seq(), null));
	}

	@Override
	public void onClock(double nowMs, boolean paused, double speed) {
		if (this.sealed) {
			return;
		}
		boolean changed = paused != this.lastClockPaused || speed != this.lastClockSpeed
				|| Double.isNaN(this.lastClockNow);
		if (!changed && (paused || nowMs == this.lastClockNow)) {
			return;
		}
		this.lastClockNow = nowMs;
		this.lastClockPaused = paused;
		this.lastClockSpeed = speed;
		offer(Outbound
			.control(this.streamer.clockUnderLock(this.live, nowMs, paused, speed, this.live.clock().wireName())));
	}

	@Override
	public void onClosed(String reason) {
		if (this.sealed) {
			return;
		}
		this.sealed = true;
		this.queue.add(Outbound.control(this.streamer.write(new StreamMessages.Closed(reason))));
		this.queue.add(Outbound.close(new CloseStatus(1000, reason)));
		schedule();
	}

	// ---- queue and pump ----

	private void offer(Outbound out) {
		long bytes = this.queuedBytes.addAndGet(out.text().length());
		if (bytes > this.streamer.properties().bufferSizeLimit()) {
			drop("send buffer limit of " + this.streamer.properties().bufferSizeLimit() + " bytes exceeded");
			return;
		}
		this.queue.add(out);
		schedule();
	}

	private void schedule() {
		if (this.pumping.compareAndSet(false, true)) {
			this.streamer.execute(this::pump);
		}
	}

	/**
	 * Sends queued messages while the container completes them immediately (a loop, not
	 * recursion), and returns as soon as one send is pending; its completion callback
	 * resumes the pump. Runs with {@code pumping} owned; never blocks.
	 */
	private void pump() {
		while (true) {
			if (this.finished) {
				return;
			}
			Outbound next;
			try {
				next = nextOutbound();
			}
			catch (RuntimeException ex) {
				// e.g. a history event that cannot be serialised: end this stream visibly
				// rather than stall it
				this.streamer.close(this, CloseStatus.SERVER_ERROR.withReason("could not encode an event"));
				return;
			}
			if (next == null) {
				this.pumping.set(false);
				if (this.queue.isEmpty() || !this.pumping.compareAndSet(false, true)) {
					return;
				}
				continue;
			}
			if (next.close() != null) {
				this.streamer.close(this, next.close());
				return;
			}
			if (!send(next)) {
				return;
			}
		}
	}

	private Outbound nextOutbound() {
		if (this.prefixIndex < this.prefix.size()) {
			return this.prefix.get(this.prefixIndex++);
		}
		if (this.backlog != null) {
			while (this.backlog.hasNext()) {
				TraceEvent e = this.backlog.next();
				if (e.seq() >= this.since) {
					return new Outbound(this.streamer.write(e), e.seq(), null);
				}
			}
			this.backlog = null;
		}
		Outbound out = this.queue.poll();
		if (out != null) {
			this.queuedBytes.addAndGet(-out.text().length());
		}
		return out;
	}

	/**
	 * Starts one asynchronous send; true if it already completed (the caller goes on with
	 * the next message).
	 */
	private boolean send(Outbound out) {
		long now = System.nanoTime();
		this.inFlightSeq = out.seq();
		this.inFlightSinceNanos = now;
		this.lastSendNanos = now;
		this.sendState.set(SENDING);
		try {
			this.remote.sendText(out.text(), this::sent);
		}
		catch (RuntimeException ex) {
			// closed meanwhile (IllegalStateException) or similar: the connection is gone
			this.inFlightSinceNanos = 0;
			this.streamer.gone(this);
			return false;
		}
		if (this.sendState.compareAndSet(SENDING, RETURNED)) {
			return false; // pending: sent() resumes the pump
		}
		// completed while sendText ran
		return this.sendState.get() == DONE_OK;
	}

	private void sent(SendResult result) {
		this.inFlightSinceNanos = 0;
		boolean ok = result.isOK();
		if (ok) {
			this.delivered.incrementAndGet();
			if (this.inFlightSeq >= 0) {
				this.completedSeq = this.inFlightSeq;
			}
		}
		else {
			this.streamer.gone(this);
		}
		if (this.sendState.compareAndSet(SENDING, ok ? DONE_OK : DONE_FAILED)) {
			return; // inline completion: the pump loop goes on
		}
		if (ok) {
			// completed later on a container thread: go on from here (non-blocking)
			pump();
		}
	}

	// ---- lifecycle, driven by the streamer ----

	/**
	 * Drops a viewer that cannot keep up: stops accepting messages, discards its queue
	 * and closes with 4008. The reason names the first seq whose frame was not completely
	 * written to the socket; a client resumes from its own last received seq + 1 (which
	 * is never higher), so nothing is lost.
	 */
	void drop(String why) {
		if (!this.dropping.compareAndSet(false, true)) {
			return;
		}
		this.sealed = true;
		this.live.unsubscribe(this);
		long resume = resumeSeq();
		this.queue.clear();
		this.queuedBytes.set(0);
		this.streamer.dropped(this, why, new CloseStatus(TOO_SLOW, "too slow, resume with since=" + resume));
	}

	/**
	 * The first seq this viewer did not hand to the network: everything before it was
	 * written to the socket.
	 */
	private long resumeSeq() {
		long done = this.completedSeq;
		return done >= 0 ? done + 1 : this.firstSeq;
	}

	/** Marks the viewer finished and leaves the simulation; idempotent. */
	void finish() {
		this.sealed = true;
		this.finished = true;
		this.live.unsubscribe(this);
		this.queue.clear();
	}

	/** Periodic check by the streamer: send-time limit and heartbeat. */
	void sweep(long nowNanos) {
		if (this.finished) {
			return;
		}
		long inFlight = this.inFlightSinceNanos;
		if (inFlight != 0 && nowNanos - inFlight > this.streamer.properties().sendTimeLimit().toNanos()) {
			drop("a frame was in flight longer than " + this.streamer.properties().sendTimeLimit());
			return;
		}
		if (!this.sealed && nowNanos - this.lastSendNanos > this.streamer.properties().heartbeatInterval().toNanos()
				&& this.queue.isEmpty() && inFlight == 0) {
			this.lastSendNanos = nowNanos;
			offer(Outbound.control(StreamMessages.HEARTBEAT));
		}
	}

	/**
	 * A message waiting to be sent: a JSON text (seq ≥ 0 for trace events), or a close
	 * instruction.
	 */
	record Outbound(String text, long seq, CloseStatus close) {
		static Outbound control(String text) {
			return new Outbound(text, -1, null);
		}

		static Outbound close(CloseStatus status) {
			return new Outbound("", -1, status);
		}
	}

}
