package dev.tcplab.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.CorsFilter;

/**
 * CORS for pages on other sites (a blog that embeds a ladder or runs a scenario with its
 * own script): reads from {@link CorsProperties#readOrigins()}, writes from
 * {@link CorsProperties#writeOrigins()}. A servlet filter in front of everything, so
 * error answers (problem+json, 429 with {@code Retry-After}) carry the headers too and a
 * page can read why it was refused. Credentials (the owner cookie) are never allowed
 * cross-site: a page on another site acts as an anonymous visitor.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CorsProperties.class)
class CorsConfiguration {

	static final List<String> READ_METHODS = List.of("GET", "HEAD");

	static final List<String> WRITE_METHODS = List.of("GET", "HEAD", "POST", "DELETE");

	/** Routes a page on another site may read; writes only under {@code /api/}. */
	static final List<String> PATHS = List.of("/api/*", "/v3/api-docs", "/v3/api-docs/*", "/asyncapi.yaml",
			"/asyncapi.json", "/schemas/*");

	@Bean
	FilterRegistrationBean<CorsFilter> corsFilter(CorsProperties properties) {
		org.springframework.web.cors.CorsConfiguration read = config(properties, properties.readOrigins(),
				READ_METHODS);
		org.springframework.web.cors.CorsConfiguration write = config(properties, properties.writeOrigins(),
				WRITE_METHODS);
		CorsConfigurationSource source = request -> isWrite(request) ? (isApi(request) ? write : null) : read;
		FilterRegistrationBean<CorsFilter> bean = new FilterRegistrationBean<>(new CorsFilter(source));
		bean.setUrlPatterns(PATHS);
		bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
		bean.setName("corsFilter");
		return bean;
	}

	private static boolean isApi(HttpServletRequest request) {
		return request.getRequestURI().startsWith("/api/");
	}

	/**
	 * A write: a method other than GET/HEAD, or a preflight asking for one.
	 */
	static boolean isWrite(HttpServletRequest request) {
		String method = CorsUtils.isPreFlightRequest(request)
				? request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) : request.getMethod();
		return method == null || !READ_METHODS.contains(method);
	}

	private static org.springframework.web.cors.CorsConfiguration config(CorsProperties properties,
			List<String> origins, List<String> methods) {
		org.springframework.web.cors.CorsConfiguration c = new org.springframework.web.cors.CorsConfiguration();
		c.setAllowedOriginPatterns(origins);
		c.setAllowedMethods(methods);
		c.setAllowedHeaders(List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT, HttpHeaders.ACCEPT_LANGUAGE));
		c.setExposedHeaders(List.of(HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER, HttpHeaders.CONTENT_DISPOSITION));
		c.setAllowCredentials(false);
		c.setMaxAge(properties.maxAge());
		return c;
	}

}
