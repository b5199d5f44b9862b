package dev.tcplab.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * HTTP limits and headers of this instance (application.yaml, prefix
 * {@code tcplab.http}).
 *
 * @param maxRequestBody largest request body accepted; a larger one gets 413 problem+json
 * before anything is parsed or changed
 * @param contentSecurityPolicy the {@code Content-Security-Policy} sent with every
 * answer: what the page itself loads, and {@code frame-ancestors *} so that
 * {@code ?embed=1} still embeds
 * @param referrerPolicy the {@code Referrer-Policy} sent with every answer
 */
@ConfigurationProperties("tcplab.http")
public record HttpProperties(@DefaultValue("64KB") DataSize maxRequestBody,
		@DefaultValue("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				+ "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; "
				+ "frame-ancestors *") String contentSecurityPolicy,
		@DefaultValue("strict-origin-when-cross-origin") String referrerPolicy) {
}
