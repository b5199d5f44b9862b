package dev.tcplab.engine.internal;

/**
 * The connection table: a 4-tuple key → a <em>handle</em> of the endpoint, either an
 * owner's timer slot ({@link #slotHandle}) or a TIME_WAIT row ({@link #rowHandle}).
 * Handles, not references: putting a new connection in stores no object reference, so it
 * needs no garbage-collector write barrier.
 * <p>
 * Key layout ({@link #key}): client host number above bit 33, the host (0 = client, 1 =
 * server) at bit 32, local port at bits 16–31, remote port at bits 0–15.
 */
public final class ConnTable {

	private final LongIntMap map = new LongIntMap();

	/** Key of a connection of client host number {@code client} or its server side. */
	public static long key(int host, int client, int localPort, int remotePort) {
		return ((long) client << 33) | ((long) host << 32) | ((long) localPort << 16) | remotePort;
	}

	public static int slotHandle(int slot) {
		return slot << 1;
	}

	public static int rowHandle(int row) {
		return row << 1 | 1;
	}

	/** Whether a handle (≥ 0) names a TIME_WAIT row rather than a slot. */
	public static boolean isRow(int handle) {
		return (handle & 1) != 0;
	}

	/** The slot or row a handle names. */
	public static int index(int handle) {
		return handle >>> 1;
	}

	/** The handle under {@code key}, or −1. */
	public int get(long key) {
		return map.get(key);
	}

	/** Maps {@code key} to {@code handle}; returns the previous handle or −1. */
	public int put(long key, int handle) {
		return map.put(key, handle);
	}

	/** Removes {@code key}; returns its handle or −1. */
	public int remove(long key) {
		return map.remove(key);
	}

	public int size() {
		return map.size();
	}

}
