package dev.tcplab.engine;

/**
 * Local ports in use on the client host: how many sockets (connections, TIME_WAIT
 * records) hold each port and how many of them lack SO_REUSEADDR, plus a bitmap for a
 * fast search of a free ephemeral port. Counts live in one open-addressing table of
 * packed longs (port, count, exclusive count) so a lookup touches one cache line.
 */
final class PortTable {

	private final long[] inUse = new long[65536 / 64];

	/**
	 * Bit w set when every port of {@code inUse[w]} is in use: lets {@link #firstFree}
	 * skip full stretches 4096 ports at a time.
	 */
	private final long[] full = new long[65536 / 64 / 64];

	/**
	 * slot = (port + 1) << 32 | exclusive << 16 | count; 0 = empty. Ports are never
	 * removed (≤ 65536 keys).
	 */
	private long[] slots = new long[64];

	private int size;

	private int find(int port) {
		int mask = slots.length - 1;
		int i = (port * 0x9E3779B9 >>> 16) & mask;
		long k = (long) (port + 1) << 32;
		while (true) {
			long v = slots[i];
			if (v == 0 || (v & 0xFFFFFFFF00000000L) == k) {
				return i;
			}
			i = (i + 1) & mask;
		}
	}

	int users(int port) {
		return (int) (slots[find(port)] & 0xFFFF);
	}

	int exclusiveUsers(int port) {
		return (int) (slots[find(port)] >>> 16 & 0xFFFF);
	}

	void acquire(int port, boolean reuseAddr) {
		int i = find(port);
		long v = slots[i];
		if (v == 0) {
			if ((size + 1) * 2 > slots.length) {
				grow();
				i = find(port);
			}
			size++;
			v = (long) (port + 1) << 32;
		}
		if ((v & 0xFFFF) == 0) {
			int w = port >>> 6;
			if ((inUse[w] |= 1L << (port & 63)) == -1L) {
				full[w >>> 6] |= 1L << (w & 63);
			}
		}
		v += 1;
		if (!reuseAddr) {
			v += 1 << 16;
		}
		slots[i] = v;
	}

	void release(int port, boolean reuseAddr) {
		int i = find(port);
		long v = slots[i] - 1;
		if (!reuseAddr) {
			v -= 1 << 16;
		}
		slots[i] = v;
		if ((v & 0xFFFF) == 0) {
			int w = port >>> 6;
			inUse[w] &= ~(1L << (port & 63));
			full[w >>> 6] &= ~(1L << (w & 63));
		}
	}

	private void grow() {
		long[] old = slots;
		slots = new long[old.length * 2];
		for (long v : old) {
			if (v != 0) {
				int port = (int) (v >>> 32) - 1;
				slots[find(port)] = v;
			}
		}
	}

	/** First port p in [from, to] not in use, or -1. */
	int firstFree(int from, int to) {
		int p = from;
		while (p <= to) {
			long word = ~inUse[p >>> 6] & (-1L << (p & 63));
			if (word != 0) {
				int found = ((p >>> 6) << 6) + Long.numberOfTrailingZeros(word);
				return found <= to ? found : -1;
			}
			// next word that is not full, via the summary
			int w = (p >>> 6) + 1;
			while (w < inUse.length) {
				long notFull = ~full[w >>> 6] & (-1L << (w & 63));
				if (notFull != 0) {
					w = ((w >>> 6) << 6) + Long.numberOfTrailingZeros(notFull);
					break;
				}
				w = ((w >>> 6) + 1) << 6;
			}
			if (w >= inUse.length) {
				return -1;
			}
			p = w << 6;
		}
		return -1;
	}

}
