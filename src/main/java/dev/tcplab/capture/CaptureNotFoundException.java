package dev.tcplab.capture;

import dev.tcplab.simulation.ProblemException;

/** No such capture (never made, deleted or expired) or no such connection in it: 404. */
public class CaptureNotFoundException extends ProblemException {

	public CaptureNotFoundException(String message) {
		super(404, "Capture not found", message);
	}

}
