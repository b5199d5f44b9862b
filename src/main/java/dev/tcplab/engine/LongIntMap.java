package dev.tcplab.engine;

/**
 * Open-addressing hash map from a {@code long} key to a non-negative {@code int}, with
 * linear probing and backward-shift deletion, in two primitive arrays: no objects per
 * entry and no references for the garbage collector to trace. Holds the detached
 * TIME_WAIT rows (see {@link TimeWaitRows}).
 */
final class LongIntMap {

	private long[] keys = new long[16];

	/** value + 1; 0 = empty slot. */
	private int[] values = new int[16];

	private int size;

	int size() {
		return size;
	}

	/** The value for the key, or −1. */
	int get(long key) {
		int mask = keys.length - 1;
		int i = LongMap.hash(key) & mask;
		int v;
		while ((v = values[i]) != 0) {
			if (keys[i] == key) {
				return v - 1;
			}
			i = (i + 1) & mask;
		}
		return -1;
	}

	/** Maps the key to {@code value} (≥ 0), replacing any previous value. */
	void put(long key, int value) {
		if (value < 0) {
			throw new IllegalArgumentException("negative value");
		}
		if ((size + 1) * 2 > keys.length) {
			grow();
		}
		int mask = keys.length - 1;
		int i = LongMap.hash(key) & mask;
		while (values[i] != 0) {
			if (keys[i] == key) {
				values[i] = value + 1;
				return;
			}
			i = (i + 1) & mask;
		}
		keys[i] = key;
		values[i] = value + 1;
		size++;
	}

	/** Removes the key; returns its value or −1. */
	int remove(long key) {
		int mask = keys.length - 1;
		int i = LongMap.hash(key) & mask;
		int v;
		while ((v = values[i]) != 0) {
			if (keys[i] == key) {
				deleteAt(i);
				if (keys.length > 1024 && size * 8 < keys.length) {
					rehash(keys.length / 4);
				}
				return v - 1;
			}
			i = (i + 1) & mask;
		}
		return -1;
	}

	private void deleteAt(int i) {
		int mask = keys.length - 1;
		values[i] = 0;
		size--;
		int j = i;
		while (true) {
			j = (j + 1) & mask;
			if (values[j] == 0) {
				return;
			}
			if (LongMap.movesBack(i, j, LongMap.hash(keys[j]) & mask)) {
				keys[i] = keys[j];
				values[i] = values[j];
				values[j] = 0;
				i = j;
			}
		}
	}

	/** Makes room for {@code n} keys without growing on the way. */
	void ensureCapacity(int n) {
		while ((long) n * 2 > keys.length && keys.length < 1 << 28) {
			grow();
		}
	}

	private void grow() {
		rehash(keys.length * 2);
	}

	private void rehash(int capacity) {
		long[] ok = keys;
		int[] ov = values;
		keys = new long[capacity];
		values = new int[capacity];
		size = 0;
		for (int i = 0; i < ok.length; i++) {
			if (ov[i] != 0) {
				put(ok[i], ov[i] - 1);
			}
		}
	}

}
