package dev.tcplab.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A route that accepts a larger request body than {@code tcplab.http.max-request-body}
 * (e.g. capture uploads): a bean of this type raises the body limit for the requests it
 * {@link #applies applies} to. The route itself must still bound what it reads.
 *
 * @param method the route's HTTP method
 * @param path the route's path, exactly
 * @param maxBytes the body limit for those requests, in bytes
 */
public record LargeRequestBody(String method, String path, long maxBytes) {

	public boolean applies(HttpServletRequest request) {
		return this.method.equals(request.getMethod()) && this.path.equals(request.getRequestURI());
	}

}
