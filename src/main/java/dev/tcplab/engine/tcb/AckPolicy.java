package dev.tcplab.engine.tcb;

/**
 * When a receiver acknowledges (RFC 1122 §4.2.3.2, RFC 9293 §3.8.6.3): the TCB tells this
 * policy what arrived, what it sent and what the application read; the policy answers
 * whether the owed ACK goes now or after a delay. Two models:
 * <ul>
 * <li>RFC 1122: an ACK for at least every second full segment, otherwise within the
 * delayed-ACK timeout;</li>
 * <li>Linux 6.18 ({@code icsk_ack} of {@code inet_connection_sock}; {@code tcp_input.c}
 * {@code tcp_event_data_recv}, {@code __tcp_ack_snd_check}, {@code tcp_cleanup_rbuf}):
 * quick ACKs on a fresh connection, interactive ("pingpong") mode once the application
 * answers or the peer's FIN came, the full-segment rule and the ACK at read.</li>
 * </ul>
 */
public final class AckPolicy {

	/**
	 * What a stack profile gives every connection (one shared instance per simulation).
	 *
	 * @param linux Linux's model; false = RFC 1122's
	 * @param delayedAckUs the delayed-ACK timeout
	 * @param mss the largest segment the peer sends (bounds the receive-MSS estimate)
	 * @param windowBytes the receive window (quick ACKs granted: window / 2 MSS)
	 */
	public record Profile(boolean linux, long delayedAckUs, int mss, int windowBytes) {
	}

	/** {@link #received}: send the ACK now. */
	public static final long NOW = 0;

	/** Linux TCP_MAX_QUICKACKS: the most quick ACKs one (re)entry grants. */
	static final int MAX_QUICK_ACKS = 16;

	/** Linux TCP_MSS_DEFAULT: the receive-MSS estimate before a larger segment came. */
	static final int RCV_MSS_DEFAULT = 536;

	/**
	 * Linux TCP_MIN_MSS (not {@code StackConstants.MIN_MSS}, the lab's floor on the
	 * configured MSS).
	 */
	static final int TCP_MIN_MSS = 88;

	private final Profile p;

	/**
	 * Segments with new data since the last ACK (RFC 1122's every-second-segment rule).
	 */
	private int unackedSegments;

	/**
	 * {@code ICSK_ACK_NOW}: the data just taken filled a gap, so its ACK must not wait
	 * (RFC 5681 §4.2).
	 */
	private boolean ackNow;

	/**
	 * {@code icsk_ack.ato} in µs: 0 until the first payload arrives (an ACK owed before
	 * then goes out at once), then the delayed-ACK timeout.
	 */
	private long ackTimeoutUs;

	/** {@code icsk_ack.quick}: ACKs left to send at once (tcp_in_quickack_mode). */
	private int quickAcksLeft;

	/**
	 * Interactive ("pingpong") mode: the application answered within the ACK timeout of
	 * the last data, or the peer's FIN arrived; ACKs wait to ride on a reply.
	 */
	private boolean pingpong;

	/** {@code icsk_ack.lrcvtime}: when payload last arrived, in µs. */
	private long lastDataUs;

	/** {@code icsk_ack.rcv_mss}: estimate of the peer's segment size. */
	private int rcvMssEstimate;

	/** {@code rcv_wup}: RCV.NXT when the last ACK (window update) was sent. */
	private int rcvWup;

	/** {@code inet_csk_schedule_ack}: received data or FIN is owed an ACK. */
	private boolean ackOwed;

	/** {@code ICSK_ACK_PUSHED}/{@code ICSK_ACK_PUSHED2} of the owed ACK. */
	private boolean ackPushed, ackPushed2;

	/** {@code icsk_ack.last_seg_size}. */
	private int lastSegSize;

	/**
	 * Linux's receive buffer in window units is twice the largest window
	 * ({@code tcp_rmem} default 131072 against 65535), and an unread segment of up to one
	 * MSS holds {@value #SEGMENT_TRUESIZE} bytes of it ({@code skb->truesize}); the share
	 * of the buffer a window may use follows the last full segment's
	 * {@code len / truesize} ({@code tcp_sk(sk)->scaling_ratio}, in 1/256, default 128).
	 */
	static final int SEGMENT_TRUESIZE = 2336;

	private int scalingRatio = 128;

	/**
	 * {@code tp->rcv_wnd}: the window Linux advertised with the last ACK (it never moves
	 * the right edge back: {@code tcp_select_window}); set by the first ACK.
	 */
	private int advertised = -1;

