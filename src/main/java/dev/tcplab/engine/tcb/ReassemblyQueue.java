package dev.tcplab.engine.tcb;

import java.util.Arrays;

/**
 * Out-of-order data held for later (RFC 9293 §3.10.7.4 seventh: segments beyond RCV.NXT
 * "SHOULD be held for later processing"; Linux {@code tcp_data_queue_ofo} and
 * {@code tcp_ofo_queue}, BSD {@code tcp_reass}, smoltcp's {@code Assembler}): sorted,
 * disjoint [start, end) ranges of sequence space above RCV.NXT (payload content is not
 * modelled), and a FIN that came after a gap.
 */
public final class ReassemblyQueue {

	/** Most ranges held at once; a segment beyond that is dropped. */
	public static final int MAX_RANGES = 64;

	private int[] start = new int[4];

	private int[] end = new int[4];

	private int count;

	/**
	 * When each range last grew (a counter): SACK blocks go newest first (RFC 2018 §4).
	 */
	private long[] stamp = new long[4];

	private long clock;

	private long finStamp;

	/** A FIN that arrived after a gap, and its sequence number. */
	private boolean fin;

	private int finSeq;

	/** Whether no data is held. */
	public boolean isEmpty() {
		return count == 0;
	}

	/** Adds [from, to) to the held ranges, merged; false when there is no room. */
	public boolean add(int from, int to) {
		int i = 0;
		while (i < count && Seq.lt(start[i], from)) {
			i++;
		}
		if (count == start.length) {
			if (count == MAX_RANGES) {
				return false;
			}
			start = Arrays.copyOf(start, count * 2);
			end = Arrays.copyOf(end, count * 2);
			stamp = Arrays.copyOf(stamp, count * 2);
		}
		System.arraycopy(start, i, start, i + 1, count - i);
		System.arraycopy(end, i, end, i + 1, count - i);
		System.arraycopy(stamp, i, stamp, i + 1, count - i);
		start[i] = from;
		end[i] = to;
		stamp[i] = ++clock;
		count++;
		// merge overlapping or touching neighbours
		int w = 0;
		for (int r = 1; r < count; r++) {
			if (Seq.le(start[r], end[w])) {
				if (Seq.gt(end[r], end[w])) {
					end[w] = end[r];
				}
				stamp[w] = Math.max(stamp[w], stamp[r]);
			}
			else {
				w++;
				start[w] = start[r];
				end[w] = end[r];
				stamp[w] = stamp[r];
			}
		}
		count = w + 1;
		return true;
	}

	/**
	 * Takes the held data that {@code rcvNxt} has reached (Linux {@code tcp_ofo_queue})
	 * and returns RCV.NXT after it.
	 */
	public int advance(int rcvNxt) {
		int drop = 0;
		while (drop < count && Seq.le(start[drop], rcvNxt)) {
			if (Seq.gt(end[drop], rcvNxt)) {
				rcvNxt = end[drop];
			}
			drop++;
		}
		if (drop > 0) {
			System.arraycopy(start, drop, start, 0, count - drop);
			System.arraycopy(end, drop, end, 0, count - drop);
			System.arraycopy(stamp, drop, stamp, 0, count - drop);
			count -= drop;
		}
		return rcvNxt;
	}

	/**
	 * Remembers a FIN at {@code seq} after a gap: Linux keeps it in its out-of-order
	 * queue, so once the gap is filled one ACK covers data and FIN
	 * ({@code tcp_ofo_queue}; packetdrill fin-after-gap-dup-ack.pkt).
	 */
	public void holdFin(int seq) {
		if (!fin || finSeq != seq) {
			finStamp = ++clock;
		}
		fin = true;
		finSeq = seq;
	}

	/** Whether a remembered FIN sits exactly at {@code rcvNxt}. */
	public boolean finAt(int rcvNxt) {
		return fin && finSeq == rcvNxt;
	}

	/** The FIN was taken. */
	public void finTaken() {
		fin = false;
	}

	/**
	 * The SACK blocks that describe what is held (RFC 2018 §4; Linux
	 * {@code tcp_sack_new_ofo_skb}): each range, a held FIN counted as one more byte of
	 * sequence space (with the range it ends, or alone), the block that grew last first;
	 * at most {@code max} blocks, as [left, right) pairs; null when nothing is held.
	 */
	public int[] sackBlocks(int max) {
		int n = count;
		boolean finAlone = fin;
		int[] l = new int[n + 1];
		int[] r = new int[n + 1];
		long[] at = new long[n + 1];
		for (int i = 0; i < n; i++) {
			l[i] = start[i];
			r[i] = end[i];
			at[i] = stamp[i];
			if (fin && finSeq == end[i]) {
				r[i] = finSeq + 1;
				at[i] = Math.max(at[i], finStamp);
				finAlone = false;
			}
		}
		if (finAlone) {
			l[n] = finSeq;
			r[n] = finSeq + 1;
			at[n] = finStamp;
			n++;
		}
		if (n == 0) {
			return null;
		}
		int k = Math.min(n, max);
		int[] out = new int[2 * k];
		boolean[] used = new boolean[n];
		for (int b = 0; b < k; b++) {
			int best = -1;
			for (int i = 0; i < n; i++) {
				if (!used[i] && (best < 0 || at[i] > at[best])) {
					best = i;
				}
			}
			used[best] = true;
			out[2 * b] = l[best];
			out[2 * b + 1] = r[best];
		}
		return out;
	}

}
