package dev.tcplab.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A route that accepts a larger request body than {@code tcplab.http.max-request-body}
 * (e.g. capture uploads): a bean of this type raises the body limit for the requests it
 * {@link #applies applies} to. The route itself must still bound what it reads.
 */
public interface LargeRequestBody {

	boolean applies(HttpServletRequest request);

	/** The body limit for those requests, in bytes. */
	long maxBytes();

}
