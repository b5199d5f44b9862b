package dev.tcplab.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * A listening socket on the server host (RFC 9293 §3.10.1 passive OPEN, the LISTEN
 * state). Incoming SYNs create child connections in SYN_RECEIVED
 * ({@link SegmentArrives#listen}, §3.10.7.2) while fewer than {@link #backlog} are
 * pending; children are accepted automatically once ESTABLISHED. The listener has
 * SO_REUSEADDR set (as servers do) and its children inherit it.
 */
final class Listener extends Endpoint {

	final int port;

	final int backlog;

	/** Children not yet accepted (SYN_RECEIVED). */
	int pendingChildren;

	/** The trace arguments of accept() on this listener, built once (immutable). */
	final Map<String, Object> acceptArgs;

	Listener(int port, int backlog) {
		this.port = port;
		this.backlog = backlog;
		this.acceptArgs = Map.of("port", port);
	}

	@Override
	String role() {
		return "listener";
	}

	/** Whether the backlog of children not yet accepted is full (a SYN is dropped). */
	boolean backlogFull() {
		return pendingChildren >= backlog;
	}

	/** The listeners of the server host by port. */
	static final class Table {

		private final Map<Integer, Listener> byPort = new HashMap<>();

		/** The last listener looked up: a busy server's SYNs all go to one port. */
		private Listener last;

		/** The listener on {@code port}, or null. */
		Listener on(int port) {
			Listener l = last;
			if (l != null && l.port == port) {
				return l;
			}
			l = byPort.get(port);
			if (l != null) {
				last = l;
			}
			return l;
		}

		void add(Listener l) {
			byPort.put(l.port, l);
		}

		/** The listener was closed: later SYNs to its port find none. */
		void remove(Listener l) {
			byPort.remove(l.port, l);
			if (last == l) {
				last = null;
			}
		}

	}

}
