package dev.tcplab.stream;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationRegistry;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Checks the handshake before upgrading: an unknown simulation id is refused with HTTP
 * 404 and a malformed {@code since} with 400 (both {@code application/problem+json}, RFC
 * 9457), so a client learns the reason before any WebSocket exists. On success the
 * simulation and the requested {@code since} travel to the handler as session attributes.
 */
@Component
class SimulationHandshakeInterceptor implements HandshakeInterceptor {

	static final String SIMULATION = "tcplab.simulation";

	static final String SINCE = "tcplab.since";

	private final SimulationRegistry registry;

	SimulationHandshakeInterceptor(SimulationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		String path = request.getURI().getPath();
		int at = path.lastIndexOf('/');
		String id = at < 0 ? "" : path.substring(at + 1);
		Optional<LiveSimulation> live = this.registry.find(id);
		if (live.isEmpty()) {
			refuse(response, HttpStatus.NOT_FOUND, "no simulation with id \"" + id
					+ "\" (it never existed, was deleted, or was evicted after being idle)");
			return false;
		}
		String sinceParam = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("since");
		Long since = null;
		if (sinceParam != null && !sinceParam.isBlank()) {
			try {
				since = Long.parseLong(sinceParam.trim());
			}
			catch (NumberFormatException ex) {
				since = -1L;
			}
			if (since < 0) {
				refuse(response, HttpStatus.BAD_REQUEST,
						"since must be a non-negative trace seq, got \"" + sinceParam + "\"");
				return false;
			}
		}
		attributes.put(SIMULATION, live.get());
		if (since != null) {
			attributes.put(SINCE, since);
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

	private static void refuse(ServerHttpResponse response, HttpStatus status, String detail) {
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		String body = "{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":"
				+ status.value() + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
		try {
			response.getBody().write(body.getBytes(StandardCharsets.UTF_8));
		}
		catch (java.io.IOException ex) {
			// the status alone is enough
		}
	}

}
