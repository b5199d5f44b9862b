package dev.tcplab.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Host;
import org.apache.catalina.core.StandardHost;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Cross-cutting HTTP protections that sit in front of every route: Tomcat's own error
 * answers as problem+json ({@link ProblemErrorReportValve}), a request body limit, and
 * the response headers {@code X-Content-Type-Options}, {@code Referrer-Policy} and
 * {@code Content-Security-Policy}. Limits Tomcat already has (header size, form size,
 * swallow size, trusted proxies) are set in application.yaml.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpProperties.class)
class HttpHardeningConfiguration {

	/** Tomcat's host answers its own errors (before any servlet) with problem+json. */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve() {
		return factory -> factory.addContextCustomizers(context -> {
			Host host = (Host) context.getParent();
			if (host instanceof StandardHost standard) {
				standard.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
			}
		});
	}

	@Bean
	SecurityHeadersFilter securityHeadersFilter(HttpProperties properties) {
		return new SecurityHeadersFilter(properties);
	}

	@Bean
	RequestBodyLimitFilter requestBodyLimitFilter(HttpProperties properties) {
		return new RequestBodyLimitFilter(properties.maxRequestBody().toBytes());
	}

	@Bean
	CrossSiteRequestFilter crossSiteRequestFilter() {
		return new CrossSiteRequestFilter();
	}

	/**
	 * Refuses (403) a POST to {@code /api/**} that a page on another site can make a
	 * visitor's browser send without asking first: one whose content type is a
	 * CORS-safelisted one ({@code text/plain}, {@code application/x-www-form-urlencoded},
	 * {@code multipart/form-data}) or none, from a foreign {@code Origin}. Browsers send
	 * such a request without a CORS preflight; a JSON or YAML body is preflighted, so
	 * CORS decides about those. The lab's own page (same origin, e.g. the packetdrill
	 * paste box) and clients that send no {@code Origin} (curl, notebooks) are
	 * unaffected. An origin is the page's own when its host and port are the {@code Host}
	 * header's (the host alone when the header names no port), or when the browser says
	 * {@code Sec-Fetch-Site: same-origin}.
	 */
	@Order(Ordered.HIGHEST_PRECEDENCE + 2)
	static final class CrossSiteRequestFilter extends OncePerRequestFilter {

		private static final java.util.Set<String> SIMPLE_TYPES = java.util.Set.of("text/plain",
				"application/x-www-form-urlencoded", "multipart/form-data");

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			String origin = request.getHeader(HttpHeaders.ORIGIN);
			if (origin != null && "POST".equalsIgnoreCase(request.getMethod())
					&& request.getRequestURI().startsWith("/api/") && simpleType(request.getContentType())
					&& !"same-origin".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))
					&& !sameOrigin(origin, request.getHeader(HttpHeaders.HOST))) {
				response.sendError(HttpStatus.FORBIDDEN.value(), "a page on another site (Origin "
						+ Problems.shorten(origin, 64) + ") may not send this request as "
						+ (request.getContentType() == null ? "a body without a content type"
								: Problems.shorten(request.getContentType(), 48))
						+ ": browsers send that without asking this server first. Send it as application/json "
						+ "(or application/yaml) or from this site's own page; clients without an Origin (curl, "
						+ "notebooks) are not affected");
				return;
			}
			chain.doFilter(request, response);
		}

		static boolean simpleType(String contentType) {
			if (contentType == null || contentType.isBlank()) {
				return true;
			}
			int semi = contentType.indexOf(';');
			String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip()
				.toLowerCase(java.util.Locale.ROOT);
			return SIMPLE_TYPES.contains(type);
		}

		static boolean sameOrigin(String origin, String host) {
			if (host == null || host.isBlank()) {
				return false;
			}
			java.net.URI o;
			try {
				o = java.net.URI.create(origin.strip());
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
			if (o.getHost() == null || o.getScheme() == null) {
				return false; // "null" (sandboxed pages, files) and garbage are foreign
			}
			String h = host.strip().toLowerCase(java.util.Locale.ROOT);
			String hostName = h;
			int port = -1;
			int colon = h.lastIndexOf(':');
			if (colon > h.lastIndexOf(']')) {
				hostName = h.substring(0, colon);
				try {
					port = Integer.parseInt(h.substring(colon + 1));
				}
				catch (NumberFormatException ex) {
					return false;
				}
			}
			if (!hostName.equals(o.getHost().toLowerCase(java.util.Locale.ROOT))) {
				return false;
			}
			if (port < 0) {
				return true;
			}
			int originPort = o.getPort() >= 0 ? o.getPort() : "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
			return originPort == port;
		}

	}

	/** Headers every answer carries, errors included. */
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static final class SecurityHeadersFilter extends OncePerRequestFilter {

		private final HttpProperties properties;

		SecurityHeadersFilter(HttpProperties properties) {
			this.properties = properties;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			response.setHeader("X-Content-Type-Options", "nosniff");
			response.setHeader("Referrer-Policy", this.properties.referrerPolicy());
			response.setHeader("Content-Security-Policy", this.properties.contentSecurityPolicy());
			chain.doFilter(request, response);
		}

		@Override
		protected boolean shouldNotFilterErrorDispatch() {
			return false;
		}

	}

	/**
	 * Refuses a body larger than the limit with 413 before it is read: by its
	 * {@code Content-Length}, or, for a chunked body, as soon as the reader passes the
	 * limit ({@link LimitedRequest}). The 413 goes through the servlet container's error
	 * page, so it is problem+json like every other error.
	 */
	@Order(Ordered.HIGHEST_PRECEDENCE + 1)
	static final class RequestBodyLimitFilter extends OncePerRequestFilter {

		private final long limit;

		RequestBodyLimitFilter(long limit) {
			this.limit = limit;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			long length = request.getContentLengthLong();
			if (length > this.limit) {
				// Tomcat swallows at most server.tomcat.max-swallow-size of the rest,
				// then
				// closes the connection
				response.setHeader(HttpHeaders.CONNECTION, "close");
				response.sendError(HttpStatus.CONTENT_TOO_LARGE.value(), "the request body has " + length
						+ " bytes; the limit is " + this.limit + " bytes (tcplab.http.max-request-body)");
				return;
			}
			chain.doFilter(length < 0 ? new LimitedRequest(request, this.limit) : request, response);
		}

	}

}
