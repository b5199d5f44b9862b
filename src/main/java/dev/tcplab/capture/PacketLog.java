package dev.tcplab.capture;

import java.util.Arrays;

/**
 * The packets of one connection kept for the inference, as primitive columns (about 40
 * bytes a packet). Direction 0 is client → server, 1 is server → client. Past
 * {@code detailLimit} packets, a plain data or ACK segment is only counted; every segment
 * that can change a state or a diagnosis is still kept (SYN, FIN, RST, a zero or
 * reopening window, segments sent into a zero window, the first ACKs of a FIN or SYN, the
 * first data after the peer's FIN). The same rule folds the same packets on import and
 * when the trace is read again, so both infer the same events.
 */
final class PacketLog {

	/** Peer sent data since this side last sent data (a close now leaves it unread). */
	static final int MARK_PEER_DATA = 1;

	/** The peer's last advertised window was zero when this segment was sent. */
	static final int MARK_PEER_WINDOW_ZERO = 2;

	/** This side sent data after the peer's FIN (half-close). */
	static final int MARK_DATA_AFTER_PEER_FIN = 4;

	final int detailLimit;

	int n;

	long[] number = new long[8];

	long[] timeNs = new long[8];

	byte[] dir = new byte[8];

	byte[] flags = new byte[8];

	int[] seq = new int[8];

	int[] ack = new int[8];

	int[] len = new int[8];

	int[] win = new int[8];

	byte[] marks = new byte[8];

	/** Per direction: packets and payload bytes seen (folded ones included). */
	final long[] packets = new long[2], bytes = new long[2];

	long folded;

	/** Window scale from each side's SYN (-1 = none). */
	final int[] wscale = { -1, -1 };

	private final boolean[] peerData = new boolean[2], winZero = new boolean[2], finSeen = new boolean[2],
			dataAfterFinKept = new boolean[2];

	private final int[] finEnd = new int[2];

	private final int[] finAcksKept = new int[2], synAcksKept = new int[2];

	private final boolean[] synSeen = new boolean[2];

	private final int[] isn = new int[2];

	PacketLog(int detailLimit) {
		this.detailLimit = detailLimit;
	}

	/** Adds one packet; answers whether it was kept. */
	boolean add(long number, long timeNs, int d, TcpPacket p) {
		int peer = 1 - d;
		this.packets[d]++;
		this.bytes[d] += p.payload;
		int f = p.flags;
		int m = 0;
		if (this.peerData[d]) {
			m |= MARK_PEER_DATA;
		}
		if (this.winZero[peer]) {
			m |= MARK_PEER_WINDOW_ZERO;
		}
		boolean dataAfterFin = p.payload > 0 && this.finSeen[peer];
		if (dataAfterFin) {
			m |= MARK_DATA_AFTER_PEER_FIN;
		}
		boolean acksFin = (f & TcpPacket.ACK) != 0 && this.finSeen[peer] && Seq.ge((int) p.ack, this.finEnd[peer] + 1);
		boolean acksSyn = (f & TcpPacket.ACK) != 0 && this.synSeen[peer] && Seq.gt((int) p.ack, this.isn[peer]);
		boolean interesting = (f & (TcpPacket.SYN | TcpPacket.FIN | TcpPacket.RST)) != 0 || p.window == 0
				|| this.winZero[d] || this.winZero[peer] || (acksFin && this.finAcksKept[d] < 16)
				|| (acksSyn && this.synAcksKept[d] < 4) || (dataAfterFin && !this.dataAfterFinKept[d]);
		boolean keep = this.n < this.detailLimit || interesting;
		// what the next packets are compared with
		if (p.payload > 0) {
			this.peerData[peer] = true;
			this.peerData[d] = false;
		}
		this.winZero[d] = p.window == 0 && (f & (TcpPacket.SYN | TcpPacket.RST)) == 0;
		if ((f & TcpPacket.SYN) != 0) {
			this.synSeen[d] = true;
			this.isn[d] = (int) p.seq;
			if (p.windowScale >= 0) {
				this.wscale[d] = p.windowScale;
			}
		}
		if ((f & TcpPacket.FIN) != 0) {
			this.finSeen[d] = true;
			this.finEnd[d] = (int) p.seq + p.payload + ((f & TcpPacket.SYN) != 0 ? 1 : 0);
		}
		if (!keep) {
			this.folded++;
			return false;
		}
		if (acksFin) {
			this.finAcksKept[d]++;
		}
		if (acksSyn) {
			this.synAcksKept[d]++;
		}
		if (dataAfterFin) {
			this.dataAfterFinKept[d] = true;
		}
		if (this.n == this.number.length) {
			grow();
		}
		int i = this.n++;
		this.number[i] = number;
		this.timeNs[i] = timeNs;
		this.dir[i] = (byte) d;
		this.flags[i] = (byte) f;
		this.seq[i] = (int) p.seq;
		this.ack[i] = (int) p.ack;
		this.len[i] = p.payload;
		this.win[i] = p.window;
		this.marks[i] = (byte) m;
		return true;
	}

	boolean has(int i, int flag) {
		return (this.flags[i] & flag) != 0;
	}

	/** Sequence space the segment occupies: payload plus one for SYN and for FIN. */
	int segLen(int i) {
		return this.len[i] + (has(i, TcpPacket.SYN) ? 1 : 0) + (has(i, TcpPacket.FIN) ? 1 : 0);
	}

	/** Approximate heap bytes held. */
	long heapBytes() {
		return 64L + this.number.length * 37L;
	}

	private void grow() {
		int c = this.number.length * 2;
		this.number = Arrays.copyOf(this.number, c);
		this.timeNs = Arrays.copyOf(this.timeNs, c);
		this.dir = Arrays.copyOf(this.dir, c);
		this.flags = Arrays.copyOf(this.flags, c);
		this.seq = Arrays.copyOf(this.seq, c);
		this.ack = Arrays.copyOf(this.ack, c);
		this.len = Arrays.copyOf(this.len, c);
		this.win = Arrays.copyOf(this.win, c);
		this.marks = Arrays.copyOf(this.marks, c);
	}

	/** Modular 32-bit sequence comparisons (RFC 9293 §3.4). */
	static final class Seq {

		private Seq() {
		}

		static boolean lt(int a, int b) {
			return a - b < 0;
		}

		static boolean le(int a, int b) {
			return a - b <= 0;
		}

		static boolean gt(int a, int b) {
			return a - b > 0;
		}

		static boolean ge(int a, int b) {
			return a - b >= 0;
		}

	}

}
