package dev.tcplab.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A client socket and the server socket accepted for it, plus the fault rules and held
 * segments of both directions.
 */
final class Pair {

	final int id;

	private Integer boxedId;

	/** The id as an Integer (trace events, the pairs map), boxed on first use. */
	Integer boxedId() {
		Integer b = boxedId;
		if (b == null) {
			b = Integer.valueOf(id);
			boxedId = b;
		}
		return b;
	}

	final int serverPort;

	final int clientPort;

	/**
	 * Number of the client host (0 = {@code config.clientAddress}; load runs with several
	 * clients use more).
	 */
	int clientNo;

	/**
	 * The client endpoint: a {@link Tcb} or, after TIME_WAIT compaction, a
	 * {@link TimeWaitRecord}.
	 */
	Endpoint client;

	/** The accepted server endpoint, null until the SYN reached the listener. */
	Endpoint server;

	Listener listener;

	/**
	 * Fault rules per direction, index 0 = segments the client sends, 1 = the server
	 * sends.
	 */
	List<FaultRule>[] rules;

	ArrayDeque<Segment>[] held;

	/** Started by a load run. */
	boolean load;

	boolean finished;

	boolean forgotten;

	/**
	 * The side played from outside the engine (a packetdrill script), or null: segments
	 * to it are captured, not delivered, and its segments are injected
	 * ({@link Engine#openExternal}).
	 */
	Side external;

	/** The external side's ISN, for relative numbers in the trace. */
	int externalIsn;

	Pair(int id, int serverPort, int clientPort) {
		this.id = id;
		this.serverPort = serverPort;
		this.clientPort = clientPort;
	}

	Endpoint endpoint(Side side) {
		return side == Side.CLIENT ? client : server;
	}

	void setEndpoint(Side side, Endpoint ep) {
		if (side == Side.CLIENT) {
			client = ep;
		}
		else {
			server = ep;
		}
	}

	/** Fault rules on segments sent by {@code host}, or null. */
	List<FaultRule> rulesOrNull(int host) {
		return rules == null ? null : rules[host];
	}

	@SuppressWarnings("unchecked")
	List<FaultRule> rules(int host) {
		if (rules == null) {
			rules = new List[2];
		}
		if (rules[host] == null) {
			rules[host] = new ArrayList<>(2);
		}
		return rules[host];
	}

	@SuppressWarnings("unchecked")
	ArrayDeque<Segment> held(int host) {
		if (held == null) {
			held = new ArrayDeque[2];
		}
		if (held[host] == null) {
			held[host] = new ArrayDeque<>();
		}
		return held[host];
	}

	static boolean closed(Endpoint ep) {
		return ep == null || ep.state == TcpState.CLOSED;
	}

}
