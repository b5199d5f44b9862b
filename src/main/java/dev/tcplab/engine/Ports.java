package dev.tcplab.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

import dev.tcplab.engine.internal.PortTable;

/**
 * Local ports of the client hosts (server sockets all share their listener's port, which
 * needs no accounting): bind() with SO_REUSEADDR and ephemeral port selection. Linux:
 * {@code inet_csk_get_port}, {@code __inet_hash_connect}.
 */
final class Ports {

	private final Engine e;

	private final StackConstants c;

	/** Ports bound on client host 0 ({@code config.clientAddress}). */
	final PortTable clientPorts = new PortTable();

	/**
	 * Port tables and ephemeral cursors of client hosts 1.. (load runs with several
	 * clients), grown on demand.
	 */
	private PortTable[] extraClientPorts;

	private int[] extraCursors;

	private int ephemeralCursor;

	Ports(Engine e, SplittableRandom rng) {
		this.e = e;
		this.c = e.c;
		this.ephemeralCursor = c.ephemeralLow() + rng.nextInt(c.ephemeralHigh() - c.ephemeralLow() + 1);
	}

	/** Ports bound on client host number {@code client}. */
	PortTable clientPorts(int client) {
		if (client == 0) {
			return clientPorts;
		}
		if (extraClientPorts == null || extraClientPorts.length <= client) {
			extraClientPorts = Arrays.copyOf(extraClientPorts == null ? new PortTable[0] : extraClientPorts,
					Math.max(client + 1, 64));
			int[] cursors = Arrays.copyOf(extraCursors == null ? new int[0] : extraCursors, extraClientPorts.length);
			Arrays.fill(cursors, extraCursors == null ? 0 : extraCursors.length, cursors.length, -1);
			extraCursors = cursors;
		}
		PortTable pt = extraClientPorts[client];
		if (pt == null) {
			pt = new PortTable();
			extraClientPorts[client] = pt;
			// each further client host starts its ephemeral search at its own
			// pseudo-random port (no RNG draw, so
			// runs with one client are unchanged)
			int span = c.ephemeralHigh() - c.ephemeralLow() + 1;
			extraCursors[client] = c.ephemeralLow() + (int) Long.remainderUnsigned(e.isn.keyedHash(client), span);
		}
		return pt;
	}

	/**
	 * Ephemeral port on client host number {@code client} for a connect() to
	 * {@code serverPort}: linear probe from a cursor that starts at a random port of the
	 * range, skipping every port in use (TIME_WAIT included). With {@code twReuse = 1}
	 * (Linux tcp_tw_reuse) and no free port, a client TIME_WAIT on the same destination
	 * that is at least 1 s old is recycled. −1 when none.
	 */
	int allocateEphemeral(int client, int serverPort) {
		int lo = c.ephemeralLow();
		int hi = c.ephemeralHigh();
		PortTable pt = clientPorts(client);
		int cursor = client == 0 ? ephemeralCursor : extraCursors[client];
		int p = pt.firstFree(cursor, hi);
		if (p < 0 && cursor > lo) {
			p = pt.firstFree(lo, cursor - 1);
		}
		if (p < 0 && c.twReuse() == 1) {
			p = e.tw.reuse(client, cursor, lo, hi, serverPort);
		}
		if (p < 0) {
			return -1;
		}
		cursor = p + 1 > hi ? lo : p + 1;
		if (client == 0) {
			ephemeralCursor = cursor;
		}
		else {
			extraCursors[client] = cursor;
		}
		return p;
	}

	/**
	 * bind() on the client host: EADDRINUSE while anything holds the port, unless every
	 * holder and the new socket set SO_REUSEADDR and the exact tuple is free.
	 */
	Errno bindCheck(int port, int serverPort, boolean reuseAddr) {
		PortTable pt = clientPorts;
		if (pt.users(port) == 0) {
			return null;
		}
		long key = Engine.key(Engine.CLIENT_HOST, port, serverPort);
		if (reuseAddr && pt.exclusiveUsers(port) == 0 && e.conns.get(key) < 0 && e.tw.rows.find(key) < 0) {
			return null;
		}
		return Errno.EADDRINUSE;
	}

}
