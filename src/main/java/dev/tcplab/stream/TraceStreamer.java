package dev.tcplab.stream;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.LiveSimulation;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
public class TraceStreamer {

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

	private final StreamProperties properties;

	private final JsonMapper jsonMapper;

	private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();

	/**
	 * Last event serialised per simulation: all viewers of one simulation share one JSON
	 * string per event.
	 */
	private final Map<LiveSimulation, EventText> lastText = Collections.synchronizedMap(new WeakHashMap<>());

	private final ThreadPoolExecutor senders;

	private final ExecutorService closers;

	private final ScheduledExecutorService sweeper;

	private final AtomicLong droppedViewers = new AtomicLong();

	public TraceStreamer(StreamProperties properties, JsonMapper jsonMapper) {
		this.properties = properties;
		this.jsonMapper = jsonMapper;
		this.senders = new ThreadPoolExecutor(properties.senderThreads(), properties.senderThreads(), 60,
				TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("ws-send-"));
		this.closers = Executors.newCachedThreadPool(daemon("ws-close-"));
		this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("ws-sweep-"));
		long period = Math.max(100, Math.min(1000, properties.heartbeatInterval().toMillis() / 4));
		this.sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	StreamProperties properties() {
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
		nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, this.properties.sendTimeLimit().toMillis());
		nativeSession.getUserProperties()
			.put(TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT, this.properties.sendTimeLimit().toMillis());
		RemoteEndpoint.Async remote = nativeSession.getAsyncRemote();
		Viewer viewer = new Viewer(session, remote, live, since, this);
		session.getAttributes().put(Viewer.class.getName(), viewer);
		this.viewers.add(viewer);
		viewer.start();
	}

	/** The client closed or the transport failed. */
	void closed(WebSocketSession session) {
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

	@PreDestroy
	void shutdown() {
		this.sweeper.shutdownNow();
		for (Viewer v : this.viewers) {
			v.finish();
			closeQuietly(v.session(), CloseStatus.GOING_AWAY);
		}
		this.viewers.clear();
		this.senders.shutdownNow();
		this.closers.shutdownNow();
	}

	private static java.util.concurrent.ThreadFactory daemon(String prefix) {
		AtomicInteger n = new AtomicInteger();
		return r -> {
			Thread t = new Thread(r, prefix + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
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
