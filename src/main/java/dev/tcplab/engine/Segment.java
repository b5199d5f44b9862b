package dev.tcplab.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tcplab.engine.tcb.Seq;

/**
 * A TCP segment on the wire (RFC 9293 §3.1), as the engine moves it: header fields that
 * matter for the state machine, a payload length (content is not modelled) and trace
 * bookkeeping. Sequence numbers are raw 32-bit values kept in {@code int}s and compared
 * with modular arithmetic ({@link Seq}).
 */
final class Segment {

	static final int FIN = 1;

	static final int SYN = 2;

	static final int RST = 4;

	static final int PSH = 8;

	static final int ACK = 16;

	private static final List<List<String>> FLAG_NAMES = new ArrayList<>(32);

	static {
		for (int f = 0; f < 32; f++) {
			List<String> names = new ArrayList<>(5);
			if ((f & SYN) != 0) {
				names.add("SYN");
			}
			if ((f & FIN) != 0) {
				names.add("FIN");
			}
			if ((f & RST) != 0) {
				names.add("RST");
			}
			if ((f & PSH) != 0) {
				names.add("PSH");
			}
			if ((f & ACK) != 0) {
				names.add("ACK");
			}
			FLAG_NAMES.add(List.copyOf(names));
		}
	}

	long id;

	/**
	 * Place in the engine's segment table while the engine owns this segment (made by
	 * {@code Engine.segment}), −1 for others (duplicates, injected segments).
	 */
	int index = -1;

	/** The pair this segment belongs to (for fault rules), or null. */
	Pair pair;

	/**
	 * Id of that pair for the trace (0 = none); kept when the pair itself was forgotten.
	 */
	int pairNo;

	/** 0 = client host, 1 = server host. */
	int srcHost;

	/**
	 * Number of the client host at one end (0 = {@code config.clientAddress}); the server
	 * host is always the other end.
	 */
	int client;

	int srcPort;

	int dstPort;

	int flags;

	int seq;

	int ack;

	int len;

	int window;

	boolean retransmission;

	/**
	 * seq − sender's ISS and ack − sender's IRS, for Wireshark-style relative numbers.
	 */
	int relSeq;

	int relAck;

	/** Id of the segment whose data/SYN/FIN this one newly acknowledges, or −1. */
	long answers;

	// ---- TCP options (RFC 9293 §3.2 MSS, RFC 7323 window scale and timestamps, RFC 2018
	// SACK); 0 / −1 / false / null when absent

	/** Maximum Segment Size option, 0 = absent. */
	int optMss;

	/** Window Scale option's shift count, −1 = absent. */
	int optWscale = -1;

	/** SACK-permitted option. */
	boolean optSackOk;

	/** Timestamps option (TSval, TSecr). */
	boolean optTs;

	int tsVal;

	int tsEcr;

	/** SACK blocks as [left, right) pairs of raw sequence numbers, or null. */
	int[] sackBlocks;

	Segment(long id, Pair pair, int pairNo, int srcHost, int srcPort, int dstPort, int flags, int seq, int ack, int len,
			int window, boolean retransmission, int relSeq, int relAck, long answers) {
		this(id, pair, pairNo, srcHost, 0, srcPort, dstPort, flags, seq, ack, len, window, retransmission, relSeq,
				relAck, answers);
	}

	Segment(long id, Pair pair, int pairNo, int srcHost, int client, int srcPort, int dstPort, int flags, int seq,
			int ack, int len, int window, boolean retransmission, int relSeq, int relAck, long answers) {
		init(id, pair, pairNo, srcHost, client, srcPort, dstPort, flags, seq, ack, len, window, retransmission, relSeq,
				relAck, answers);
	}

