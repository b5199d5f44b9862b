package dev.tcplab.capture;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.tcplab.capture.CaptureReader.Context;
import dev.tcplab.capture.CaptureReader.Frame;
import dev.tcplab.engine.StackConstants;

/**
 * Streams a capture's TCP segments into connections and hands each finished connection,
 * inferred and diagnosed, to a sink. Memory is bounded by the connections open at once
 * (each with at most {@link Limits#detailLimit()} packets of detail, see
 * {@link PacketLog}), not by the file: a connection is finished when no packet of it has
 * come for the hold time (the profile's TIME_WAIT after a FIN or RST — a later SYN on the
 * same tuple must still find it —, {@link Limits#idleMs()} otherwise), when a new
 * incarnation of its tuple has begun, or at the end of the file.
 */
public final class CaptureAnalyzer {

	/**
	 * @param maxConnections more connections than this fails the import
	 * @param detailLimit packets kept per connection before plain data/ACKs are folded
	 * @param idleMs an open connection silent this long is finished
	 */
	public record Limits(int maxConnections, int detailLimit, long idleMs) {
	}

	/** A connection of the capture: where it is in the file and what it did. */
	static final class Tracked {

		final int id;

		final FlowKey key;

		/** True when the key's first endpoint is the client. */
		final boolean clientIsA;

		final PacketLog log;

		final long firstNumber;

		final long firstOffset;

		final Context firstContext;

		Tracked(int id, FlowKey key, boolean clientIsA, int detailLimit, Frame f) {
			this.id = id;
			this.key = key;
			this.clientIsA = clientIsA;
			this.log = new PacketLog(detailLimit);
			this.firstNumber = f.number;
			this.firstOffset = f.offset;
			this.firstContext = f.context;
		}

		// what the packets that follow fill in

		long lastNumber;

		long firstNs, lastNs;

		boolean handshakeSyn;

		int clientIsn;

		boolean closing;

		/** The tuple's previous incarnation, finished once this one's SYN is answered. */
		Tracked previous;

		Inference.Successor successor;

		/** Filled when finished: the inference and the capture time it ran up to. */
		Inference.Result result;

		double endMs;

		Predecessor predecessor;

		int dir(TcpPacket p) {
			return FlowKey.forward(p) == this.clientIsA ? 0 : 1;
		}

		long packets() {
			return this.log.packets[0] + this.log.packets[1];
		}

	}

	/**
	 * What the previous incarnation of this tuple left: who held TIME_WAIT when this
	 * connection's SYN came, since when, and whether the SYN was accepted.
	 */
	record Predecessor(int id, int timeWaitHolder, double timeWaitSinceMs, double gapMs, int synFrom, boolean accepted,
			long previousLastPacket) {
	}

	private final StackConstants constants;

	private final Limits limits;

	private final Consumer<Tracked> sink;

	private final Map<FlowKey, Tracked> open = new LinkedHashMap<>(1024, 0.75f, true);

	private final Map<FlowKey, Tracked> closing = new LinkedHashMap<>(1024, 0.75f, true);

	private int nextId = 1;

	private long startNs = Long.MIN_VALUE, nowNs;

	private long sinceSweep, lastSweepNs;

	private long peakOpen;

	public CaptureAnalyzer(StackConstants constants, Limits limits, Consumer<Tracked> sink) {
		this.constants = constants;
		this.limits = limits;
		this.sink = sink;
	}

	/** Every frame, TCP or not, moves the clock. */
	public void frame(Frame f) {
		if (f.timeNanos == Long.MIN_VALUE) {
			f.timeNanos = this.startNs == Long.MIN_VALUE ? 0 : this.startNs + this.nowNs;
		}
		if (this.startNs == Long.MIN_VALUE) {
			this.startNs = f.timeNanos;
		}
		this.nowNs = Math.max(this.nowNs, f.timeNanos - this.startNs);
	}

	/** The capture's time origin (first frame), nanoseconds since the epoch. */
	public long startNs() {
		return this.startNs;
	}

	/** Most connections held at once. */
	public long peakOpen() {
		return this.peakOpen;
	}

