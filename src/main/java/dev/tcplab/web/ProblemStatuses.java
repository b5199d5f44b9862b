package dev.tcplab.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.util.UriUtils;

/** Statuses as a client should see them. */
final class ProblemStatuses {

	private ProblemStatuses() {
	}

	/** {@link Problems#forClient} as an {@link HttpStatus}. */
	static HttpStatus forClient(int status, String method) {
		HttpStatus known = HttpStatus.resolve(Problems.forClient(status, method));
		return known == null ? HttpStatus.BAD_REQUEST : known;
	}

	/** The request URI as a valid relative URI reference (it may hold anything). */
	static String safeUri(String uri) {
		String path = UriUtils.encodePath(uri == null ? "/" : uri, java.nio.charset.StandardCharsets.UTF_8);
		// "//x" would read as an authority: one leading slash
		int i = 0;
		while (i < path.length() && path.charAt(i) == '/') {
			i++;
		}
		return "/" + path.substring(i);
	}

}
