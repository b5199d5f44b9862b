package dev.tcplab.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** A client socket and the server socket accepted for it, plus the fault rules and held segments of both directions. */
final class Pair {

	final int id;

	final Integer boxedId;

	final int serverPort;

	final int clientPort;

	/** The client endpoint: a {@link Tcb} or, after TIME_WAIT compaction, a {@link TimeWaitRecord}. */
	Endpoint client;

	/** The accepted server endpoint, null until the SYN reached the listener. */
	Endpoint server;

	Listener listener;

	/** Fault rules per direction, index 0 = segments the client sends, 1 = the server sends. */
	@SuppressWarnings("unchecked")
	final List<FaultRule>[] rules = new List[2];

	@SuppressWarnings("unchecked")
	final ArrayDeque<Segment>[] held = new ArrayDeque[2];

	/** Started by a load run. */
	boolean load;

	boolean finished;

	boolean forgotten;

	Pair(int id, int serverPort, int clientPort) {
		this.id = id;
		this.boxedId = id;
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

	List<FaultRule> rules(int host) {
		if (rules[host] == null) {
			rules[host] = new ArrayList<>(2);
		}
		return rules[host];
	}

	ArrayDeque<Segment> held(int host) {
		if (held[host] == null) {
			held[host] = new ArrayDeque<>();
		}
		return held[host];
	}

	static boolean closed(Endpoint ep) {
		return ep == null || ep.state == TcpState.CLOSED;
	}
}
