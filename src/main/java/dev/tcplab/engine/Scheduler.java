package dev.tcplab.engine;

import java.util.Arrays;

/**
 * The discrete-event queue: a binary min-heap ordered by (virtual time in µs, insertion sequence), stored in
 * parallel primitive arrays so that scheduling an event allocates nothing (SimPy / ns-3 style). An event is a
 * {@code kind}, a target object and a {@code long} argument; cancelled timers are deleted lazily (their
 * generation no longer matches when they come up).
 */
final class Scheduler {

	static final int SEGMENT = 0;

	static final int TIMER = 1;

	static final int TIME_WAIT_EXPIRY = 2;

	static final int LOAD_CONNECT = 3;

	static final int CENSUS = 4;

	private long[] time = new long[64];

	private long[] order = new long[64];

	private int[] kind = new int[64];

	private Object[] target = new Object[64];

	private long[] arg = new long[64];

	private int size;

	private long nextOrder;

	int size() {
		return size;
	}

	boolean isEmpty() {
		return size == 0;
	}

	void schedule(long at, int k, Object t, long a) {
		if (size == time.length) {
			int n = size * 2;
			time = Arrays.copyOf(time, n);
			order = Arrays.copyOf(order, n);
			kind = Arrays.copyOf(kind, n);
			target = Arrays.copyOf(target, n);
			arg = Arrays.copyOf(arg, n);
		}
		int i = size++;
		long o = nextOrder++;
		// sift up
		while (i > 0) {
			int p = (i - 1) >>> 1;
			if (time[p] < at || (time[p] == at && order[p] < o)) {
				break;
			}
			move(p, i);
			i = p;
		}
		time[i] = at;
		order[i] = o;
		kind[i] = k;
		target[i] = t;
		arg[i] = a;
	}

	long peekTime() {
		return time[0];
	}

	int peekKind() {
		return kind[0];
	}

	Object peekTarget() {
		return target[0];
	}

	long peekArg() {
		return arg[0];
	}

	/** Removes the head (after its fields were read with the peek methods). */
	void pop() {
		int last = --size;
		long t = time[last];
		long o = order[last];
		int k = kind[last];
		Object g = target[last];
		long a = arg[last];
		target[last] = null;
		if (last == 0) {
			return;
		}
		int i = 0;
		int half = last >>> 1;
		while (i < half) {
			int c = 2 * i + 1;
			int r = c + 1;
			if (r < last && (time[r] < time[c] || (time[r] == time[c] && order[r] < order[c]))) {
				c = r;
			}
			if (t < time[c] || (t == time[c] && o < order[c])) {
				break;
			}
			move(c, i);
			i = c;
		}
		time[i] = t;
		order[i] = o;
		kind[i] = k;
		target[i] = g;
		arg[i] = a;
	}

	private void move(int from, int to) {
		time[to] = time[from];
		order[to] = order[from];
		kind[to] = kind[from];
		target[to] = target[from];
		arg[to] = arg[from];
	}
}