	/** One decoded TCP segment of frame {@code f} (after {@link #frame}). */
	public void segment(Frame f, TcpPacket p) {
		long t = f.timeNanos - this.startNs;
		FlowKey key = FlowKey.of(p);
		Tracked c = this.open.get(key);
		boolean wasClosing = false;
		if (c == null) {
			c = this.closing.get(key);
			wasClosing = c != null;
		}
		boolean newSyn = p.has(TcpPacket.SYN) && !p.has(TcpPacket.ACK);
		if (c != null && newSyn && newIncarnation(c, p, t)) {
			// a new incarnation of the tuple
			(wasClosing ? this.closing : this.open).remove(key);
			Tracked next = start(key, f, p);
			next.previous = c;
			c.successor = null;
			c = next;
			this.open.put(key, c);
		}
		else if (c == null) {
			c = start(key, f, p);
			this.open.put(key, c);
		}
		int d = c.dir(p);
		if (newSyn && d == 0 && !c.handshakeSyn) {
			c.handshakeSyn = true;
			c.clientIsn = (int) p.seq;
		}
		c.log.add(f.number, t, d, p);
		c.lastNumber = f.number;
		c.lastNs = t;
		if (c.previous != null && d == 1) {
			finishPrevious(c, p.has(TcpPacket.SYN) && p.has(TcpPacket.ACK));
		}
		if (!wasClosing && (p.has(TcpPacket.FIN) || p.has(TcpPacket.RST))) {
			this.open.remove(key);
			this.closing.put(key, c);
			c.closing = true;
		}
		this.peakOpen = Math.max(this.peakOpen, this.open.size() + this.closing.size());
		// every 4096 segments or every second of capture time
		if (++this.sinceSweep >= 4096 || this.nowNs - this.lastSweepNs > 1_000_000_000L) {
			this.sinceSweep = 0;
			this.lastSweepNs = this.nowNs;
			sweep();
		}
	}

	/**
	 * Whether a SYN begins a new connection on the tuple: a SYN with another ISN after a
	 * FIN or RST (or after a second of silence, or when the old one's handshake was not
	 * seen) does; a SYN inside a live connection is an in-window SYN that draws a
	 * challenge ACK (RFC 5961 §4) and does not, nor does a retransmitted SYN.
	 */
	private static boolean newIncarnation(Tracked c, TcpPacket p, long t) {
		boolean fromClient = c.dir(p) == 0;
		if (fromClient && c.handshakeSyn && (int) p.seq == c.clientIsn) {
			return false;
		}
		return c.closing || (fromClient && (!c.handshakeSyn || t - c.lastNs > 1_000_000_000L));
	}

	private Tracked start(FlowKey key, Frame f, TcpPacket p) {
		if (this.nextId > this.limits.maxConnections()) {
			throw new CaptureLimitException("connections", "the capture has more than " + this.limits.maxConnections()
					+ " TCP connections (tcplab.captures.max-connections); cut it with a display filter first, e.g. tshark -r FILE -Y 'tcp.port==443' -w part.pcapng");
		}
		boolean fwd = FlowKey.forward(p);
		boolean srcIsClient;
		if (p.has(TcpPacket.SYN)) {
			srcIsClient = !p.has(TcpPacket.ACK);
		}
		else {
			// no handshake: the higher (ephemeral) port is taken as the client's
			srcIsClient = p.srcPort >= p.dstPort;
		}
		Tracked c = new Tracked(this.nextId++, key, fwd == srcIsClient, this.limits.detailLimit(), f);
		c.firstNs = f.timeNanos - this.startNs;
		return c;
	}

	/** Finishes connections whose hold time is over. */
	private void sweep() {
		long hold = this.constants.timeWaitMs() * 1_000_000L + 1_000_000_000L;
		expire(this.closing, hold);
		expire(this.open, this.limits.idleMs() * 1_000_000L);
	}

	private void expire(Map<FlowKey, Tracked> map, long holdNs) {
		Iterator<Tracked> it = map.values().iterator();
		while (it.hasNext()) {
			Tracked c = it.next();
			if (c.lastNs + holdNs >= this.nowNs) {
				break;
			}
			it.remove();
			finish(c);
		}
	}

	/** Finishes every connection still held (end of the file). */
	public void end() {
		for (Map<FlowKey, Tracked> map : java.util.List.of(this.open, this.closing)) {
			for (Tracked c : map.values()) {
				finish(c);
			}
			map.clear();
		}
	}

	private void finishPrevious(Tracked c, boolean accepted) {
		Tracked prev = c.previous;
		c.previous = null;
		int synFrom = prev.clientIsA == c.clientIsA ? 0 : 1;
		double synMs = c.log.n > 0 ? c.log.timeNs[0] / 1e6 : c.firstNs / 1e6;
		prev.successor = new Inference.Successor(synMs, synFrom, accepted, c.firstNumber);
		finish(prev);
		int holder = -1;
		double since = Double.NaN;
		for (int e = 0; e < 2; e++) {
			double tw = prev.result.timeWaitAtMs()[e];
			if (!Double.isNaN(tw) && tw + this.constants.timeWaitMs() > synMs) {
				holder = e;
				since = tw;
			}
		}
		c.predecessor = new Predecessor(prev.id, holder, since, synMs - prev.lastNs / 1e6, synFrom, accepted,
				prev.lastNumber);
	}

	private void finish(Tracked c) {
		if (c.previous != null) {
			finishPrevious(c, false);
		}
		c.endMs = this.nowNs / 1e6;
		c.result = Inference.infer(c.log, this.constants, c.endMs, c.successor);
		this.sink.accept(c);
	}

}
