package dev.tcplab.visitor;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tcplab.simulation.JobProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Applies the per-client request rate, the number of requests in progress per client and
 * the CPU-time budget ({@link ClientCpuBudget}) (token bucket keyed by the client's IP
 * address as the servlet container sees it; behind a proxy enable
 * {@code server.forward-headers-strategy}) to every {@code /api/**} request. Excess
 * requests get 429 problem+json with {@code Retry-After} through
 * {@link ApiProblemHandler}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JobProperties.class)
class RateLimitInterceptor implements HandlerInterceptor, WebMvcConfigurer {

	private static final String IN_PROGRESS = RateLimitInterceptor.class.getName() + ".inProgress";

	private final ClientRateLimiter limiter;

	private final ClientCpuBudget cpu;

	private final JobProperties jobs;

	/** Requests in progress per client address. */
	private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

	RateLimitInterceptor(ClientRateLimiter limiter, ClientCpuBudget cpu, JobProperties jobs) {
		this.limiter = limiter;
		this.cpu = cpu;
		this.jobs = jobs;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this).addPathPatterns("/api/**");
	}

	/**
	 * The request rate on the routes outside {@code /api} that Spring MVC's interceptors
	 * do not reach: the OpenAPI document ({@code /v3/api-docs}, 46 KB per answer), the
	 * Swagger UI and the actuator. A bucket of its own
	 * ({@link ClientRateLimiter#checkOutsideApi}), so a client (or a proxy's address) at
	 * its API limit still gets its health checks answered; the 429 is the API's, written
	 * by {@link ApiProblemHandler} through the MVC exception resolvers. Static files are
	 * not limited.
	 */
	@Bean
	FilterRegistrationBean<OncePerRequestFilter> outsideApiRateLimit(
			// looked up when a request is refused: a context without Spring MVC (the
			// journal's service tests) has no resolvers and never runs the filter
			@Qualifier("handlerExceptionResolver") ObjectProvider<HandlerExceptionResolver> problems) {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {
					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws ServletException, IOException {
						try {
							limiter.checkOutsideApi(request.getRemoteAddr());
						}
						catch (RateLimitedException ex) {
							problems.getObject().resolveException(request, response, null, ex);
							return;
						}
						chain.doFilter(request, response);
					}
				});
		registration.addUrlPatterns("/v3/*", "/actuator", "/actuator/*", "/swagger-ui/*", "/swagger-ui.html");
		return registration;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		String client = request.getRemoteAddr();
		limiter.check(client);
		cpu.check(client);
		AtomicInteger mine = inProgress.computeIfAbsent(client, k -> new AtomicInteger());
		if (mine.incrementAndGet() > jobs.requestsInProgressPerClient()) {
			leave(client, mine);
			throw new RateLimitedException("requestsInProgressPerClient", "this client already has "
					+ jobs.requestsInProgressPerClient()
					+ " requests in progress (tcplab.budget.jobs.requests-in-progress-per-client); wait for answers before sending more",
					1);
		}
		request.setAttribute(IN_PROGRESS, mine);
		request.setAttribute(ClientCpuBudget.METER, cpu.meter(client));
		return true;
	}

	private void leave(String client, AtomicInteger mine) {
		if (mine.decrementAndGet() <= 0) {
			inProgress.remove(client, mine);
		}
	}

	/** Charges the request's CPU time (of this thread, the one that ran the handler). */
	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (request.getAttribute(IN_PROGRESS) instanceof AtomicInteger mine) {
			request.removeAttribute(IN_PROGRESS);
			leave(request.getRemoteAddr(), mine);
		}
		if (request.getAttribute(ClientCpuBudget.METER) instanceof ClientCpuBudget.Meter meter) {
			meter.chargeRest();
		}
	}

}
