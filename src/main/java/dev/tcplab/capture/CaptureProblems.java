package dev.tcplab.capture;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;

import dev.tcplab.simulation.ProblemException;
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

	@ExceptionHandler({ CaptureFormatException.class, CaptureLimitException.class, CaptureNotFoundException.class })
	ResponseEntity<ProblemDetail> refused(ProblemException ex, HttpServletRequest request) {
		HttpStatus status = HttpStatus.valueOf(ex.status());
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, Problems.shorten(ex.getMessage(), 400));
		pd.setTitle(ex.title());
		pd.setInstance(
				URI.create(UriUtils.encodePath(request.getRequestURI(), java.nio.charset.StandardCharsets.UTF_8)));
		ex.members().forEach(pd::setProperty);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
	}

}
