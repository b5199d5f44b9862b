package dev.tcplab.engine.internal;

/**
 * Open-addressing hash map from a {@code long} key to a non-negative {@code int}, with
 * linear probing and backward-shift deletion, in two primitive arrays: no objects per
 * entry and no reference stores (no garbage-collector write barrier) on insertion. The
 * connection table: key → handle of a TCB's timer slot or a TIME_WAIT row (see
 * {@code Engine.connPut}).
 */
public final class LongIntMap {

	private long[] keys = new long[16];

	/** value + 1; 0 = empty slot. */
	private int[] values = new int[16];

	private int size;

	public int size() {
		return size;
	}

	private static int hash(long k) {
		long h = k * 0x9E3779B97F4A7C15L;
		return (int) (h ^ (h >>> 32));
	}

	/**
	 * Backward-shift deletion: after slot {@code i} was emptied, the entry at {@code j}
	 * (home slot {@code home}) moves back to {@code i} unless its home lies cyclically
	 * within (i, j].
	 */
	private static boolean movesBack(int i, int j, int home) {
		return i <= j ? !(i < home && home <= j) : !(i < home || home <= j);
	}

	/** The value for the key, or −1. */
	public int get(long key) {
		int mask = keys.length - 1;
		int i = hash(key) & mask;
		int v;
		while ((v = values[i]) != 0) {
			if (keys[i] == key) {
				return v - 1;
			}
			i = (i + 1) & mask;
		}
		return -1;
	}

	/** Maps the key to {@code value} (≥ 0); returns the previous value or −1. */
	public int put(long key, int value) {
		if (value < 0) {
			throw new IllegalArgumentException("negative value");
		}
		if ((size + 1) * 2 > keys.length) {
			grow();
		}
		int mask = keys.length - 1;
		int i = hash(key) & mask;
		while (values[i] != 0) {
			if (keys[i] == key) {
				int old = values[i] - 1;
				values[i] = value + 1;
				return old;
			}
			i = (i + 1) & mask;
		}
		keys[i] = key;
		values[i] = value + 1;
		size++;
		return -1;
	}

	/** Removes the key; returns its value or −1. */
	public int remove(long key) {
		int mask = keys.length - 1;
		int i = hash(key) & mask;
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
			if (movesBack(i, j, hash(keys[j]) & mask)) {
				keys[i] = keys[j];
				values[i] = values[j];
				values[j] = 0;
				i = j;
			}
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
