package dev.tcplab.web;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;

import org.springframework.context.annotation.Configuration;

/**
 * OpenAPI document metadata (springdoc serves it at /v3/api-docs and the UI at
 * /swagger-ui.html).
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "tcplab API", version = "1", description = """
		A deterministic TCP connection-teardown laboratory. Create a simulation (one virtual network with its own \
		virtual clock), open client/server pairs, drive socket calls and network faults, move the clock and read the \
		trace or a pcap. Errors are RFC 9457 problem details (application/problem+json). See docs/api.md.""",
		license = @License(name = "see repository")))
class OpenApiConfiguration {

}
