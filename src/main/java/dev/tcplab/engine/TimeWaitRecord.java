package dev.tcplab.engine;

/**
 * The compact form of a connection in TIME_WAIT, like Linux's 168-byte
 * {@code inet_timewait_sock}: the packed tuple, the two sequence numbers needed to ACK a
 * retransmitted FIN (RFC 9293 §3.10.7.4) and the ISNs for relative numbers and view. It
 * replaces the full {@link Tcb} in the connection table when the connection enters
 * TIME_WAIT. Its deadline and expiry generation live in its {@link TimeWaitRows} row,
 * which alone remains once nothing can look at the connection any more. Processing lives
 * in {@link TimeWait#arrives(TimeWaitRecord, Segment)}.
 */
final class TimeWaitRecord extends Endpoint {

	/**
	 * Connection-table key: client host number, host, local port, remote port
	 * ({@link Engine#key(int, int, int, int)}).
	 */
	final long key;

	final int sndNxt;

	final int rcvNxt;

	final int iss;

	final int irs;

	final boolean reuseAddr;

	final boolean clientSide;

	/** The receive window's shift count (RFC 7323), 0 without window scaling. */
	final int rcvShift;

	/**
	 * TS.Recent (RFC 7323 §4.3) and when it was stored (µs); −1 when the connection used
	 * no timestamps (Linux tw_ts_recent, tw_ts_recent_stamp).
	 */
	int tsRecent;

	long tsStampUs = -1;

	/** The connection negotiated timestamps. */
	boolean tsOk() {
		return tsStampUs >= 0;
	}

	/**
	 * Time of its last rate-limited ACK in µs, or −1 (RFC 5961 §7; not kept in a detached
	 * row).
	 */
	long lastOowAckUs = -1;

	/** Its row in {@link TimeWaitRows} (generation, deadline, detached state). */
	int row;

	/**
	 * The socket handle whose application has not closed yet (it mirrors this record's
	 * state), or null.
	 */
	Endpoint owner;

	/** Number of the forgotten pair (0 while {@link #pair} is set). */
	private int pairNo;

	/**
	 * {@link #pairNo} boxed (the forgotten pair's own box; trace events carry it), or
	 * null.
	 */
	private Integer boxedPairNo;

	/**
	 * After the pair was forgotten: this record's expiry completes the pair's lifecycle.
	 */
	boolean completesLifecycle;

	boolean loadPair;

	/**
	 * Drops the reference to a forgotten pair, keeping only its number (saves ~70 bytes
	 * per TIME_WAIT).
	 */
	void detach(int pairId, Integer boxedPairId, boolean completes, boolean load) {
		this.pairNo = pairId;
		this.boxedPairNo = pairId == 0 ? null : boxedPairId;
		this.completesLifecycle = completes;
		this.loadPair = load;
		this.pair = null;
	}

	@Override
	int pairNo() {
		return pair != null ? pair.id : pairNo;
	}

	@Override
	Integer pairId() {
		return pair != null ? pair.boxedId() : boxedPairNo;
	}

	TimeWaitRecord(long key, boolean clientSide, int sndNxt, int rcvNxt, int iss, int irs, boolean reuseAddr,
			int rcvShift) {
		this.rcvShift = rcvShift;
		this.key = key;
		this.clientSide = clientSide;
		this.sndNxt = sndNxt;
		this.rcvNxt = rcvNxt;
		this.iss = iss;
		this.irs = irs;
		this.reuseAddr = reuseAddr;
	}

	/** The window field of this record's ACKs: the whole window, scaled (RFC 7323). */
	int window(StackConstants c) {
		return c.windowBytes() >> rcvShift;
	}

	int host() {
		return (int) (key >>> 32) & 1;
	}

	/**
	 * Number of the client host of this connection (0 = {@code config.clientAddress}).
	 */
	int client() {
		return (int) (key >>> 33);
	}

	int localPort() {
		return (int) (key >>> 16) & 0xFFFF;
	}

	int remotePort() {
		return (int) key & 0xFFFF;
	}

	@Override
	String role() {
		return clientSide ? "client" : "server";
	}

}
