package dev.tcplab.capture;

import java.net.URI;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import dev.tcplab.web.Problems;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.util.UriUtils;

/**
 * The capture routes' own errors as problem+json (the rest goes to the application's
 * problem handler): 422 for a file that cannot be read (with {@code kind}, {@code packet}
 * and {@code offset}), 413 past an import limit (with {@code limit}), 404 for an unknown
 * capture or connection.
 */
@RestControllerAdvice(assignableTypes = CaptureController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class CaptureProblems {

	@ExceptionHandler(CaptureFormatException.class)
	ResponseEntity<ProblemDetail> unreadable(CaptureFormatException ex, HttpServletRequest request) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, switch (ex.kind()) {
			case TRUNCATED -> "Capture cut short";
			case CORRUPT -> "Capture damaged";
			case UNSUPPORTED -> "Capture not supported";
		}, ex.getMessage(), request, Map.of("kind", ex.kind().name().toLowerCase(java.util.Locale.ROOT), "packet",
				ex.packet(), "offset", ex.offset()));
	}

	@ExceptionHandler(CaptureLimitException.class)
	ResponseEntity<ProblemDetail> tooLarge(CaptureLimitException ex, HttpServletRequest request) {
		return problem(HttpStatus.CONTENT_TOO_LARGE, "Capture too large", ex.getMessage(), request,
				Map.of("limit", ex.limit()));
	}

	@ExceptionHandler(CaptureNotFoundException.class)
	ResponseEntity<ProblemDetail> notFound(CaptureNotFoundException ex, HttpServletRequest request) {
		return problem(HttpStatus.NOT_FOUND, "Capture not found", ex.getMessage(), request, Map.of());
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail,
			HttpServletRequest request, Map<String, Object> properties) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, Problems.shorten(detail, 400));
		pd.setTitle(title);
		pd.setInstance(
				URI.create(UriUtils.encodePath(request.getRequestURI(), java.nio.charset.StandardCharsets.UTF_8)));
		properties.forEach(pd::setProperty);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
	}

}
