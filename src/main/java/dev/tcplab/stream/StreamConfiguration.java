package dev.tcplab.stream;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
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
