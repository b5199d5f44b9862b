package dev.tcplab.visitor;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Applies the per-client request rate and CPU-time budget ({@link ClientCpuBudget})
 * (token bucket keyed by the client's IP address as the servlet container sees it; behind
 * a proxy enable {@code server.forward-headers-strategy}) to every {@code /api/**}
 * request. Excess requests get 429 problem+json with {@code Retry-After} through
 * {@link ApiProblemHandler}.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitInterceptor implements HandlerInterceptor, WebMvcConfigurer {

	private static final String CPU_START = RateLimitInterceptor.class.getName() + ".cpu";

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final ClientRateLimiter limiter;

	private final ClientCpuBudget cpu;

	RateLimitInterceptor(ClientRateLimiter limiter, ClientCpuBudget cpu) {
		this.limiter = limiter;
		this.cpu = cpu;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this).addPathPatterns("/api/**");
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		String client = request.getRemoteAddr();
		limiter.check(client);
		cpu.check(client);
		request.setAttribute(CPU_START, THREADS.getCurrentThreadCpuTime());
		return true;
	}

	/** Charges the request's CPU time (of this thread, the one that ran the handler). */
	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (request.getAttribute(CPU_START) instanceof Long start && start >= 0) {
			long end = THREADS.getCurrentThreadCpuTime();
			if (end >= 0) {
				cpu.charge(request.getRemoteAddr(), end - start);
			}
		}
	}

}
