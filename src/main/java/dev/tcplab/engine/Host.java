package dev.tcplab.engine;

import dev.tcplab.engine.internal.ConnTable;

/**
 * The two hosts of a simulation: 0 = the client host (with further client hosts in load
 * runs, numbered by {@code client}), 1 = the server host; and the connection-table key of
 * a 4-tuple.
 */
final class Host {

	static final int CLIENT = 0;

	static final int SERVER = 1;

	private Host() {
	}

	/** The host a side's sockets live on. */
	static int of(Side side) {
		return side == Side.CLIENT ? CLIENT : SERVER;
	}

	/** "client" or "server", as the trace names endpoints. */
	static String role(int host) {
		return host == CLIENT ? "client" : "server";
	}

	/**
	 * Key of a connection of client host number {@code client} (0 =
	 * {@code config.clientAddress}) or its server side.
	 */
	static long key(int host, int client, int localPort, int remotePort) {
		return ConnTable.key(host, client, localPort, remotePort);
	}

}
