package dev.tcplab.engine.internal;

import java.util.Arrays;

/**
 * The timers of many owners (the engine's connections), {@link #PER_OWNER} per owner, in
 * one dense array indexed by the owner's <em>slot</em>. Timers are lazy, like Linux's
 * {@code mod_timer}: re-arming only moves a deadline, and an {@link EventQueue} entry
 * that comes up before the moved deadline is re-queued with the sequence number reserved
 * when the timer was armed, so events run in exactly the order of eager scheduling.
 * <p>
 * Layout: {@link #TM} longs per timer (slot * 4 + timer): deadline (µs, −1 = not armed),
 * time of its queue entry (−1 = none), the insertion sequence number reserved when it was
 * armed, the delay it was armed with (picks the queue's FIFO lane) and the generation of
 * its queue entry (0 = none); one timer's fields share a cache line. A queue entry
 * carries (slot, generation, timer) and no object, so a stale entry (cancelled timer,
 * freed slot) is dropped after one look at its generation, and a freed owner is garbage
 * at once. The lowest free slot is reused first, so the live slots stay at the bottom of
 * the array (hot in cache) and, after a burst, the free top half is given back.
 * Generations come from one counter (never 0, which marks "no entry"), so an entry never
 * matches a later user of its slot, even after the array shrank and grew again.
 * <p>
 * A timer armed during an event is queued only by {@link #flush()} when the event ends,
 * so a timer armed and stopped within one event never enters the queue.
 *
 * @param <T> the owner type
 */
public final class TimerTable<T> {

	/** Timers per owner. */
	public static final int PER_OWNER = 4;

	private static final int TM = 5;

	private static final int TM_AT = 0;

	private static final int TM_QUEUED = 1;

	private static final int TM_ORDER = 2;

	private static final int TM_DELAY = 3;

	private static final int TM_GEN = 4;

	private final EventQueue queue;

	/** The queue entry kind of timer entries. */
	private final int kind;

	private long[] tm = new long[0];

	private int timerGenCounter;

	private Object[] owner = new Object[0];

	/** Bit s set: slot s (below {@link #slotCount}) is free. */
	private long[] freeBits = new long[0];

	/** No free slot lies below word {@code freeHint} of {@link #freeBits}. */
	private int freeHint;

	/** Slots handed out so far (the high-water mark, lowered when the arrays shrink). */
	private int slotCount;

	private int liveSlots;

	/** Live slots in the top half of the arrays (trim when none and few live). */
	private int liveTop;

	/**
	 * Timers (slot * 4 + timer) armed during the current event, queued by {@link #flush}.
	 */
	private int[] armedTimers = new int[16];

	private int armedCount;

	/** Timers whose queue entries go to {@code queue} as entries of {@code kind}. */
	public TimerTable(EventQueue queue, int kind) {
		this.queue = queue;
		this.kind = kind;
	}

	/** A slot for a new owner, its timers all stopped. */
	public int alloc(T t) {
		int s = -1;
		int words = (slotCount + 63) >>> 6;
		for (int w = freeHint; w < words; w++) {
			long b = freeBits[w];
			if (b != 0) {
				s = (w << 6) + Long.numberOfTrailingZeros(b);
				freeBits[w] = b & (b - 1);
				freeHint = w;
				break;
			}
		}
		if (s < 0) {
			freeHint = words;
			s = slotCount++;
			if (s == owner.length) {
				resize(Math.max(64, s * 2));
			}
		}
		liveSlots++;
		if (s >= owner.length >>> 1) {
			liveTop++;
		}
		owner[s] = t;
		int i = s << 2;
		for (int k = i; k < i + 4; k++) {
			tm[k * TM + TM_AT] = -1;
			tm[k * TM + TM_QUEUED] = -1;
			tm[k * TM + TM_GEN] = 0;
		}
		return s;
	}

	private void resize(int n) {
		owner = Arrays.copyOf(owner, n);
		int live = 0;
		for (int k = n >>> 1; k < n; k++) {
			if (owner[k] != null) {
				live++;
			}
		}
		liveTop = live;
		freeBits = Arrays.copyOf(freeBits, (n + 63) >>> 6);
		tm = Arrays.copyOf(tm, n * 4 * TM);
	}

	/** Gives the slot back: every queue entry of its timers goes stale. */
	public void free(int s) {
		owner[s] = null;
		int i = s << 2;
		for (int k = i; k < i + 4; k++) {
			tm[k * TM + TM_GEN] = 0;
			tm[k * TM + TM_AT] = -1;
			tm[k * TM + TM_QUEUED] = -1;
		}
		freeBits[s >>> 6] |= 1L << (s & 63);
		if ((s >>> 6) < freeHint) {
			freeHint = s >>> 6;
		}
		liveSlots--;
		int cap = owner.length;
		if (s >= cap >>> 1) {
			liveTop--;
		}
		if (liveTop == 0 && cap > 1024 && liveSlots < cap >>> 2) {
			trim();
		}
	}

	/**
	 * Halves the slot arrays while their top half holds no live slot and a quarter of
	 * them is enough.
	 */
	private void trim() {
		while (liveTop == 0 && owner.length > 1024 && liveSlots < owner.length >>> 2) {
			int half = owner.length >>> 1;
			slotCount = Math.min(slotCount, half);
			resize(half);
			if (freeHint > (half >>> 6)) {
				freeHint = half >>> 6;
			}
		}
	}

