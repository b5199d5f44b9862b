package dev.tcplab.engine.internal;

/**
 * Local ports in use on a client host: how many sockets (connections, TIME_WAIT records)
 * hold each port and how many of them lack SO_REUSEADDR, plus a bitmap for a fast search
 * of a free ephemeral port. Counts are indexed directly by port in pages of 1,024 ports
 * made on first use (exclusive << 16 | count per port): ephemeral ports are handed out in
 * sequence, so consecutive connects and closes touch the same cache lines, and a host
 * with a few sockets costs one 4 KB page.
 */
public final class PortTable {

	private static final int PAGE_BITS = 10;

	private final long[] inUse = new long[65536 / 64];

	/**
	 * Bit w set when every port of {@code inUse[w]} is in use: lets {@link #firstFree}
	 * skip full stretches 4096 ports at a time.
	 */
	private final long[] full = new long[65536 / 64 / 64];

	/** Per port: exclusive << 16 | count; pages of 1,024 ports, null until used. */
	private final int[][] pages = new int[65536 >>> PAGE_BITS][];

	private int counts(int port) {
		int[] page = pages[port >>> PAGE_BITS];
		return page == null ? 0 : page[port & ((1 << PAGE_BITS) - 1)];
	}

	public int users(int port) {
		return counts(port) & 0xFFFF;
	}

	public int exclusiveUsers(int port) {
		return counts(port) >>> 16;
	}

	public void acquire(int port, boolean reuseAddr) {
		int[] page = pages[port >>> PAGE_BITS];
		if (page == null) {
			page = new int[1 << PAGE_BITS];
			pages[port >>> PAGE_BITS] = page;
		}
		int i = port & ((1 << PAGE_BITS) - 1);
		int v = page[i];
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
		page[i] = v;
	}

	public void release(int port, boolean reuseAddr) {
		int[] page = pages[port >>> PAGE_BITS];
		int i = port & ((1 << PAGE_BITS) - 1);
		int v = page[i] - 1;
		if (!reuseAddr) {
			v -= 1 << 16;
		}
		page[i] = v;
		if ((v & 0xFFFF) == 0) {
			int w = port >>> 6;
			inUse[w] &= ~(1L << (port & 63));
			full[w >>> 6] &= ~(1L << (w & 63));
		}
	}

	/** First port p in [from, to] not in use, or -1. */
	public int firstFree(int from, int to) {
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
