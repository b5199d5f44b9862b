package dev.tcplab.stream;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.tcplab.visitor.ClientRateLimiter;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.web.Problems;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the handshake before upgrading, so a client learns the reason before any
 * WebSocket exists (all answers {@code application/problem+json}, RFC 9457):
 * <ul>
 * <li>429 when the client exceeds the request rate (a handshake counts as a request, with
 * {@code Retry-After}) or holds {@code tcplab.stream.max-viewers-per-client} viewers, or
 * the instance serves {@code max-viewers};</li>
 * <li>404 for an unknown simulation id, 400 for a malformed {@code since}.</li>
 * </ul>
 * On success the simulation and the requested {@code since} travel to the handler as
 * session attributes, and the viewer slot reserved here is released when the session ends
 * (or at once, if the upgrade does not happen).
 */
@Component
class SimulationHandshakeInterceptor implements HandshakeInterceptor {

	static final String SIMULATION = "tcplab.simulation";

	static final String SINCE = "tcplab.since";

	/** The client address whose viewer slot this session holds. */
	static final String CLIENT = "tcplab.client";

	private final SimulationRegistry registry;

	private final ClientRateLimiter limiter;

	private final TraceStreamer streamer;

	private final JsonMapper problemJson;

	SimulationHandshakeInterceptor(SimulationRegistry registry, ClientRateLimiter limiter, TraceStreamer streamer,
			JsonMapper jsonMapper) {
		this.registry = registry;
		this.limiter = limiter;
		this.streamer = streamer;
		this.problemJson = jsonMapper.rebuild().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		String client = clientOf(request);
		long wait = this.limiter.tryAcquire(client);
		if (wait > 0) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(wait));
			refuse(request, response, HttpStatus.TOO_MANY_REQUESTS, "too many requests from this client; retry after "
					+ wait + " s (a WebSocket handshake counts as a request)", "requestsPerSecond");
			return false;
		}
		if (!malformedHandshakeRefused(request, response)) {
			return false;
		}
		String path = request.getURI().getPath();
		int at = path.lastIndexOf('/');
		String id = at < 0 ? "" : path.substring(at + 1);
		Optional<LiveSimulation> live;
		try {
			// may bring the simulation back from its journal, which can be refused
			live = this.registry.find(id);
		}
		catch (dev.tcplab.simulation.LimitExceededException ex) {
			long retry = Math.max(1, ex.retryAfterSeconds());
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retry));
			refuse(request, response, HttpStatus.TOO_MANY_REQUESTS,
					ex.getMessage() + "; the stream can be opened again in " + retry + " s", ex.limit());
			return false;
		}
		catch (dev.tcplab.simulation.JournalUnavailableException ex) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			refuse(request, response, HttpStatus.SERVICE_UNAVAILABLE,
					"the simulation journal cannot be reached to bring this simulation back; retry", null);
			return false;
		}
		if (live.isEmpty()) {
			refuse(request, response, HttpStatus.NOT_FOUND, "no simulation with id \"" + Problems.shorten(id, 64)
					+ "\" (it never existed, was deleted, or was evicted after being idle)", null);
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
				refuse(request, response, HttpStatus.BAD_REQUEST,
						"since must be a non-negative trace seq, got \"" + Problems.shorten(sinceParam, 64) + "\"",
						null);
				return false;
			}
		}
		String full = this.streamer.reserve(client);
		if (full != null) {
			refuse(request, response, HttpStatus.TOO_MANY_REQUESTS,
					full.equals("maxViewersPerClient") ? "this client already watches its share of streams: "
							+ this.streamer.properties().maxViewersPerClient()
							+ " (tcplab.stream.max-viewers-per-client), fewer while the instance is more than half full; close one first"
							: "this instance already serves " + this.streamer.properties().maxViewers()
									+ " streams (tcplab.stream.max-viewers); try again later",
					full);
			return false;
		}
		attributes.put(CLIENT, client);
		if (request instanceof ServletServerHttpRequest servlet) {
			servlet.getServletRequest().setAttribute(CLIENT, client);
		}
		attributes.put(SIMULATION, live.get());
		if (since != null) {
			attributes.put(SINCE, since);
		}
		return true;
	}

	/**
	 * Refuses what is not a WebSocket handshake with a problem+json answer (Spring's
	 * handshake handler would answer these in plain text or with an empty body).
	 * @return true when the request is a well-formed handshake
	 */
	private boolean malformedHandshakeRefused(ServerHttpRequest request, ServerHttpResponse response) {
		HttpHeaders h = request.getHeaders();
		if (!HttpMethod.GET.equals(request.getMethod())) {
			response.getHeaders().setAllow(Set.of(HttpMethod.GET));
			refuse(request, response, HttpStatus.METHOD_NOT_ALLOWED,
					"a WebSocket handshake is a GET, not " + Problems.shorten(request.getMethod().name(), 32), null);
			return false;
		}
		boolean upgrade = "websocket".equalsIgnoreCase(h.getUpgrade());
		boolean connection = h.getConnection().stream().anyMatch("upgrade"::equalsIgnoreCase);
		if (!upgrade || !connection || h.getFirst("Sec-WebSocket-Key") == null) {
			refuse(request, response, HttpStatus.BAD_REQUEST, "this is a WebSocket endpoint: open it with a handshake "
					+ "(GET with Upgrade: websocket, Connection: Upgrade and Sec-WebSocket-Key)", null);
			return false;
		}
		if (!"13".equals(h.getFirst("Sec-WebSocket-Version"))) {
			response.getHeaders().set("Sec-WebSocket-Version", "13");
			refuse(request, response, HttpStatus.UPGRADE_REQUIRED, "only WebSocket version 13 (RFC 6455) is spoken",
					null);
			return false;
		}
		return true;
	}

	/** Gives the viewer slot back when the upgrade did not happen after all. */
	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
		if (request instanceof ServletServerHttpRequest servlet
				&& servlet.getServletRequest().getAttribute(CLIENT) instanceof String client) {
			boolean upgraded = exception == null && response instanceof ServletServerHttpResponse r
					&& r.getServletResponse().getStatus() == HttpStatus.SWITCHING_PROTOCOLS.value();
			if (!upgraded) {
				this.streamer.release(client);
			}
		}
	}

	private static String clientOf(ServerHttpRequest request) {
		if (request instanceof ServletServerHttpRequest servlet) {
			return servlet.getServletRequest().getRemoteAddr();
		}
		InetSocketAddress a = request.getRemoteAddress();
		return a == null ? "unknown" : a.getHostString();
	}

	private void refuse(ServerHttpRequest request, ServerHttpResponse response, HttpStatus status, String detail,
			String limit) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setInstance(URI.create(request.getURI().getRawPath()));
		if (limit != null) {
			problem.setProperty("limit", limit);
		}
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		try {
			response.getBody().write(this.problemJson.writeValueAsBytes(problem));
		}
		catch (java.io.IOException ex) {
			// the status alone is enough
		}
	}

}
