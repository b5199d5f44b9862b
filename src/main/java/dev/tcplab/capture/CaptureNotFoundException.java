package dev.tcplab.capture;

/** No such capture (never made, deleted or expired) or no such connection in it: 404. */
public class CaptureNotFoundException extends RuntimeException {

	public CaptureNotFoundException(String message) {
		super(message);
	}

}
