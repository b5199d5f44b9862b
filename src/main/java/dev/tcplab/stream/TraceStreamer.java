package dev.tcplab.stream;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import dev.tcplab.simulation.SimulationJson;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationService;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import tools.jackson.databind.json.JsonMapper;

/**
 * Owns the viewers of this instance: the sender threads that pump their queues, the
 * sweeper that enforces the send time limit and sends heartbeats, and the closes (which
 * may wait on a stuck socket, so they never run on a sender or simulation thread).
 */
@Component
public class TraceStreamer implements SmartLifecycle {

	/**
	 * Tomcat's per-session limit on blocking writes, which its close handshake with code
	 * 1000 uses.
	 */
	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	/**
	 * Tomcat's wait for the close frame of any other code (default 50 ms): too short for
	 * a viewer that is behind, which would then lose its 4008 close frame.
	 */
	private static final String TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

	private static final Log logger = LogFactory.getLog(TraceStreamer.class);

	/** Largest client frame the container buffers (larger ones are closed with 1009). */
	private static final int MAX_CLIENT_FRAME = 1024;

	private final StreamProperties properties;

	private final JsonMapper jsonMapper;

	private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();

	/**
	 * Last event serialised per simulation: all viewers of one simulation share one JSON
	 * string per event.
	 */
	private final Map<LiveSimulation, EventText> lastText = Collections.synchronizedMap(new WeakHashMap<>());

	private final TaskExecutor senders;

	private final TaskExecutor closers;

	private final TaskScheduler sweeper;

	private final SimulationService simulations;

	private final AtomicLong droppedViewers = new AtomicLong();

	/** Viewer slots per client address, reserved at the handshake. */
	private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

	private final AtomicInteger reserved = new AtomicInteger();

	private volatile ScheduledFuture<?> sweeping;

	private volatile boolean running;

	public TraceStreamer(StreamProperties properties, JsonMapper jsonMapper, SimulationService simulations,
			@Qualifier(StreamConfiguration.SENDERS) TaskExecutor senders,
			@Qualifier(StreamConfiguration.CLOSERS) TaskExecutor closers,
			@Qualifier(StreamConfiguration.SWEEPER) TaskScheduler sweeper) {
		this.properties = properties;
		this.jsonMapper = jsonMapper;
		this.simulations = simulations;
		this.senders = senders;
		this.closers = closers;
		this.sweeper = sweeper;
	}

	// ---- lifecycle: started with the context, stopped before the web server ----

	@Override
	public void start() {
		long period = Math.max(100, Math.min(1000, this.properties.heartbeatInterval().toMillis() / 4));
		this.sweeping = this.sweeper.scheduleWithFixedDelay(this::sweep, Duration.ofMillis(period));
		this.running = true;
	}