	public AckPolicy(Profile p) {
		this.p = p;
	}

	/**
	 * A segment brought new data in sequence (counts for RFC 1122's second-segment rule).
	 */
	public void dataAccepted() {
		unackedSegments++;
	}

	/**
	 * The data just taken filled a gap (Linux {@code tcp_data_queue}: ICSK_ACK_NOW when
	 * the out-of-order queue was not empty): the ACK goes at once.
	 */
	public void gapFilled() {
		ackNow = true;
	}

	/**
	 * Data ({@code len} bytes, 0 for a bare FIN) or a FIN was taken and is owed an ACK.
	 * Linux ({@code tcp_event_data_recv} then {@code __tcp_ack_snd_check}, checked with
	 * packetdrill on the kernel: docs/tcp-facts.md "ACK timing"):
	 * <ul>
	 * <li>the first payload grants up to 16 quick ACKs ({@code tcp_incr_quickack}: window
	 * / (2 × receive MSS), at least 2), and so does payload after a silence longer than
	 * the RTO;</li>
	 * <li>the ACK goes at once while quick ACKs are left and the connection is not
	 * interactive ({@code tcp_in_quickack_mode}), or when more than one full segment is
	 * unacknowledged;</li>
	 * <li>otherwise the delayed-ACK timer runs ({@code tcp_send_delayed_ack}); before any
	 * payload its timeout is 0, so the ACK of a bare FIN on a fresh connection leaves at
	 * once.</li>
	 * </ul>
	 * The full-segment rule also asks that the window Linux would advertise now
	 * ({@code __tcp_select_window}) is not below the one it advertised last: it holds for
	 * one unread full segment (the buffer is twice the window, and a segment of at least
	 * half its truesize, 1168 of 1460 bytes, raises the share a window may use) but not
	 * for shorter ones, nor once enough data stays unread (packetdrill
	 * fin-on-full-segment-acked-at-once.pkt, fin-with-data-delayed-ack.pkt,
	 * quick-ack-sixteen-then-delayed.pkt). Not modelled: the adaptive ATO (it stays at
	 * the delayed-ACK timeout, which Linux's bounds keep it at when the RTT is under 40
	 * ms).
	 * @param rtoUs the connection's current RTO (a longer silence grants quick ACKs)
	 * @param rcvNxt RCV.NXT after the segment
	 * @param recvBuffered the bytes received and not read yet, the segment's included
	 * @return {@link #NOW}, or the delayed-ACK timeout to arm (unless it runs already)
	 */
	public long received(int len, boolean psh, long nowUs, long rtoUs, int rcvNxt, int recvBuffered) {
		boolean now = ackNow;
		ackNow = false;
		if (!p.linux()) {
			return now || p.delayedAckUs() == 0 || unackedSegments >= 2 ? NOW : p.delayedAckUs();
		}
		ackOwed = true;
		if (len > 0) {
			measureRcvMss(len, psh);
			if (ackTimeoutUs == 0) {
				grantQuickAcks();
				ackTimeoutUs = p.delayedAckUs();
			}
			else if (nowUs - lastDataUs > rtoUs) {
				grantQuickAcks();
			}
			lastDataUs = nowUs;
		}
		boolean quickMode = quickAcksLeft > 0 && !pingpong;
		// "more than one full frame received ... and right edge of window advances far
		// enough": here the window has not shrunk since the last ACK
		boolean fullFrames = rcvNxt - rcvWup > rcvMss() && selectWindow(recvBuffered) >= advertised;
		return now || quickMode || fullFrames || ackTimeoutUs == 0 ? NOW : ackTimeoutUs;
	}

	/**
	 * Data after a gap was queued (Linux {@code tcp_data_queue_ofo}): the duplicate ACK
	 * the TCB sends at once settles an owed ACK.
	 */
	public void outOfOrderQueued() {
		if (p.linux()) {
			ackOwed = true;
		}
	}

