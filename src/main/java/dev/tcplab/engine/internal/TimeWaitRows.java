package dev.tcplab.engine.internal;

import java.util.Arrays;

/**
 * Every TIME_WAIT connection as a row of primitive columns — what Linux's 168-byte
 * {@code tcp_timewait_sock} is to its full socket, but without even an object: a busy
 * server's hundreds of thousands of TIME_WAITs cost the garbage collector nothing.
 * <p>
 * A row is made when a connection enters TIME_WAIT and holds what the state needs: the
 * 4-tuple key, SND.NXT, RCV.NXT, ISS, IRS, the 2MSL deadline and the generation of its
 * expiry entry in the event queue. While its socket or pair can still be looked at, the
 * connection also has a record object of the client's type {@code R} ({@link #obj}),
 * which is the endpoint in the connection table. Once the pair is forgotten (load runs),
 * the object is dropped and the row alone remains, found through {@link #find}; a segment
 * that reaches it (a retransmitted FIN, a new SYN, tw_reuse) brings the object back (the
 * client promotes it). Rows are reused last-in first-out; generations only grow, so a
 * queue entry never matches a later user of its row.
 */
public final class TimeWaitRows<R> {

	public static final int CLIENT_SIDE = 1;

	public static final int REUSE_ADDR = 2;

	/** Its expiry completes a lifecycle (the pair was forgotten before it finished). */
	public static final int COMPLETES = 4;

	/** Started by a load run. */
	public static final int LOAD = 8;

	/**
	 * The receive window's shift count (RFC 7323) is kept in the flags' top four bits.
	 */
	private static final int SHIFT_BITS = 4;

	/** The receive window's shift count in a row's {@link #flags}. */
	public static int rcvShift(int flags) {
		return (flags & 0xFF) >>> SHIFT_BITS;
	}

	private long[] key = new long[0];

	private long[] expiresUs = new long[0];

	private int[] sndNxt = new int[0];

	private int[] rcvNxt = new int[0];

	private int[] iss = new int[0];

	private int[] irs = new int[0];

	/** TS.Recent (RFC 7323), and when it was stored in µs, −1 without timestamps. */
	private int[] tsRecent = new int[0];

	private long[] tsStampUs = new long[0];

	private int[] gen = new int[0];

	private int[] pairNo = new int[0];

	private byte[] flags = new byte[0];

	/** The record object while there is one, else null (a detached row). */
	private Object[] obj = new Object[0];

	public long key(int row) {
		return key[row];
	}

	public int sndNxt(int row) {
		return sndNxt[row];
	}

	public int rcvNxt(int row) {
		return rcvNxt[row];
	}

	public int iss(int row) {
		return iss[row];
	}

	public int irs(int row) {
		return irs[row];
	}

	/** TS.Recent of the row (RFC 7323 §4.3). */
	public int tsRecent(int row) {
		return tsRecent[row];
	}

	/** When TS.Recent was stored (µs), or −1 when the connection used no timestamps. */
	public long tsStampUs(int row) {
		return tsStampUs[row];
	}

	/** Number of the forgotten pair of a detached row (0 = none). */
	public int pairNo(int row) {
		return pairNo[row];
	}

	/**
	 * {@link #CLIENT_SIDE}, {@link #REUSE_ADDR}, {@link #COMPLETES}, {@link #LOAD}, and
	 * the {@link #rcvShift}.
	 */
	public int flags(int row) {
		return flags[row] & 0xFF;
	}

	/** When the row's expiry is due (µs). */
	public long expiresUs(int row) {
		return expiresUs[row];
	}

	/**
	 * (Re)arms the row's expiry at {@code at}: entries queued before go stale. Returns
	 * the argument of the new queue entry ({@link #expiryRow}, {@link #expiryCurrent}).
	 */
	public long armExpiry(int row, long at) {
		int g = ++gen[row];
		expiresUs[row] = at;
		return ((long) row << 32) | (g & 0xFFFFFFFFL);
	}

	/** Stops the row's expiry: its queued entry goes stale. */
	public void cancelExpiry(int row) {
		gen[row]++;
	}

	/** The row of an expiry entry's argument. */
	public static int expiryRow(long arg) {
		return (int) (arg >>> 32);
	}

	/** Whether an expiry entry is the row's current one (not cancelled or re-armed). */
	public boolean expiryCurrent(long arg) {
		return gen[expiryRow(arg)] == (int) arg;
	}

	/**
	 * The record object was dropped: the row keeps the forgotten pair's number and the
	 * {@code extraFlags} ({@link #COMPLETES}, {@link #LOAD}) itself.
	 */
	public void dropObj(int row, int pairNo, int extraFlags) {
		this.pairNo[row] = pairNo;
		flags[row] |= (byte) extraFlags;
		obj[row] = null;
	}

	/** The record object of {@code row}, or null (a detached row). */
	@SuppressWarnings("unchecked")
	public R obj(int row) {
		return (R) obj[row];
	}

	/** Sets or (null) drops the record object of {@code row}. */
	public void setObj(int row, R r) {
		obj[row] = r;
	}

	/** Rows that have a record object, for tests. */
	public int withObject() {
		int n = 0;
		for (Object o : obj) {
			if (o != null) {
				n++;
			}
		}
		return n;
	}

