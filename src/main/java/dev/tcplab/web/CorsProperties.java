package dev.tcplab.web;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which other sites' pages may call the API from a browser (CORS; application.yaml,
 * prefix {@code tcplab.cors}; docs/api.md "CORS"). Origins are patterns as Spring's
 * {@code CorsConfiguration#setAllowedOriginPatterns} reads them ({@code *}, or e.g.
 * {@code https://*.example.org}); an empty list allows none.
 *
 * @param readOrigins origins whose pages may read: {@code GET} and {@code HEAD} on
 * {@code /api/**}, the OpenAPI and AsyncAPI documents and the scenario JSON Schema
 * @param writeOrigins origins whose pages may also create and drive simulations, run
 * scenarios, comparisons and packetdrill scripts, and delete ({@code POST} and
 * {@code DELETE} on {@code /api/**})
 * @param maxAge how long a browser may cache a preflight answer
 */
@ConfigurationProperties("tcplab.cors")
public record CorsProperties(@DefaultValue("*") List<String> readOrigins, @DefaultValue("*") List<String> writeOrigins,
		@DefaultValue("PT1H") Duration maxAge) {

	public CorsProperties {
		readOrigins = readOrigins == null ? List.of() : clean(readOrigins);
		writeOrigins = writeOrigins == null ? List.of() : clean(writeOrigins);
	}

	private static List<String> clean(List<String> origins) {
		return origins.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
	}

}
