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
		}
		System.arraycopy(start, i, start, i + 1, count - i);
		System.arraycopy(end, i, end, i + 1, count - i);
		start[i] = from;
		end[i] = to;
		count++;
		// merge overlapping or touching neighbours
		int w = 0;
		for (int r = 1; r < count; r++) {
			if (Seq.le(start[r], end[w])) {
				if (Seq.gt(end[r], end[w])) {
					end[w] = end[r];
				}
			}
			else {
				w++;
				start[w] = start[r];
				end[w] = end[r];
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

}
