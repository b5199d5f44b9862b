package dev.tcplab.engine;

import java.util.function.Consumer;

/**
 * Open-addressing hash map from a primitive {@code long} key (a packed connection tuple)
 * to an object, with linear probing and backward-shift deletion: no boxing, no entry
 * objects. Used for the connection table, which may hold hundreds of thousands of
 * TIME_WAIT records.
 */
final class LongMap<V> {

	private long[] keys = new long[16];

	private Object[] values = new Object[16];

	private int size;

	int size() {
		return size;
	}

	/** Fibonacci hash of a packed key. */
	static int hash(long k) {
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

	/** Slot holding the key, or −1 (linear probing: an empty slot ends the search). */
	private int slotOf(long key) {
		int mask = keys.length - 1;
		int i = hash(key) & mask;
		while (values[i] != null) {
			if (keys[i] == key) {
				return i;
			}
			i = (i + 1) & mask;
		}
		return -1;
	}

	@SuppressWarnings("unchecked")
	V get(long key) {
		int i = slotOf(key);
		return i < 0 ? null : (V) values[i];
	}

	/** Returns the previous value for the key, or null. */
	@SuppressWarnings("unchecked")
	V put(long key, V value) {
		if (value == null) {
			throw new IllegalArgumentException("null value");
		}
		if ((size + 1) * 2 > keys.length) {
			grow();
		}
		int mask = keys.length - 1;
		int i = hash(key) & mask;
		while (values[i] != null) {
			if (keys[i] == key) {
				Object old = values[i];
				values[i] = value;
				return (V) old;
			}
			i = (i + 1) & mask;
		}
		keys[i] = key;
		values[i] = value;
		size++;
		return null;
	}

	@SuppressWarnings("unchecked")
	V remove(long key) {
		int i = slotOf(key);
		if (i < 0) {
			return null;
		}
		Object v = values[i];
		deleteAt(i);
		if (keys.length > 1024 && size * 8 < keys.length) {
			// a burst of connections is over: give most of the table back
			rehash(keys.length / 4);
		}
		return (V) v;
	}

	private void deleteAt(int i) {
		int mask = keys.length - 1;
		values[i] = null;
		size--;
		int j = i;
		while (true) {
			j = (j + 1) & mask;
			if (values[j] == null) {
				return;
			}
			if (movesBack(i, j, hash(keys[j]) & mask)) {
				keys[i] = keys[j];
				values[i] = values[j];
				values[j] = null;
				i = j;
			}
		}
	}

	private void grow() {
		rehash(keys.length * 2);
	}

	@SuppressWarnings("unchecked")
	private void rehash(int capacity) {
		long[] ok = keys;
		Object[] ov = values;
		keys = new long[capacity];
		values = new Object[capacity];
		size = 0;
		for (int i = 0; i < ok.length; i++) {
			if (ov[i] != null) {
				put(ok[i], (V) ov[i]);
			}
		}
	}

	@SuppressWarnings("unchecked")
	void forEach(Consumer<V> action) {
		Object[] vs = values;
		for (Object v : vs) {
			if (v != null) {
				action.accept((V) v);
			}
		}
	}

}
