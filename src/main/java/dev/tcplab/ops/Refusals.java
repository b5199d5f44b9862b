package dev.tcplab.ops;

import java.io.IOException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts every refusal this instance answers, {@code tcplab.refusals{limit, status}}
 * (docs/operations.md "Metrics"): 413, 429, 503 and 507, whoever produced them. The
 * producer names the limit with {@link #name}; a refusal that names none is counted with
 * {@code limit="other"}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class Refusals extends OncePerRequestFilter {

	/** Request attribute naming the limit of a refusal ({@link #name}). */
	public static final String LIMIT_ATTRIBUTE = Refusals.class.getName() + ".limit";

	private final MeterRegistry meters;

	public Refusals(ObjectProvider<MeterRegistry> meters) {
		this.meters = meters.getIfAvailable(() -> Metrics.globalRegistry);
	}

	/** Names the limit that refuses this request (called where the problem is built). */
	public static void name(ServletRequest request, String limit) {
		request.setAttribute(LIMIT_ATTRIBUTE, limit);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		finally {
			int status = response.getStatus();
			if (status == 413 || status == 429 || status == 503 || status == 507) {
				Object limit = request.getAttribute(LIMIT_ATTRIBUTE);
				Counter.builder("tcplab.refusals")
					.description("Requests refused by a limit, by limit and status")
					.tag("limit", limit == null ? "other" : limit.toString())
					.tag("status", Integer.toString(status))
					.register(meters)
					.increment();
			}
		}
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return true;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return true;
	}

}
