package dev.tcplab.stream;

import io.swagger.v3.oas.annotations.Hidden;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The live trace stream described as an AsyncAPI 3.0 document (docs/stream.md), next to
 * the REST contract at {@code /v3/api-docs}; like that one it is not an operation of the
 * OpenAPI document itself.
 */
@Hidden
@RestController
class StreamDocumentController {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private final Resource document = new ClassPathResource("asyncapi/stream.yaml");

	@GetMapping(path = "/asyncapi.yaml", produces = "application/yaml")
	ResponseEntity<Resource> asyncApi() {
		return ResponseEntity.ok().contentType(YAML).body(this.document);
	}

}
