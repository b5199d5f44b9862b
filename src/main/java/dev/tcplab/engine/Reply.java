package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.RST;

/**
 * A segment sent in reply to one that arrived, outside the replier's own send sequence
 * (no TCB variable changes, no timer): the resets of RFC 9293 §3.10.7 and §3.5.2, and
 * TIME-WAIT's ACKs. Built as a value by the rule that decides it (smoltcp's
 * {@code rst_reply}/{@code ack_reply}) and sent back along the arriving segment's tuple
 * by {@link Network#reply}.
 *
 * @param flags the reply's control bits
 * @param seq SEG.SEQ
 * @param ack SEG.ACK (0 without ACK)
 * @param relSeq SEG.SEQ relative to the replier's ISS (trace)
 * @param relAck SEG.ACK relative to the replier's IRS (trace)
 * @param answers id of the segment whose FIN this ACK answers, or −1
 * @param window the window field (0 in a reset)
 */
record Reply(int flags, int seq, int ack, int relSeq, int relAck, long answers, int window) {

	/**
	 * The reset for a segment that reached no connection (§3.10.7.1, §3.10.7.2 second):
	 * "If the incoming segment has an ACK field, the reset takes its sequence number from
	 * the ACK field of the segment, otherwise the reset has sequence number zero and the
	 * ACK field is set to the sum of the sequence number and segment length".
	 */
	static Reply reset(Segment s) {
		return reset(s, s.ack - s.relAck);
	}

	/**
	 * {@link #reset(Segment)} sent by a connection whose ISS is {@code iss} (its relative
	 * sequence numbers count from it): {@code <SEQ=SEG.ACK><CTL=RST>}, or
	 * {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>} to a segment without ACK.
	 */
	static Reply reset(Segment s, int iss) {
		if (s.has(ACK)) {
			return new Reply(RST, s.ack, 0, s.ack - iss, 0, -1, 0);
		}
		int ack = s.seq + s.segLen();
		return new Reply(RST | ACK, 0, ack, 0, ack - (s.seq - s.relSeq), -1, 0);
	}

	/**
	 * {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>} of a connection with ISS {@code iss}
	 * and IRS {@code irs}, answering segment {@code answers} (or −1), with window field
	 * {@code window}.
	 */
	static Reply ack(int sndNxt, int rcvNxt, int iss, int irs, long answers, int window) {
		return new Reply(ACK, sndNxt, rcvNxt, sndNxt - iss, rcvNxt - irs, answers, window);
	}

}