	/**
	 * (Re)initialises every field: the engine recycles a segment once it has been
	 * delivered and processed (nothing keeps a reference to a delivered segment; trace
	 * events copy its fields), so steady-state traffic allocates no segments.
	 */
	Segment init(long id, Pair pair, int pairNo, int srcHost, int client, int srcPort, int dstPort, int flags, int seq,
			int ack, int len, int window, boolean retransmission, int relSeq, int relAck, long answers) {
		this.id = id;
		this.client = client;
		this.pair = pair;
		this.pairNo = pairNo;
		this.srcHost = srcHost;
		this.srcPort = srcPort;
		this.dstPort = dstPort;
		this.flags = flags;
		this.seq = seq;
		this.ack = ack;
		this.len = len;
		this.window = window;
		this.retransmission = retransmission;
		this.relSeq = relSeq;
		this.relAck = relAck;
		this.answers = answers;
		this.optMss = 0;
		this.optWscale = -1;
		this.optSackOk = false;
		this.optTs = false;
		this.tsVal = 0;
		this.tsEcr = 0;
		this.sackBlocks = null;
		return this;
	}

	/** Copies the options of {@code o}. */
	Segment optionsOf(Segment o) {
		optMss = o.optMss;
		optWscale = o.optWscale;
		optSackOk = o.optSackOk;
		optTs = o.optTs;
		tsVal = o.tsVal;
		tsEcr = o.tsEcr;
		sackBlocks = o.sackBlocks;
		return this;
	}

	boolean hasOptions() {
		return optMss > 0 || optWscale >= 0 || optSackOk || optTs || sackBlocks != null;
	}

	/**
	 * The options for the trace, in the order Linux writes them
	 * ({@code tcp_options_write}: mss, sackOk, ts, wscale, sack), or null when the
	 * segment carries none. Sequence and timestamp values are unsigned 32-bit numbers.
	 */
	Map<String, Object> optionsMap() {
		if (!hasOptions()) {
			return null;
		}
		Map<String, Object> m = new LinkedHashMap<>();
		if (optMss > 0) {
			m.put("mss", optMss);
		}
		if (optSackOk) {
			m.put("sackOk", true);
		}
		if (optTs) {
			m.put("tsVal", Seq.u32(tsVal));
			m.put("tsEcr", Seq.u32(tsEcr));
		}
		if (optWscale >= 0) {
			m.put("wscale", optWscale);
		}
		if (sackBlocks != null) {
			List<List<Long>> blocks = new ArrayList<>(sackBlocks.length / 2);
			for (int i = 0; i < sackBlocks.length; i += 2) {
				blocks.add(List.of(Seq.u32(sackBlocks[i]), Seq.u32(sackBlocks[i + 1])));
			}
			m.put("sack", blocks);
		}
		return Collections.unmodifiableMap(m);
	}

	Segment withId(long newId) {
		return new Segment(newId, pair, pairNo, srcHost, client, srcPort, dstPort, flags, seq, ack, len, window,
				retransmission, relSeq, relAck, answers)
			.optionsOf(this);
	}

	boolean has(int flag) {
		return (flags & flag) != 0;
	}

	/** SEG.LEN of RFC 9293: payload plus one for SYN and one for FIN. */
	int segLen() {
		return len + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
	}

	List<String> flagNames() {
		return FLAG_NAMES.get(flags & 31);
	}

	static int flagsOf(List<TcpFlag> flags) {
		int f = 0;
		for (TcpFlag t : flags) {
			f |= switch (t) {
				case FIN -> FIN;
				case SYN -> SYN;
				case RST -> RST;
				case PSH -> PSH;
				case ACK -> ACK;
			};
		}
		return f;
	}

	/** Whether a fault rule's segment class matches (SegmentMatch javadoc). */
	boolean matches(SegmentMatch m) {
		return switch (m) {
			case ANY -> true;
			case FIN -> has(FIN);
			case SYN -> has(SYN);
			case RST -> has(RST);
			case DATA -> len > 0;
			case ACK -> has(ACK) && (flags & (SYN | FIN | RST)) == 0 && len == 0;
		};
	}

}
