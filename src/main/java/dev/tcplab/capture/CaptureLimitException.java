package dev.tcplab.capture;

import dev.tcplab.simulation.ProblemException;

/**
 * An upload is larger than this instance analyses (bytes, connections, CPU time): 413
 * problem+json naming the {@code limit} and what to do instead.
 */
public class CaptureLimitException extends ProblemException {

	/**
	 * @param limit which limit: {@code maxUpload}, {@code connections}, {@code cpuTime}
	 */
	public CaptureLimitException(String limit, String message) {
		super(413, "Capture too large", message);
		member("limit", limit);
	}

}
