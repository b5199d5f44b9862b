package dev.tcplab.engine.internal;

import java.util.Arrays;

/**
 * The discrete-event queue, ordered by (virtual time in µs, insertion sequence) (SimPy /
 * ns-3 style). Events are a {@code kind}, a target object and a {@code long} argument,
 * stored in parallel primitive arrays so that scheduling allocates nothing. Two
 * structures share one insertion counter:
 * <ul>
 * <li>FIFO lanes for events whose delay is the same every time (link latency, TIME_WAIT,
 * FIN_WAIT_2, delayed ACK): their times are non-decreasing in insertion order, so a ring
 * buffer keeps them sorted at O(1) per event — the timing-wheel idea, and what keeps
 * hundreds of thousands of TIME_WAIT expiries cheap;</li>
 * <li>a binary min-heap for everything else (backed-off retransmission timers, delayed
 * segments, linger).</li>
 * </ul>
 * What an event means is the client's business: the queue only orders (time, sequence)
 * entries carrying a {@code kind}, a target and an argument. Cancelled timers are deleted
 * lazily: the client's {@link Stale} check tells a lane which entries at its head are
 * outdated, and they are dropped without reaching the client's loop.
 */
public final class EventQueue {

	/** Tells whether an entry went stale while queued (a cancelled timer). */
	@FunctionalInterface
	public interface Stale {

		boolean test(int kind, long arg);

	}

	private final Stale stale;

	/** A queue whose entries never go stale. */
	public EventQueue() {
		this((k, a) -> false);
	}

	/** A queue that drops entries at a lane's head as soon as {@code stale} says so. */
	public EventQueue(Stale stale) {
		this.stale = stale;
	}

	/** At most this many FIFO lanes, each for one delay value. */
	public static final int LANES = 8;

	private final Lane[] lanes = new Lane[LANES];

	private final long[] laneDelay = new long[LANES];

	/**
	 * Time and order of each lane's first event (Long.MAX_VALUE when empty): findHead
	 * reads only these two arrays.
	 */
	private final long[] laneHeadTime = new long[LANES];

	private final long[] laneHeadOrder = new long[LANES];

	private int laneCount;

	/**
	 * Where the head is: −1 = heap, otherwise a lane index; valid after
	 * {@link #findHead()}.
	 */
	private int headSource = -1;

	private boolean headKnown;

	private long headTime;

	private long headOrder;

	/**
	 * A lower bound on the first event of every source except {@link #headSource} (time,
	 * order): after a pop, if the source's next event still sorts before it, that source
	 * keeps the head and no lane is scanned.
	 */
	private long boundTime;

	private long boundOrder;

	/** Events in the heap and all lanes. */
	private int total;

	private long[] time = new long[64];

	private long[] order = new long[64];

	private int[] kind = new int[64];

	private Object[] target = new Object[64];

	private long[] arg = new long[64];

	private int size;

	private long nextOrder;

	public int size() {
		return total;
	}

	public boolean isEmpty() {
		return total == 0;
	}

	/**
	 * Keeps the cached head valid when an event is added: it becomes the head only if it
	 * sorts first.
	 */
	private void added(int src, long at, long o) {
		total++;
		if (headKnown) {
			if (at < headTime || (at == headTime && o < headOrder)) {
				boundTime = headTime;
				boundOrder = headOrder;
				headSource = src;
				headTime = at;
				headOrder = o;
			}
			else if (at < boundTime || (at == boundTime && o < boundOrder)) {
				boundTime = at;
				boundOrder = o;
			}
		}
	}

	/**
	 * Schedules {@code delay} µs after {@code now}: on the FIFO lane of that delay when
	 * it stays sorted, else on the heap.
	 */
	public void scheduleAfter(long now, long delay, int k, Object t, long a) {
		scheduleAt(lane(delay), now + delay, nextOrder++, k, t, a);
	}

	/**
	 * The lane for events with this delay, or −1 (heap) when all lanes are busy with
	 * other delays.
	 */
	public int lane(long delay) {
		int last = lastLane;
		if (last >= 0 && laneDelay[last] == delay) {
			return last;
		}
		last = findLane(delay);
		lastLane = last;
		return last;
	}

	/** The lane picked last time (most events in a row share a delay), or −1. */
	private int lastLane = -1;

	private int findLane(long delay) {
		for (int i = 0; i < laneCount; i++) {
			if (laneDelay[i] == delay) {
				return i;
			}
		}
		if (laneCount < LANES) {
			lanes[laneCount] = new Lane();
			laneDelay[laneCount] = delay;
			laneHeadTime[laneCount] = Long.MAX_VALUE;
			laneHeadOrder[laneCount] = Long.MAX_VALUE;
			return laneCount++;
		}
		for (int i = 0; i < laneCount; i++) {
			if (lanes[i].count == 0) {
				laneDelay[i] = delay;
				return i;
			}
		}
		return -1;
	}

	/**
	 * Makes room for {@code n} events on the lane of {@code delay} ahead of a load that
	 * will queue that many (the 2MSL expiries of a busy server), instead of doubling the
	 * ring step by step while the load runs.
	 */
	public void presize(long delay, int n) {
		int i = lane(delay);
		if (i >= 0) {
			lanes[i].ensureCapacity(n);
		}
	}

	/**
	 * Reserves an insertion sequence number for an event that will be queued later (lazy
	 * timers).
	 */
	public long reserve() {
		return nextOrder++;
	}