	/**
	 * Graceful shutdown: every viewer gets a 1001 (going away) close frame, sent in
	 * parallel and waited for up to the send time limit. Runs in the highest lifecycle
	 * phase, so before the web server stops taking requests and closes connections.
	 */
	@Override
	public void stop() {
		this.running = false;
		ScheduledFuture<?> s = this.sweeping;
		if (s != null) {
			s.cancel(false);
		}
		List<Viewer> open = List.copyOf(this.viewers);
		CountDownLatch closed = new CountDownLatch(open.size());
		for (Viewer v : open) {
			if (!this.viewers.remove(v)) {
				continue; // closed meanwhile, or by open() (below)
			}
			v.finish();
			try {
				this.closers.execute(() -> {
					try {
						closeQuietly(v.session(), CloseStatus.GOING_AWAY.withReason("server shutting down"));
					}
					finally {
						closed.countDown();
					}
				});
			}
			catch (RuntimeException ex) {
				closed.countDown();
			}
		}
		try {
			closed.await(this.properties.sendTimeLimit().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// ---- viewer slots ----

	/**
	 * Reserves a viewer slot for {@code client}. Fair across addresses: while the
	 * instance is less than half full an address may hold {@code max-viewers-per-client}
	 * viewers; above that its share shrinks with the slots left (down to one), so many
	 * addresses together cannot take every slot while a newcomer still finds one.
	 * @return null when reserved, otherwise the limit that is full
	 * ({@code maxViewersPerClient} or {@code maxViewers})
	 */
	String reserve(String client) {
		AtomicInteger mine = this.perClient.computeIfAbsent(client, k -> new AtomicInteger());
		int held = mine.incrementAndGet();
		if (held > this.properties.maxViewersPerClient() || held > fairShare(this.reserved.get())) {
			releaseCount(client, mine);
			return "maxViewersPerClient";
		}
		if (this.reserved.incrementAndGet() > this.properties.maxViewers()) {
			this.reserved.decrementAndGet();
			releaseCount(client, mine);
			return "maxViewers";
		}
		return null;
	}

	/**
	 * Viewers one address may hold when {@code used} slots of the instance are taken: the
	 * per-client limit up to half the instance, then shrinking with the free slots, never
	 * below one.
	 */
	int fairShare(int used) {
		int max = this.properties.maxViewers();
		int half = max / 2;
		int perClient = this.properties.maxViewersPerClient();
		if (used < half) {
			return perClient;
		}
		long free = Math.max(0, max - used);
		return (int) Math.max(1, perClient * free / Math.max(1, max - half));
	}

	void release(String client) {
		this.reserved.decrementAndGet();
		AtomicInteger mine = this.perClient.get(client);
		if (mine != null) {
			releaseCount(client, mine);
		}
	}

	private void releaseCount(String client, AtomicInteger mine) {
		if (mine.decrementAndGet() <= 0) {
			this.perClient.remove(client, mine);
		}
	}

	/** Viewer slots held now (reserved at handshakes, released when sessions end). */
	public int reservedViewers() {
		return this.reserved.get();
	}

	/** The API's view of a simulation whose lock the caller holds. */
	SimulationJson snapshotUnderLock(LiveSimulation locked) {
		return SimulationJson.of(this.simulations.snapshotOf(locked));
	}

	public StreamProperties properties() {
		return this.properties;
	}

	/** Viewers connected now. */
	public int viewerCount() {
		return this.viewers.size();
	}

	/** Viewers closed with 4008 since start. */
	public long droppedViewers() {
		return this.droppedViewers.get();
	}

	/** Opens the stream for a freshly upgraded session. */
	void open(WebSocketSession session, LiveSimulation live, Long since) {
		Session nativeSession = session instanceof NativeWebSocketSession n ? n.getNativeSession(Session.class) : null;
		if (nativeSession == null) {
			// every servlet container Spring supports gives a JSR-356 session; anything
			// else is a setup error
			closeQuietly(session, CloseStatus.SERVER_ERROR.withReason("no asynchronous send available"));
			return;
		}
		// the stream is one-way (a client data frame closes it with 1008): never buffer
		// much
		// of one
		nativeSession.setMaxTextMessageBufferSize(MAX_CLIENT_FRAME);
		nativeSession.setMaxBinaryMessageBufferSize(MAX_CLIENT_FRAME);
		nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, this.properties.sendTimeLimit().toMillis());
		nativeSession.getUserProperties()
			.put(TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT, this.properties.sendTimeLimit().toMillis());
		RemoteEndpoint.Async remote = nativeSession.getAsyncRemote();
		Viewer viewer = new Viewer(session, remote, live, since, this);
		session.getAttributes().put(Viewer.class.getName(), viewer);
		this.viewers.add(viewer);
		if (!this.running && this.viewers.remove(viewer)) {
			// the 101 went out before stop() began, the registration came after it
			// copied the viewers: this one is closed here, with the same 1001
			viewer.finish();
			closeQuietly(session, CloseStatus.GOING_AWAY.withReason("server shutting down"));
			return;
		}
		viewer.start();
	}

	/**
	 * A client sent a data frame on the one-way stream: the 1008 close frame goes out and
	 * the connection is closed with it, without waiting for the client's close frame
	 * (which the container would otherwise wait for, reading and discarding whatever the
	 * client keeps sending, for its session close timeout of 30 s).
	 */
	void refuseData(WebSocketSession session) throws java.io.IOException {
		CloseStatus status = CloseStatus.POLICY_VIOLATION.withReason("the stream is one-way; send no data");
		Session nativeSession = session instanceof NativeWebSocketSession n ? n.getNativeSession(Session.class) : null;
		if (nativeSession instanceof org.apache.tomcat.websocket.WsSession ws) {
			jakarta.websocket.CloseReason reason = new jakarta.websocket.CloseReason(
					jakarta.websocket.CloseReason.CloseCodes.VIOLATED_POLICY, status.getReason());
			ws.doClose(reason, reason, true);
			return;
		}
		session.close(status);
	}

	/** The client closed or the transport failed. */
	void closed(WebSocketSession session) {
		if (session.getAttributes().remove(SimulationHandshakeInterceptor.CLIENT) instanceof String client) {
			release(client);
		}
		Object v = session.getAttributes().get(Viewer.class.getName());
		if (v instanceof Viewer viewer) {
			viewer.finish();
			this.viewers.remove(viewer);
		}
	}

	void execute(Runnable task) {
		this.senders.execute(task);
	}

	/** Serialises with the application's JsonMapper (trace events get their "type"). */
	String write(Object value) {
		return this.jsonMapper.writeValueAsString(value);
	}

	/**
	 * Serialises a live event once per simulation; only called under that simulation's
	 * lock.
	 */
	String textUnderLock(LiveSimulation live, TraceEvent event) {
		EventText memo = this.lastText.get(live);
		if (memo == null) {
			memo = new EventText();
			this.lastText.put(live, memo);
		}
		if (memo.event != event) {
			memo.text = write(event);
			memo.event = event;
		}
		return memo.text;
	}

	/**
	 * Serialises a clock message once per simulation and tick; only called under that
	 * simulation's lock.
	 */
	String clockUnderLock(LiveSimulation live, double nowMs, boolean paused, double speed, String clock) {
		EventText memo = this.lastText.get(live);
		if (memo == null) {
			memo = new EventText();
			this.lastText.put(live, memo);
		}
		if (memo.clockText == null || memo.clockNow != nowMs || memo.clockPaused != paused || memo.clockSpeed != speed
				|| !clock.equals(memo.clockMode)) {
			memo.clockText = write(new StreamMessages.Clock(nowMs, paused, speed, clock));
			memo.clockNow = nowMs;
			memo.clockPaused = paused;
			memo.clockSpeed = speed;
			memo.clockMode = clock;
		}
		return memo.clockText;
	}

	/** Closes after the queue is through (closed message, or the end of the stream). */
	void close(Viewer viewer, CloseStatus status) {
		viewer.finish();
		this.viewers.remove(viewer);
		this.closers.execute(() -> closeQuietly(viewer.session(), status));
	}

	void dropped(Viewer viewer, String why, CloseStatus status) {
		this.droppedViewers.incrementAndGet();
		if (logger.isDebugEnabled()) {
			logger.debug("dropping slow viewer of simulation " + viewer.live().id() + ": " + why);
		}
		close(viewer, status);
	}

	/** A send failed: the connection is already broken. */
	void gone(Viewer viewer) {
		close(viewer, CloseStatus.SESSION_NOT_RELIABLE);
	}

	private void sweep() {
		long now = System.nanoTime();
		for (Viewer v : this.viewers) {
			try {
				v.sweep(now);
			}
			catch (RuntimeException ex) {
				logger.warn("stream sweep failed for a viewer", ex);
			}
		}
	}

	private static void closeQuietly(WebSocketSession session, CloseStatus status) {
		try {
			if (session.isOpen()) {
				session.close(status);
			}
		}
		catch (Exception ex) {
			// the peer is gone or stuck; the container aborts the connection
		}
	}

	/** Only touched under the owning simulation's lock. */
	private static final class EventText {

		TraceEvent event;

		String text;

		String clockText;

		double clockNow;

		boolean clockPaused;

		double clockSpeed;

		String clockMode;

	}

}
