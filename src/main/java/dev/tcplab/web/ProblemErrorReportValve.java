package dev.tcplab.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report, as RFC 9457 {@code application/problem+json} instead of an HTML
 * page. Tomcat uses it for the errors it answers itself before any servlet runs (a
 * malformed request line or header, an invalid URI, HTTP/3.0, CONNECT, …); errors inside
 * the application go through Spring's error handling and {@code /error} instead.
 * Installed as the host's error report valve by {@link HttpHardeningConfiguration}.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	/** Longest detail taken over from Tomcat's message (which may quote the request). */
	static final int MAX_DETAIL = 200;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0) {
			return;
		}
		status = Problems.forClient(status, request.getMethod());
		AtomicBoolean ioAllowed = new AtomicBoolean(true);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		// a server-side failure that never reached Spring's handlers is still reported
		// without its stack trace
		HttpStatus known = HttpStatus.resolve(status);
		String title = known == null ? "Error" : known.getReasonPhrase();
		String detail = response.getMessage();
		if (detail == null || detail.isBlank()) {
			detail = title;
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", title);
		body.put("status", status);
		body.put("detail", Problems.shorten(detail, MAX_DETAIL));
		try {
			response.setStatus(status);
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(JSON.writeValueAsString(body));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the connection is gone or the response was committed meanwhile
		}
	}

}