	/** The owner of slot {@code s}. */
	@SuppressWarnings("unchecked")
	public T owner(int s) {
		return (T) owner[s];
	}

	/** Slots in the arrays (capacity), for tests and benchmarks. */
	public int capacity() {
		return owner.length;
	}

	/** Deadline of {@code timer} of slot {@code s} in µs; −1 when not armed or s < 0. */
	public long at(int s, int timer) {
		return s < 0 ? -1 : tm[((s << 2) + timer) * TM + TM_AT];
	}

	/**
	 * Arms {@code timer} of slot {@code s} to fire {@code afterUs} after {@code now}
	 * (restarting it if armed); returns whether it was armed. Reserves the event's
	 * sequence number now (also for s &lt; 0, a released slot, which arms nothing). If
	 * the deadline is earlier than the timer's queue entry (or it has none), the entry is
	 * made by {@link #flush} when the current event ends.
	 */
	public boolean arm(int s, int timer, long now, long afterUs) {
		long at = now + afterUs;
		long order = queue.reserve();
		if (s < 0) {
			return false;
		}
		int i = (s << 2) + timer;
		long[] tm = this.tm;
		int b = i * TM;
		boolean wasArmed = tm[b + TM_AT] >= 0;
		tm[b + TM_AT] = at;
		tm[b + TM_DELAY] = afterUs;
		tm[b + TM_ORDER] = order;
		long queued = tm[b + TM_QUEUED];
		if (queued < 0 || queued > at) {
			if (armedCount == armedTimers.length) {
				armedTimers = Arrays.copyOf(armedTimers, armedCount * 2);
			}
			armedTimers[armedCount++] = i;
		}
		return wasArmed;
	}

	/** Stops {@code timer} of slot {@code s}: its queue entry, if any, goes stale. */
	public void cancel(int s, int timer) {
		int i = (s << 2) + timer;
		tm[i * TM + TM_AT] = -1;
		if (tm[i * TM + TM_QUEUED] >= 0) {
			tm[i * TM + TM_GEN] = 0;
			tm[i * TM + TM_QUEUED] = -1;
		}
	}

	/**
	 * Queues an entry for timer {@code i} (slot * 4 + timer) at its deadline, with the
	 * sequence number reserved when it was armed; its delay picks the FIFO lane.
	 */
	private void queueTimer(int i) {
		int gen = ++timerGenCounter;
		if (gen == 0) {
			gen = ++timerGenCounter;
		}
		tm[i * TM + TM_GEN] = gen;
		long at = tm[i * TM + TM_AT];
		tm[i * TM + TM_QUEUED] = at;
		long a = ((long) (i >>> 2) << 35) | ((gen & 0xFFFFFFFFL) << 3) | (i & 3);
		queue.scheduleAt(queue.lane(tm[i * TM + TM_DELAY]), at, tm[i * TM + TM_ORDER], kind, null, a);
	}

	/**
	 * Queues the timers armed since the last flush that are still armed and not queued.
	 */
	public void flush() {
		if (armedCount == 0) {
			return;
		}
		for (int k = 0; k < armedCount; k++) {
			int i = armedTimers[k];
			// (a slot freed after its timer was armed may have been trimmed away since)
			long at = i * TM < tm.length ? tm[i * TM + TM_AT] : -1;
			if (at >= 0) {
				long q = tm[i * TM + TM_QUEUED];
				if (q < 0 || q > at) {
					queueTimer(i);
				}
			}
		}
		armedCount = 0;
	}

	/** Timer index (slot * 4 + timer) of a queue entry's argument. */
	private static int timerIndex(long arg) {
		return (int) ((arg >>> 35) << 2) | (int) (arg & 3);
	}

	/** The timer (0..3) of a queue entry's argument. */
	public static int timer(long arg) {
		return (int) (arg & 3);
	}

	/** Whether a queue entry's generation is outdated (or its slot was trimmed away). */
	public boolean stale(long arg) {
		int g = timerIndex(arg) * TM + TM_GEN;
		return g >= tm.length || (int) tm[g] != (int) (arg >>> 3);
	}

	/**
	 * For the timer entry at the queue's head: whether it is due. If not, it is removed:
	 * a stale entry is dropped, and an entry that came up before its timer's moved
	 * deadline is re-queued at the deadline with the sequence number reserved when the
	 * timer was armed — so the order of events is exactly as if every arm had been queued
	 * eagerly.
	 */
	public boolean headDue() {
		long arg = queue.peekArg();
		int i = timerIndex(arg);
		long at = queue.peekTime();
		if (stale(arg) || tm[i * TM + TM_QUEUED] != at) {
			queue.pop();
			return false;
		}
		long deadline = tm[i * TM + TM_AT];
		if (deadline == at && tm[i * TM + TM_ORDER] == queue.peekOrder()) {
			return true;
		}
		queue.pop();
		if (deadline < 0) {
			tm[i * TM + TM_QUEUED] = -1;
		}
		else {
			queueTimer(i);
		}
		return false;
	}

	/**
	 * The entry {@code arg}, popped from the queue, fires: its timer is no longer armed.
	 * Returns the owner; {@link #timer(long)} tells which of its timers.
	 */
	public T fire(long arg) {
		int i = timerIndex(arg);
		tm[i * TM + TM_AT] = -1;
		tm[i * TM + TM_QUEUED] = -1;
		return owner(i >>> 2);
	}

}
