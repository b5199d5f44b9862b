package dev.tcplab.capture;

import jakarta.servlet.http.HttpServletRequest;

import dev.tcplab.web.LargeRequestBody;

import org.springframework.stereotype.Component;

/**
 * Lets {@code POST /api/captures} bodies past the general request body limit, up to
 * {@code tcplab.captures.max-upload} (the import itself stops at that size with a 413
 * problem naming it).
 */
@Component
class CaptureUploadLimit implements LargeRequestBody {

	private final CaptureProperties properties;

	CaptureUploadLimit(CaptureProperties properties) {
		this.properties = properties;
	}

	@Override
	public boolean applies(HttpServletRequest request) {
		return "POST".equals(request.getMethod()) && "/api/captures".equals(request.getRequestURI());
	}

	@Override
	public long maxBytes() {
		// one byte more: the import's own check answers first, naming its limit
		return this.properties.maxUpload().toBytes() + 1;
	}

}
