package dev.tcplab.capture;

import dev.tcplab.web.LargeRequestBody;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets {@code POST /api/captures} bodies past the general request body limit, up to
 * {@code tcplab.captures.max-upload} (the import itself stops at that size with a 413
 * problem naming it).
 */
@Configuration(proxyBeanMethods = false)
class CaptureUploadLimit {

	@Bean
	LargeRequestBody captureUpload(CaptureProperties properties) {
		// one byte more: the import's own check answers first, naming its limit
		return new LargeRequestBody("POST", "/api/captures", properties.maxUpload().toBytes() + 1);
	}

}
