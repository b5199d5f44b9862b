package dev.tcplab.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

import dev.tcplab.engine.internal.PortTable;

/**
 * Local ports of the client hosts (server sockets all share their listener's port, which
 * needs no accounting): the ports bound and ephemeral port selection. Linux:
 * {@code inet_csk_get_port}, {@code __inet_hash_connect}.
 */
final class Ports {

	private final StackConstants c;

	private final Isn isn;

	/** Ports bound on client host 0 ({@code config.clientAddress}). */
	final PortTable clientPorts = new PortTable();

	/**
	 * Port tables and ephemeral cursors of client hosts 1.. (load runs with several
	 * clients), grown on demand.
	 */
	private PortTable[] extraClientPorts;

	private int[] extraCursors;

	private int ephemeralCursor;

	Ports(StackConstants c, Isn isn, SplittableRandom rng) {
		this.c = c;
		this.isn = isn;
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
			// pseudo-random port (no RNG draw, so runs with one client are unchanged)
			int span = c.ephemeralHigh() - c.ephemeralLow() + 1;
			extraCursors[client] = c.ephemeralLow() + (int) Long.remainderUnsigned(isn.keyedHash(client), span);
		}
		return pt;
	}

	/**
	 * Ephemeral port on client host number {@code client}: linear probe from a cursor
	 * that starts at a random port of the range, skipping every port in use (TIME_WAIT
	 * included), −1 when none is free. The cursor moves past the port handed out.
	 */
	int allocateEphemeral(int client) {
		int lo = c.ephemeralLow();
		int hi = c.ephemeralHigh();
		PortTable pt = clientPorts(client);
		int cursor = cursor(client);
		int p = pt.firstFree(cursor, hi);
		if (p < 0 && cursor > lo) {
			p = pt.firstFree(lo, cursor - 1);
		}
		if (p >= 0) {
			moveCursor(client, p);
		}
		return p;
	}

	/** Where the ephemeral search of client host {@code client} starts next. */
	int cursor(int client) {
		clientPorts(client);
		return client == 0 ? ephemeralCursor : extraCursors[client];
	}

	/** Port {@code p} was handed out: the next search starts after it. */
	void moveCursor(int client, int p) {
		int cursor = p + 1 > c.ephemeralHigh() ? c.ephemeralLow() : p + 1;
		if (client == 0) {
			ephemeralCursor = cursor;
		}
		else {
			extraCursors[client] = cursor;
		}
	}

}