	/**
	 * The detached rows (those without an object), found by their tuple: per client host
	 * and side, pages of 1,024 consecutive ports (the ephemeral port of the tuple: local
	 * on the client side, remote on the server side) hold the first row of each port, and
	 * {@link #next} chains rows that share it (other server ports). Ephemeral ports are
	 * handed out in sequence and TIME_WAITs expire in the order they began, so adding,
	 * finding and removing rows walk the pages nearly sequentially, where a hash table of
	 * 600,000 keys would miss the cache on every access.
	 */
	private int[][][] pages = new int[0][][];

	/** Next detached row with the same host, client and ephemeral port, −1 = none. */
	private int[] next = new int[0];

	/** Detached rows per side (0 = client, 1 = server; bit 32 of the key). */
	private final int[] detached = new int[2];

	private static int dirIndex(long key) {
		return (int) (key >>> 32); // client << 1 | host
	}

	private static int ephemeralPort(long key) {
		return ((key >>> 32) & 1) == 0 ? (int) (key >>> 16) & 0xFFFF : (int) key & 0xFFFF;
	}

	/** Whether {@code key} may have a detached row (its side has any). */
	public boolean mayHold(long key) {
		return detached[(int) (key >>> 32) & 1] > 0;
	}

	/** Detached rows in all. */
	public int detachedCount() {
		return detached[0] + detached[1];
	}

	/** The detached row of {@code key}, or −1. */
	public int find(long key) {
		int d = dirIndex(key);
		if (d >= pages.length || pages[d] == null) {
			return -1;
		}
		int port = ephemeralPort(key);
		int[] page = pages[d][port >>> 10];
		if (page == null) {
			return -1;
		}
		int r = page[port & 1023] - 1;
		while (r >= 0 && this.key[r] != key) {
			r = next[r];
		}
		return r;
	}

	public void indexPut(long k, int row) {
		int d = dirIndex(k);
		if (d >= pages.length) {
			pages = Arrays.copyOf(pages, Math.max(d + 1, pages.length * 2));
		}
		if (pages[d] == null) {
			pages[d] = new int[64][];
		}
		int port = ephemeralPort(k);
		int[] page = pages[d][port >>> 10];
		if (page == null) {
			page = new int[1024];
			pages[d][port >>> 10] = page;
		}
		next[row] = page[port & 1023] - 1;
		page[port & 1023] = row + 1;
		detached[(int) (k >>> 32) & 1]++;
	}

	public void indexRemove(long k) {
		int d = dirIndex(k);
		if (d >= pages.length || pages[d] == null) {
			return;
		}
		int port = ephemeralPort(k);
		int[] page = pages[d][port >>> 10];
		if (page == null) {
			return;
		}
		int prev = -1;
		int r = page[port & 1023] - 1;
		while (r >= 0 && key[r] != k) {
			prev = r;
			r = next[r];
		}
		if (r < 0) {
			return;
		}
		if (prev < 0) {
			page[port & 1023] = next[r] + 1;
		}
		else {
			next[prev] = next[r];
		}
		detached[(int) (k >>> 32) & 1]--;
	}

	private int[] free = new int[0];

	private int freeCount;

	private int used;

	/** Makes room for {@code n} rows ahead of a load that will need them. */
	public void ensureCapacity(int n) {
		if (n > key.length) {
			resize(n);
		}
	}

	public int alloc(R r, long k, boolean clientSide, int sndNxt, int rcvNxt, int iss, int irs, boolean reuseAddr,
			int rcvShift, int tsRecent, long tsStampUs) {
		int row;
		if (freeCount > 0) {
			row = free[--freeCount];
		}
		else {
			row = used++;
			if (row == key.length) {
				resize(Math.max(64, row * 2));
			}
		}
		key[row] = k;
		this.sndNxt[row] = sndNxt;
		this.rcvNxt[row] = rcvNxt;
		this.iss[row] = iss;
		this.irs[row] = irs;
		this.tsRecent[row] = tsRecent;
		this.tsStampUs[row] = tsStampUs;
		pairNo[row] = 0;
		flags[row] = (byte) ((clientSide ? CLIENT_SIDE : 0) | (reuseAddr ? REUSE_ADDR : 0) | rcvShift << SHIFT_BITS);
		obj[row] = r;
		return row;
	}

	private void resize(int n) {
		key = Arrays.copyOf(key, n);
		expiresUs = Arrays.copyOf(expiresUs, n);
		sndNxt = Arrays.copyOf(sndNxt, n);
		rcvNxt = Arrays.copyOf(rcvNxt, n);
		iss = Arrays.copyOf(iss, n);
		irs = Arrays.copyOf(irs, n);
		tsRecent = Arrays.copyOf(tsRecent, n);
		tsStampUs = Arrays.copyOf(tsStampUs, n);
		gen = Arrays.copyOf(gen, n);
		pairNo = Arrays.copyOf(pairNo, n);
		flags = Arrays.copyOf(flags, n);
		obj = Arrays.copyOf(obj, n);
		free = Arrays.copyOf(free, n);
		next = Arrays.copyOf(next, n);
	}

	/** The row's TIME_WAIT is over: outstanding expiry entries go stale. */
	public void release(int row) {
		obj[row] = null;
		gen[row]++;
		free[freeCount++] = row;
	}

	/** Rows in use (with or without an object). */
	public int size() {
		return used - freeCount;
	}

}
