package dev.tcplab.engine.tcb;

/**
 * The retransmission timeout of one connection (RFC 6298): a round-trip sample is timed
 * by Karn's rule (one segment at a time, never a retransmitted one), samples set the
 * smoothed RTT and its variation, those the RTO, and each expiry doubles it up to the
 * maximum. smoltcp's {@code RttEstimator}; Linux {@code tcp_rtt_estimator},
 * {@code tcp_set_rto} and {@code icsk_backoff}.
 */
public final class RttEstimator {

	/** How a sample sets the RTO. */
	public enum Formula {

		/** RFC 6298 §2: RTO = max(RTO_min, SRTT + max(G, 4·RTTVAR)), G = 1 ms. */
		RFC6298,

		/**
		 * Linux {@code tcp_set_rto}: RTO = SRTT + max(RTO_min, 4·RTTVAR) — the minimum
		 * bounds the variance term, not the sum.
		 */
		LINUX,

		/**
		 * FreeBSD {@code TCPT_RANGESET}: RTO = max(RTO_min, SRTT + 4·RTTVAR + slop).
		 */
		FREEBSD

	}

	/**
	 * What a stack profile gives every connection (one shared instance per simulation).
	 *
	 * @param formula how a sample sets the RTO
	 * @param initialUs RTO before the first sample (RFC 6298 §2.1)
	 * @param minUs lower bound of the RTO
	 * @param maxUs upper bound, also of the backed-off RTO
	 * @param slopUs FreeBSD's {@code tcp_rexmit_slop} (only with {@link Formula#FREEBSD})
	 */
	public record Profile(Formula formula, long initialUs, long minUs, long maxUs, long slopUs) {
	}

	/** RFC 6298 §2's clock granularity G (1 ms). */
	private static final long GRANULARITY_US = 1000;

	private final Profile p;

	private long srttUs = -1;

	private long rttvarUs;

	private long rtoUs;

	private int backoff;

	/** A segment is being timed (Karn): its end sequence number and when it left. */
	private boolean timing;

	private int timedSeq;

	private long timedAtUs;

	public RttEstimator(Profile p) {
		this.p = p;
		this.rtoUs = p.initialUs();
	}

	/** Whether a sample came in yet (SRTT is defined). */
	public boolean hasSample() {
		return srttUs >= 0;
	}

	/** SRTT in µs, −1 before the first sample. */
	public long srttUs() {
		return srttUs;
	}

	/** The RTO without backoff, in µs. */
	public long baseRtoUs() {
		return rtoUs;
	}

	/**
	 * The RTO to arm now: doubled per expiry since the last new ACK, at most the maximum.
	 */
	public long rtoUs() {
		return Math.min(rtoUs << Math.min(backoff, 30), p.maxUs());
	}

	/** Expiries since the last new ACK. */
	public int backoff() {
		return backoff;
	}

	/** The retransmission timer expired (RFC 6298 §5.5: back off the timer). */
	public void backOff() {
		backoff++;
		// Karn: an RTT sample of a retransmitted segment would be ambiguous
		timing = false;
	}

	/**
	 * A segment was resent without backing off (a tail loss probe): no RTT sample of it.
	 */
	public void stopTiming() {
		timing = false;
	}

	/**
	 * A new segment ending at {@code endSeq} left at {@code nowUs}: it is timed unless
	 * another one is.
	 */
	public void sent(int endSeq, long nowUs) {
		if (!timing) {
			timing = true;
			timedSeq = endSeq;
			timedAtUs = nowUs;
		}
	}

	/**
	 * SND.UNA advanced to {@code ack} at {@code nowUs}: the timed segment, if it is now
	 * acknowledged, gives a sample, and the backoff ends (RFC 6298 §5.7 keeps it until a
	 * new ACK).
	 */
	public void acked(int ack, long nowUs) {
		if (timing && Seq.ge(ack, timedSeq)) {
			timing = false;
			sample(nowUs - timedAtUs);
		}
		backoff = 0;
	}

	/** RFC 6298 §2.2–2.5 with the profile's formula. */
	void sample(long r) {
		if (srttUs < 0) {
			srttUs = r;
			rttvarUs = r / 2;
		}
		else {
			rttvarUs = (3 * rttvarUs + Math.abs(srttUs - r)) / 4;
			srttUs = (7 * srttUs + r) / 8;
		}
		long rto = switch (p.formula()) {
			case LINUX -> srttUs + Math.max(p.minUs(), 4 * rttvarUs);
			case FREEBSD -> Math.max(p.minUs(), srttUs + 4 * rttvarUs + p.slopUs());
			case RFC6298 -> Math.max(p.minUs(), srttUs + Math.max(GRANULARITY_US, 4 * rttvarUs));
		};
		rtoUs = Math.min(rto, p.maxUs());
	}

}
