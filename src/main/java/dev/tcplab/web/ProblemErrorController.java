package dev.tcplab.web;

import java.net.URI;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}) as RFC 9457 problem+json, replacing
 * Spring Boot's default error body. It answers what never reached a controller: a status
 * set by {@code sendError} (e.g. the 413 of the body limit), or an exception thrown by a
 * filter. Server-side failures are reported without their message. Asked for directly,
 * {@code /error} is not a resource: 404.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

	private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

	private static final RateLimitedLog ERRORS = RateLimitedLog.errors();

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		String uri = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		HttpStatus status;
		String detail;
		if (!(code instanceof Integer c)) {
			status = HttpStatus.NOT_FOUND;
			detail = "there is no resource at " + request.getRequestURI();
			uri = request.getRequestURI();
		}
		else {
			status = ProblemStatuses.forClient(c, request.getMethod());
			Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
			Throwable ex = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
			if (status.is5xxServerError()) {
				ERRORS.error(log, "unhandled error on " + request.getMethod() + " "
						+ Problems.shorten(ProblemStatuses.safeUri(uri), 200), ex);
				detail = "the server failed on this request";
			}
			else if (message instanceof String m && !m.isBlank()) {
				detail = m;
			}
			else {
				detail = status.getReasonPhrase();
			}
		}
		ProblemDetail body = ProblemDetail.forStatusAndDetail(status, Problems.shorten(detail, 300));
		body.setInstance(URI.create(ProblemStatuses.safeUri(uri != null ? uri : request.getRequestURI())));
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
	}

}