	/**
	 * Linux {@code tcp_measure_rcv_mss}: a segment at least the estimate raises it; a
	 * smaller one marks the pending ACK "pushed" (twice: "pushed2"), unless it is one of
	 * a run of equal full-looking segments without PSH, which sets the estimate.
	 */
	private void measureRcvMss(int len, boolean psh) {
		if (len >= rcvMss()) {
			if (len != rcvMss()) {
				scalingRatio = Math.max(1, len * 256 / SEGMENT_TRUESIZE);
			}
			rcvMssEstimate = Math.min(len, p.mss());
			if (psh) {
				ackPushed = true;
			}
			return;
		}
		if (len >= RCV_MSS_DEFAULT || (len >= TCP_MIN_MSS && !psh)) {
			int previous = lastSegSize;
			lastSegSize = len;
			if (len == previous) {
				rcvMssEstimate = len;
				return;
			}
		}
		if (ackPushed) {
			ackPushed2 = true;
		}
		ackPushed = true;
	}

	/**
	 * Linux {@code tcp_cleanup_rbuf} after a read: an owed ACK goes now when more than
	 * one full segment is unacknowledged, or when the read emptied the buffer after a
	 * pushed segment (two, in interactive mode).
	 * @param rcvNxt RCV.NXT
	 * @param recvBuffered bytes still unread after the read
	 */
	public boolean ackAfterRead(int rcvNxt, int recvBuffered) {
		return p.linux() && ackOwed
				&& (rcvNxt - rcvWup > rcvMss() || (recvBuffered == 0 && (ackPushed2 || (ackPushed && !pingpong))));
	}

	/**
	 * The window Linux would advertise now ({@code __tcp_select_window}, its rounding to
	 * the MSS left out): the buffer's share for windows less what is unread, at most the
	 * largest window.
	 */
	private int selectWindow(int recvBuffered) {
		long space = 2L * p.windowBytes() * scalingRatio / 256 - recvBuffered;
		return (int) Math.max(0, Math.min(p.windowBytes(), space));
	}

	private int rcvMss() {
		return rcvMssEstimate > 0 ? rcvMssEstimate : Math.min(RCV_MSS_DEFAULT, p.mss());
	}

	/** Linux {@code tcp_incr_quickack}. */
	private void grantQuickAcks() {
		int quick = p.windowBytes() / (2 * rcvMss());
		quick = Math.min(quick == 0 ? 2 : quick, MAX_QUICK_ACKS);
		quickAcksLeft = Math.max(quickAcksLeft, quick);
	}

	/**
	 * Linux {@code tcp_enter_quickack_mode}: a retransmission or out-of-window data asks
	 * for immediate ACKs again and ends interactive mode.
	 */
	public void enterQuickAckMode() {
		if (p.linux()) {
			grantQuickAcks();
			pingpong = false;
			ackTimeoutUs = p.delayedAckUs();
		}
	}

	/**
	 * A segment carrying an ACK left (Linux {@code tcp_event_ack_sent},
	 * {@code tcp_dec_quickack_mode}): nothing is owed any more.
	 * @param rcvNxt the acknowledged RCV.NXT
	 * @param recvBuffered the bytes received and not read yet
	 */
	public void ackSent(int rcvNxt, int recvBuffered) {
		unackedSegments = 0;
		ackNow = false;
		if (advertised < 0) {
			// the first window: the largest a whole number of segments fills
			// (tcp_select_initial_window; 64240 for 65535 and an MSS of 1460)
			int w = p.windowBytes();
			advertised = w >= p.mss() ? w - w % p.mss() : w;
		}
		else {
			advertised = Math.max(selectWindow(recvBuffered), advertised - (rcvNxt - rcvWup));
		}
		rcvWup = rcvNxt;
		ackPushed = false;
		ackPushed2 = false;
		if (ackOwed && quickAcksLeft > 0) {
			quickAcksLeft--;
		}
		ackOwed = false;
	}

	/**
	 * Linux {@code tcp_event_data_sent}: data sent within the ACK timeout of the last
	 * data received is a reply, and the connection becomes interactive (pingpong,
	 * TCP_PINGPONG_THRESH 1).
	 */
	public void dataSent(long nowUs) {
		if (p.linux() && ackTimeoutUs > 0 && nowUs - lastDataUs < ackTimeoutUs) {
			pingpong = true;
		}
	}

	/**
	 * Linux {@code tcp_fin}: the peer's FIN in ESTABLISHED enters interactive mode, so
	 * the ACK of the FIN waits for the application's own FIN unless no data ever came.
	 */
	public void finReceived() {
		if (p.linux()) {
			pingpong = true;
		}
	}

	/**
	 * Linux {@code tcp_delack_timer_handler}: a delayed ACK that had to fire ends
	 * interactive mode.
	 */
	public void delayedAckFired() {
		pingpong = false;
	}

}
