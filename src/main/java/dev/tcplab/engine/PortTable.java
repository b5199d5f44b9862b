package dev.tcplab.engine;

/**
 * Local ports in use on one host: how many sockets (connections, TIME_WAIT records, listeners) hold each port and
 * how many of them lack SO_REUSEADDR, plus a bitmap for a fast search of a free ephemeral port.
 */
final class PortTable {

	private final long[] inUse = new long[65536 / 64];

	private final IntCounter count = new IntCounter();

	private final IntCounter nonReuse = new IntCounter();

	int users(int port) {
		return count.get(port);
	}

	int exclusiveUsers(int port) {
		return nonReuse.get(port);
	}

	void acquire(int port, boolean reuseAddr) {
		if (count.add(port, 1) == 1) {
			inUse[port >>> 6] |= 1L << (port & 63);
		}
		if (!reuseAddr) {
			nonReuse.add(port, 1);
		}
	}

	void release(int port, boolean reuseAddr) {
		if (count.add(port, -1) == 0) {
			inUse[port >>> 6] &= ~(1L << (port & 63));
		}
		if (!reuseAddr) {
			nonReuse.add(port, -1);
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
			p = ((p >>> 6) + 1) << 6;
		}
		return -1;
	}

	/** Small open-addressing map port → count (ports are never removed; at most 65536 keys). */
	static final class IntCounter {

		private int[] k = new int[16];

		private int[] v = new int[16];

		private boolean[] used = new boolean[16];

		private int size;

		int get(int key) {
			int mask = k.length - 1;
			int i = (key * 0x9E3779B9) >>> 16 & mask;
			while (used[i]) {
				if (k[i] == key) {
					return v[i];
				}
				i = (i + 1) & mask;
			}
			return 0;
		}

		int add(int key, int delta) {
			if ((size + 1) * 2 > k.length) {
				grow();
			}
			int mask = k.length - 1;
			int i = (key * 0x9E3779B9) >>> 16 & mask;
			while (used[i]) {
				if (k[i] == key) {
					return v[i] += delta;
				}
				i = (i + 1) & mask;
			}
			used[i] = true;
			k[i] = key;
			v[i] = delta;
			size++;
			return delta;
		}

		private void grow() {
			int[] ok = k;
			int[] ov = v;
			boolean[] ou = used;
			k = new int[ok.length * 2];
			v = new int[ok.length * 2];
			used = new boolean[ok.length * 2];
			size = 0;
			for (int i = 0; i < ok.length; i++) {
				if (ou[i]) {
					add(ok[i], ov[i]);
				}
			}
		}
	}
}
