package dev.tcplab.engine;

/**
 * A listening socket on the server host (RFC 9293 §3.10.7.2, LISTEN state). Incoming SYNs
 * create child connections in SYN_RECEIVED; children are accepted automatically once
 * ESTABLISHED. The listener has SO_REUSEADDR set (as servers do) and its children inherit
 * it.
 */
final class Listener extends Endpoint {

	final int port;

	final int backlog;

	/** Children not yet accepted (SYN_RECEIVED). */
	int pendingChildren;

	/** The trace arguments of accept() on this listener, built once (immutable). */
	final java.util.Map<String, Object> acceptArgs;

	Listener(int port, int backlog) {
		this.port = port;
		this.backlog = backlog;
		this.acceptArgs = java.util.Map.of("port", port);
	}

	@Override
	String role() {
		return "listener";
	}

}
