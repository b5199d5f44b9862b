package dev.tcplab.web;

import dev.tcplab.simulation.JournalUnavailableException;
import dev.tcplab.simulation.StaleCopyException;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tcplab.engine.EngineException;
import dev.tcplab.ops.Refusals;
import dev.tcplab.json.InvalidEventException;
import dev.tcplab.scenario.ScenarioDocuments;
import dev.tcplab.scenario.ScenarioNotFoundException;
import dev.tcplab.simulation.LimitExceededException;
import dev.tcplab.visitor.RateLimitedException;
import dev.tcplab.simulation.SimulationNotFoundException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import tools.jackson.databind.exc.InvalidTypeIdException;

import org.apache.tomcat.util.http.InvalidParameterException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where exceptions become RFC 9457 problem details
 * ({@code application/problem+json}): 400 for malformed or invalid requests, 404 for
 * unknown simulations and pairs, 409 for requests the simulation refuses (with
 * {@code errno}), 429 for limits (with {@code limit}, and {@code Retry-After} for the
 * request rate).
 */
@RestControllerAdvice
class ApiProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiProblemHandler.class);

	/** Server faults are logged with their stack trace, but not without bound. */
	private static final RateLimitedLog ERRORS = RateLimitedLog.errors();

	/**
	 * Longest detail sent back: a rejected value is quoted by its prefix, never echoed
	 * whole.
	 */
	static final int MAX_DETAIL = 400;

	/** Longest rejected value quoted in {@code errors[].rejected}. */
	static final int MAX_REJECTED = 64;

	private static final java.util.regex.Pattern INTERNAL_NAME = java.util.regex.Pattern
		.compile("(?:[a-z][a-z0-9_]*+\\.)++([A-Z][A-Za-z0-9_$]*+)");

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException ex, HttpServletRequest request) {
		return problem(HttpStatus.BAD_REQUEST, "Invalid request", ex.getMessage(), request, Map.of());
	}

	/**
	 * A scenario document with problems: every problem as {@code {file, step, field,
	 * message}} (issue 14; the format of user-submitted scenarios).
	 */
	@ExceptionHandler(ScenarioDocuments.ScenarioDocumentException.class)
	ResponseEntity<ProblemDetail> scenarioDocument(ScenarioDocuments.ScenarioDocumentException ex,
			HttpServletRequest request) {
		return problem(HttpStatus.BAD_REQUEST, "Invalid scenario document", ex.getMessage(), request,
				Map.of("problems", ex.problems()));
	}

	/**
	 * Tomcat could not decode the query or form parameters (e.g. {@code ?%zz=1}): a
	 * malformed request.
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<ProblemDetail> malformedParameters(InvalidParameterException ex, HttpServletRequest request) {
		return problem(HttpStatus.BAD_REQUEST, "Malformed request",
				"the query string or form parameters are not valid percent-encoded UTF-8", request, Map.of());
	}

	/** The body limit was passed while reading a body of unknown length. */
	@ExceptionHandler(PayloadTooLargeException.class)
	ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException ex, HttpServletRequest request) {
		String detail = ex.getCause() == null ? "the request body is too large" : ex.getCause().getMessage();
		return problem(HttpStatus.CONTENT_TOO_LARGE, "Request body too large", detail, request, Map.of());
	}

	@ExceptionHandler(SimulationNotFoundException.class)
	ResponseEntity<ProblemDetail> simulationNotFound(SimulationNotFoundException ex, HttpServletRequest request) {
		return problem(HttpStatus.NOT_FOUND, "Simulation not found", ex.getMessage(), request, Map.of());
	}

	@ExceptionHandler(ScenarioNotFoundException.class)
	ResponseEntity<ProblemDetail> scenarioNotFound(ScenarioNotFoundException ex, HttpServletRequest request) {
		return problem(HttpStatus.NOT_FOUND, "Scenario not found", ex.getMessage(), request, Map.of());
	}

	@ExceptionHandler(NoSuchElementException.class)
	ResponseEntity<ProblemDetail> pairNotFound(NoSuchElementException ex, HttpServletRequest request) {
		String detail = ex.getMessage() == null ? "no such pair in this simulation" : ex.getMessage();
		return problem(HttpStatus.NOT_FOUND, "Pair not found", detail, request, Map.of());
	}

	@ExceptionHandler(EngineException.class)
	ResponseEntity<ProblemDetail> conflict(EngineException ex, HttpServletRequest request) {
		return problem(HttpStatus.CONFLICT, "Refused by the simulated socket API", ex.getMessage(), request,
				Map.of("errno", ex.errno() == null ? "EINVAL" : ex.errno().name()));
	}

	@ExceptionHandler(LimitExceededException.class)
	ResponseEntity<ProblemDetail> limit(LimitExceededException ex, HttpServletRequest request) {
		// limit, and what a partial run got done (EventBudgetExceededException) or the
		// budget's value (JobBudgetExceededException)
		ResponseEntity<ProblemDetail> answer = problem(HttpStatus.valueOf(ex.status()), ex.title(), ex.getMessage(),
				request, ex.members());
		if (ex.action() != null) {
			answer.getBody().setProperty("action", ex.action());
		}
		if (ex instanceof RateLimitedException || ex.retryAfterSeconds() > 0) {
			answer.getBody().setProperty("retryAfterSeconds", ex.retryAfterSeconds());
			return withRetryAfter(answer, ex.retryAfterSeconds());
		}
		return answer;
	}

	private static ResponseEntity<ProblemDetail> withRetryAfter(ResponseEntity<ProblemDetail> answer, long seconds) {
		return ResponseEntity.status(answer.getStatusCode())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(answer.getBody());
	}

	/**
	 * Bean Validation of a controller's parameters through method validation
	 * ({@code @Validated}): a request value out of range, e.g. {@code untilStep=0}.
	 */
	@ExceptionHandler(ConstraintViolationException.class)
	ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException ex, HttpServletRequest request) {
		List<Map<String, Object>> errors = ex.getConstraintViolations()
			.stream()
			.sorted(java.util.Comparator.comparing(v -> String.valueOf(v.getPropertyPath())))
			.map(v -> Map.<String, Object>of("field", parameterName(v.getPropertyPath()), "message",
					String.valueOf(v.getMessage()), "rejected",
					Problems.shorten(String.valueOf(v.getInvalidValue()), MAX_REJECTED)))
			.toList();
		String detail = errors.isEmpty() ? "the request is invalid"
				: String.join("; ", errors.stream().map(e -> e.get("field") + " " + e.get("message")).toList());
		return problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, request, Map.of("errors", errors));
	}

	/** The last node of a violation's path: the request parameter's name. */
	private static String parameterName(jakarta.validation.Path path) {
		String name = String.valueOf(path);
		for (jakarta.validation.Path.Node n : path) {
			if (n.getName() != null) {
				name = n.getName();
			}
		}
		return name;
	}

	@ExceptionHandler(dev.tcplab.simulation.StaleCopyException.class)
	ResponseEntity<ProblemDetail> staleCopy(dev.tcplab.simulation.StaleCopyException ex, HttpServletRequest request) {
		Refusals.name(request, "staleCopy");
		return retryLater("Changed through another instance", ex.getMessage(), request);
	}

	@ExceptionHandler(dev.tcplab.simulation.JournalUnavailableException.class)
	ResponseEntity<ProblemDetail> journalUnavailable(dev.tcplab.simulation.JournalUnavailableException ex,
			HttpServletRequest request) {
		if (ex.maybeStored()) {
			// while the circuit is open every request is refused at once: not
			// logged one by one (the circuit logs when it opens and closes)
			ERRORS.warn(log, "journal unavailable on " + request.getMethod() + " "
					+ Problems.shorten(ProblemStatuses.safeUri(request.getRequestURI()), 200) + ": " + ex.getMessage());
		}
		Refusals.name(request, "journal");
		return retryLater("Journal unavailable",
				"the simulation journal (database) cannot be reached; the request was not applied, retry it", request);
	}

	/** The journal of this simulation is damaged: it is gone for good (issue 27). */
	@ExceptionHandler(dev.tcplab.simulation.JournalDamagedException.class)
	ResponseEntity<ProblemDetail> journalDamaged(dev.tcplab.simulation.JournalDamagedException ex,
			HttpServletRequest request) {
		return problem(HttpStatus.GONE, "Simulation journal damaged", ex.getMessage(), request, Map.of());
	}

	/** The whole journal is full: 507 until retention frees space (issue 20). */
	@ExceptionHandler(dev.tcplab.simulation.JournalFullException.class)
	ResponseEntity<ProblemDetail> journalFull(dev.tcplab.simulation.JournalFullException ex,
			HttpServletRequest request) {
		return problem(HttpStatus.INSUFFICIENT_STORAGE, "Journal full", ex.getMessage(), request,
				Map.of("limit", "journalBytesTotal"));
	}

	/** Recorded by another engine version that replays differently: read-only. */
	@ExceptionHandler(dev.tcplab.simulation.RecordedByOtherEngineException.class)
	ResponseEntity<ProblemDetail> recordedByOtherEngine(dev.tcplab.simulation.RecordedByOtherEngineException ex,
			HttpServletRequest request) {
		return problem(HttpStatus.CONFLICT, "Recorded by another engine version", ex.getMessage(), request, Map.of());
	}

	/** 503 with Retry-After: the request was not applied and may simply be sent again. */
	private static ResponseEntity<ProblemDetail> retryLater(String title, String detail, HttpServletRequest request) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		pd.setTitle(title);
		pd.setInstance(URI.create(request.getRequestURI()));
		pd.setProperty("retryable", true);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(pd);
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException ex, HttpServletRequest request) {
		String type = ex.getRequiredType() == null ? "a valid value" : ex.getRequiredType().getSimpleName();
		return problem(
				HttpStatus.BAD_REQUEST, "Invalid request", "parameter \"" + ex.getName() + "\" must be " + article(type)
						+ ", got \"" + Problems.shorten(String.valueOf(ex.getValue()), MAX_REJECTED) + "\"",
				request, Map.of());
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex, HttpServletRequest request) {
		ERRORS.error(log, "unexpected error on " + request.getMethod() + " "
				+ Problems.shorten(ProblemStatuses.safeUri(request.getRequestURI()), 200), ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
				"the server failed on this request; the simulation was left as it was before the failing step", request,
				Map.of());
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof PayloadTooLargeException tooLarge && request instanceof ServletWebRequest swr) {
				return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
					.contentType(MediaType.APPLICATION_PROBLEM_JSON)
					.body(tooLarge(tooLarge, swr.getRequest()).getBody());
			}
		}
		String detail = "the request body is not valid JSON for this route";
		Throwable cause = ex.getMostSpecificCause();
		if (cause instanceof InvalidEventException bad) {
			// an event the engine's records refuse (or whose JSON does not make one): the
			// same shape as a failed validation
			String message = bad.getOriginalMessage();
			ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, message);
			body.setTitle("Invalid request");
			body.setProperty("errors",
					List.of(Map.of("field", bad.field(), "message",
							message.startsWith(bad.field() + " ") ? message.substring(bad.field().length() + 1)
									: message,
							"rejected", Problems.shorten(String.valueOf(bad.getValue()), MAX_REJECTED))));
			return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
		}
		if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
			detail = cause.getMessage();
		}
		else if (cause != null && cause.getMessage() != null) {
			String m = cause.getMessage();
			int nl = m.indexOf('\n');
			m = nl > 0 ? m.substring(0, nl) : m;
			if (m.length() > 240) {
				m = m.substring(0, 240) + "…";
			}
			// drop package names (possessive quantifiers: linear time on any input)
			detail = detail + ": " + INTERNAL_NAME.matcher(m).replaceAll("$1");
		}
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		body.setTitle("Malformed request body");
		return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, Object>> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map(ApiProblemHandler::fieldError)
			.toList();
		String detail = errors.isEmpty() ? "the request is invalid"
				: String.join("; ", errors.stream().map(e -> e.get("field") + " " + e.get("message")).toList());
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		body.setTitle("Invalid request");
		body.setProperty("errors", errors);
		return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				String.join("; ", ex.getAllErrors().stream().map(e -> String.valueOf(e.getDefaultMessage())).toList()));
		body.setTitle("Invalid request");
		return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		if (body == null && ex instanceof ErrorResponse error) {
			// the framework's own problem: give it a safe instance here (a path such as
			// "//x" is not a URI, and Spring's fallback would fail on it)
			body = error.getBody();
		}
		if (body instanceof ProblemDetail pd) {
			if (pd.getInstance() == null && request instanceof ServletWebRequest swr) {
				pd.setInstance(URI.create(ProblemStatuses.safeUri(swr.getRequest().getRequestURI())));
			}
			pd.setDetail(Problems.shorten(pd.getDetail(), MAX_DETAIL));
		}
		ResponseEntity<Object> answer = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (answer != null && answer.getBody() instanceof ProblemDetail) {
			HttpHeaders h = new HttpHeaders();
			h.putAll(answer.getHeaders());
			h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			return new ResponseEntity<>(answer.getBody(), h, answer.getStatusCode());
		}
		return answer;
	}

	private static Map<String, Object> fieldError(FieldError e) {
		return Map.of("field", e.getField(), "message", String.valueOf(e.getDefaultMessage()), "rejected",
				Problems.shorten(String.valueOf(e.getRejectedValue()), MAX_REJECTED));
	}

	private static String article(String type) {
		return switch (type) {
			case "int", "Integer", "long", "Long" -> "a whole number";
			case "double", "Double" -> "a number";
			default -> "a " + type;
		};
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail,
			HttpServletRequest request, Map<String, Object> properties) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, Problems.shorten(detail, MAX_DETAIL));
		pd.setTitle(title);
		pd.setInstance(URI.create(ProblemStatuses.safeUri(request.getRequestURI())));
		properties.forEach(pd::setProperty);
		if (properties.get("limit") instanceof String limit) {
			Refusals.name(request, limit);
		}
		else if (status == HttpStatus.CONTENT_TOO_LARGE) {
			Refusals.name(request, "requestBody");
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
	}

}