	/** Schedules with a previously reserved sequence number; lane −1 = heap. */
	public void scheduleAt(int lane, long at, long order, int k, Object t, long a) {
		if (lane >= 0) {
			Lane l = lanes[lane];
			if (l.count == 0 || l.lastTime() < at || (l.lastTime() == at && l.lastOrder() < order)) {
				if (l.count == 0) {
					laneHeadTime[lane] = at;
					laneHeadOrder[lane] = order;
				}
				l.add(at, order, k, t, a);
				added(lane, at, order);
				return;
			}
		}
		heapInsert(at, order, k, t, a);
	}

	public long peekOrder() {
		findHead();
		return headSource < 0 ? order[0] : laneHeadOrder[headSource];
	}

	private void findHead() {
		if (headKnown) {
			return;
		}
		int src = -1;
		long bt = Long.MAX_VALUE;
		long bo = Long.MAX_VALUE;
		long st = Long.MAX_VALUE;
		long so = Long.MAX_VALUE;
		if (size > 0) {
			bt = time[0];
			bo = order[0];
		}
		long[] lht = laneHeadTime;
		long[] lho = laneHeadOrder;
		for (int i = 0; i < laneCount; i++) {
			long lt = lht[i];
			if (lt < bt || (lt == bt && lho[i] < bo)) {
				st = bt;
				so = bo;
				bt = lt;
				bo = lho[i];
				src = i;
			}
			else if (lt < st || (lt == st && lho[i] < so)) {
				st = lt;
				so = lho[i];
			}
		}
		headSource = src;
		headTime = bt;
		headOrder = bo;
		boundTime = st;
		boundOrder = so;
		headKnown = total > 0;
	}

	public long peekTime() {
		findHead();
		return headSource < 0 ? time[0] : laneHeadTime[headSource];
	}

	public int peekKind() {
		findHead();
		return headSource < 0 ? kind[0] : lanes[headSource].headKind();
	}

	public Object peekTarget() {
		findHead();
		return headSource < 0 ? target[0] : lanes[headSource].target[lanes[headSource].head];
	}

	public long peekArg() {
		findHead();
		return headSource < 0 ? arg[0] : lanes[headSource].headArg();
	}

	/** Removes the head (after its fields were read with the peek methods). */
	public void pop() {
		findHead();
		total--;
		long nt;
		long no;
		if (headSource >= 0) {
			Lane l = lanes[headSource];
			l.poll();
			while (l.count > 0 && stale.test(l.headKind(), l.headArg())) {
				l.poll();
				total--;
			}
			if (l.count > 0) {
				nt = l.headTime();
				no = l.headOrder();
			}
			else {
				nt = Long.MAX_VALUE;
				no = Long.MAX_VALUE;
				if (l.target.length > Lane.KEEP) {
					// a burst is over: give its ring back
					l.resize(Lane.KEEP);
				}
			}
			laneHeadTime[headSource] = nt;
			laneHeadOrder[headSource] = no;
		}
		else {
			popHeap();
			nt = size > 0 ? time[0] : Long.MAX_VALUE;
			no = size > 0 ? order[0] : Long.MAX_VALUE;
		}
		// the same source keeps the head while its next event sorts before every other
		// source's first one
		if (nt < boundTime || (nt == boundTime && no < boundOrder)) {
			headTime = nt;
			headOrder = no;
		}
		else {
			headKnown = false;
		}
	}

	/** Schedules on the heap. */
	public void schedule(long at, int k, Object t, long a) {
		heapInsert(at, nextOrder++, k, t, a);
	}

	private void heapInsert(long at, long o, int k, Object t, long a) {
		added(-1, at, o);
		if (size == time.length) {
			int n = size * 2;
			time = Arrays.copyOf(time, n);
			order = Arrays.copyOf(order, n);
			kind = Arrays.copyOf(kind, n);
			target = Arrays.copyOf(target, n);
			arg = Arrays.copyOf(arg, n);
		}
		int i = size++;
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

	private void popHeap() {
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

	/**
	 * A ring buffer of events in non-decreasing time order. Time, order, kind and
	 * argument of an entry are interleaved in one {@code long[]} (stride 4, one cache
	 * line holds two entries) so that reading the head touches one line of it plus one of
	 * {@code target}, instead of one per field.
	 */
	private static final class Lane {

		/** Capacity an emptied lane shrinks back to. */
		static final int KEEP = 1024;

		long[] d = new long[64 * 4];

		Object[] target = new Object[64];

		int head;

		int count;

		long lastTime() {
			return d[((head + count - 1) & (target.length - 1)) << 2];
		}

		long lastOrder() {
			return d[(((head + count - 1) & (target.length - 1)) << 2) + 1];
		}

		long headTime() {
			return d[head << 2];
		}

		long headOrder() {
			return d[(head << 2) + 1];
		}

		int headKind() {
			return (int) d[(head << 2) + 2];
		}

		long headArg() {
			return d[(head << 2) + 3];
		}

		void add(long t, long o, int k, Object g, long a) {
			if (count == target.length) {
				grow();
			}
			int i = (head + count) & (target.length - 1);
			int j = i << 2;
			d[j] = t;
			d[j + 1] = o;
			d[j + 2] = k;
			d[j + 3] = a;
			target[i] = g;
			count++;
		}

		void poll() {
			target[head] = null;
			head = (head + 1) & (target.length - 1);
			count--;
		}

		void ensureCapacity(int n) {
			if (n > target.length && n <= 1 << 26) {
				resize(Integer.highestOneBit(n - 1) << 1);
			}
		}

		private void grow() {
			resize(target.length * 2);
		}

		private void resize(int size) {
			int n = target.length;
			long[] d2 = new long[size * 4];
			Object[] g2 = new Object[size];
			for (int i = 0; i < count; i++) {
				int j = (head + i) & (n - 1);
				System.arraycopy(d, j << 2, d2, i << 2, 4);
				g2[i] = target[j];
			}
			d = d2;
			target = g2;
			head = 0;
		}

	}

}
