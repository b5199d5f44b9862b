package dev.tcplab.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.tcplab.simulation.ClientRateLimiter;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Applies the per-client request rate (token bucket keyed by the client's IP address as
 * the servlet container sees it; behind a proxy enable
 * {@code server.forward-headers-strategy}) to every {@code /api/**} request. Excess
 * requests get 429 problem+json with {@code Retry-After} through
 * {@link ApiProblemHandler}.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitInterceptor implements HandlerInterceptor, WebMvcConfigurer {

	private final ClientRateLimiter limiter;

	RateLimitInterceptor(ClientRateLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this).addPathPatterns("/api/**");
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		limiter.check(request.getRemoteAddr());
		return true;
	}

}
