package dev.tcplab.visitor;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request rate per client on the routes outside {@code /api}: the OpenAPI document
 * ({@code /v3/api-docs}, 46 KB per answer), the Swagger UI and the actuator
 * ({@code /actuator/**}), which Spring MVC's interceptors do not reach. The same rate as
 * the API's ({@code tcplab.requests-per-second}, {@code request-burst}) but a bucket of
 * its own, so a client (or a proxy's address) at its API limit still gets its health
 * checks answered. Static files are not limited.
 */
@Component
class ReadOnlyRateLimitFilter extends OncePerRequestFilter {

	private final ClientRateLimiter limiter;

	private final JsonMapper json;

	ReadOnlyRateLimitFilter(ClientRateLimiter limiter, JsonMapper json) {
		this.limiter = limiter;
		this.json = json;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI();
		return !(path.startsWith("/v3/") || path.startsWith("/actuator") || path.startsWith("/swagger-ui"));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long wait = this.limiter.tryAcquireOutsideApi(request.getRemoteAddr());
		if (wait <= 0) {
			chain.doFilter(request, response);
			return;
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
				"too many requests from this client; retry after " + wait + " s");
		problem.setTitle("Limit exceeded");
		problem.setInstance(URI.create(request.getRequestURI().replaceAll("[^A-Za-z0-9/._-]", "")));
		problem.setProperty("limit", "requestsPerSecond");
		problem.setProperty("retryAfterSeconds", wait);
		response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait));
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(this.json.writeValueAsBytes(problem));
	}

}
