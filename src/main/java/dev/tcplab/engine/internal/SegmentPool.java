package dev.tcplab.engine.internal;

import java.util.Arrays;

/**
 * Objects identified by an index (the engine's segments): queue entries of items in
 * flight carry the index instead of a reference (no reference store, so no
 * garbage-collector barrier, per item), and released indices are handed out again, last
 * in first out, with their object kept for reuse — at most {@link #KEEP} spare objects.
 *
 * @param <S> the item type
 */
public final class SegmentPool<S> {

	/** Spare objects kept for reuse; beyond this a burst's objects are let go. */
	public static final int KEEP = 4096;

	private Object[] items = new Object[64];

	private int count;

	private int[] free = new int[64];

	private int freeCount;

	/**
	 * An index for a new item: a released one (whose object {@link #get} returns for
	 * reuse, or null if it was let go) or a fresh one (null).
	 */
	public int take() {
		if (freeCount > 0) {
			return free[--freeCount];
		}
		if (count == items.length) {
			items = Arrays.copyOf(items, count * 2);
			free = Arrays.copyOf(free, count * 2);
		}
		return count++;
	}

	/** The object at {@code index}, or null. */
	@SuppressWarnings("unchecked")
	public S get(int index) {
		return (S) items[index];
	}

	public void set(int index, S s) {
		items[index] = s;
	}

	/** The item at {@code index} is no longer in use. */
	public void release(int index) {
		if (freeCount >= KEEP) {
			items[index] = null;
		}
		free[freeCount++] = index;
	}

}
