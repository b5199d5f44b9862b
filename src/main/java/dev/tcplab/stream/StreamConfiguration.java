package dev.tcplab.stream;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ExecutorConfigurationSupport;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Registers the live trace endpoint {@code /ws/simulations/{id}?since=N} (plain
 * WebSocket, JSON text frames).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(StreamProperties.class)
class StreamConfiguration implements WebSocketConfigurer {

	static final String PATH_PREFIX = "/ws/simulations/";

	static final String SENDERS = "streamSenders";

	static final String CLOSERS = "streamClosers";

	static final String SWEEPER = "streamSweeper";

	/**
	 * Hands queued messages to the container's asynchronous send; a few threads serve
	 * thousands of viewers. Not a default candidate, so Spring Boot's own task executor
	 * stays in place.
	 */
	@Bean(name = SENDERS, defaultCandidate = false)
	static ThreadPoolTaskExecutor streamSenders(StreamProperties properties) {
		ThreadPoolTaskExecutor e = new ThreadPoolTaskExecutor();
		e.setCorePoolSize(properties.senderThreads());
		e.setMaxPoolSize(properties.senderThreads());
		e.setThreadNamePrefix("ws-send-");
		e.setDaemon(true);
		keepRunningUntilStreamsClosed(e);
		return e;
	}

	/**
	 * Closes sessions; a close may wait on a stuck socket for up to the send time limit,
	 * so this pool grows as needed and never runs on a sender or simulation thread.
	 */
	@Bean(name = CLOSERS, defaultCandidate = false)
	static ThreadPoolTaskExecutor streamClosers() {
		ThreadPoolTaskExecutor e = new ThreadPoolTaskExecutor();
		e.setCorePoolSize(0);
		e.setMaxPoolSize(Integer.MAX_VALUE);
		e.setQueueCapacity(0);
		e.setKeepAliveSeconds(60);
		e.setThreadNamePrefix("ws-close-");
		e.setDaemon(true);
		keepRunningUntilStreamsClosed(e);
		return e;
	}

	/**
	 * Enforces the send time limit and sends heartbeats. Not a default candidate, so
	 * {@code @Scheduled} methods keep Spring Boot's task scheduler.
	 */
	@Bean(name = SWEEPER, defaultCandidate = false)
	static ThreadPoolTaskScheduler streamSweeper() {
		ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler();
		s.setPoolSize(1);
		s.setThreadNamePrefix("ws-sweep-");
		s.setDaemon(true);
		keepRunningUntilStreamsClosed(s);
		return s;
	}

	/**
	 * The streamer closes its viewers (1001) when the context closes: the executors must
	 * still take tasks then, and stop after it (a lower lifecycle phase stops later).
	 */
	private static void keepRunningUntilStreamsClosed(ExecutorConfigurationSupport executor) {
		executor.setAcceptTasksAfterContextClose(true);
		executor.setPhase(SmartLifecycle.DEFAULT_PHASE - 512);
	}

	private final TraceStreamHandler handler;

	private final SimulationHandshakeInterceptor interceptor;

	private final StreamProperties properties;

	StreamConfiguration(TraceStreamHandler handler, SimulationHandshakeInterceptor interceptor,
			StreamProperties properties) {
		this.handler = handler;
		this.interceptor = interceptor;
		this.properties = properties;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, PATH_PREFIX + "*")
			.addInterceptors(this.interceptor)
			.setAllowedOriginPatterns(this.properties.allowedOrigins().toArray(String[]::new));
	}

}
