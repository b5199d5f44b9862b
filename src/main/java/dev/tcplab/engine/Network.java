package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.RST;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tcplab.engine.internal.SegmentPool;
import dev.tcplab.engine.tcb.Seq;

/**
 * The wire between the hosts: one link in each direction with {@code latencyMs} one-way
 * latency, and per pair and direction the fault rules (DROP / DUPLICATE / DELAY / HOLD)
 * and the held segments. Segments the engine makes come from a pool and go back to it
 * once delivered or dropped.
 */
final class Network {

	private final Context e;

	final long latencyUs;

	/** Addresses of client hosts 1.. (load runs with several clients), made on demand. */
	private String[] clientAddresses;

	private long nextSegmentId = 1;

	/**
	 * Every segment the engine made and owns, by {@link Segment#index}: queue entries of
	 * segments in flight carry this index instead of a reference, and delivered or
	 * dropped segments are reused.
	 */
	private final SegmentPool<Segment> segments = new SegmentPool<>();

	Network(Context e, double latencyMs) {
		this.e = e;
		this.latencyUs = Math.round(latencyMs * 1000);
	}

	/**
	 * Address of client host number {@code client}: {@code config.clientAddress} + client
	 * (IPv4 arithmetic).
	 */
	String clientAddress(int client) {
		if (client == 0) {
			return e.address[Host.CLIENT];
		}
		if (clientAddresses == null || clientAddresses.length <= client) {
			clientAddresses = Arrays.copyOf(clientAddresses == null ? new String[0] : clientAddresses,
					Math.max(client + 1, 64));
		}
		String s = clientAddresses[client];
		if (s == null) {
			s = offsetAddress(e.address[Host.CLIENT], client);
			clientAddresses[client] = s;
		}
		return s;
	}

	static String offsetAddress(String base, int offset) {
		String[] parts = base.split("\\.");
		if (parts.length != 4) {
			throw new IllegalArgumentException("clientAddress must be an IPv4 address to derive more clients: " + base);
		}
		long v = 0;
		for (String part : parts) {
			v = v << 8 | Integer.parseInt(part.trim());
		}
		v = (v + offset) & 0xFFFFFFFFL;
		return (v >>> 24) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255);
	}

	String address(int host, int client) {
		return host == Host.CLIENT ? clientAddress(client) : e.address[Host.SERVER];
	}

	/**
	 * The trace arguments of connect(), sorted by name as {@link TraceEvent.Call} keeps
	 * them; the last one is reused while address and port stay the same (immutable).
	 */
	Map<String, Object> connectArgs(int serverPort) {
		String a = e.address[Host.SERVER];
		if (lastConnectArgs == null || lastConnectPort != serverPort || lastConnectAddress != a) {
			lastConnectArgs = Collections
				.unmodifiableSortedMap(new TreeMap<>(Map.of("address", a, "port", serverPort)));
			lastConnectPort = serverPort;
			lastConnectAddress = a;
		}
		return lastConnectArgs;
	}

	private Map<String, Object> lastConnectArgs;

	private int lastConnectPort;

	private String lastConnectAddress;

	long nextSegmentId() {
		return nextSegmentId++;
	}

	/** A new segment with the next id, reused from the segment table when possible. */
	Segment segment(Pair p, int pairNo, int srcHost, int client, int srcPort, int dstPort, int flags, int seq, int ack,
			int len, int window, boolean retransmission, int relSeq, int relAck, long answers) {
		long id = nextSegmentId++;
		int index = segments.take();
		Segment s = segments.get(index);
		if (s != null) {
			return s.init(id, p, pairNo, srcHost, client, srcPort, dstPort, flags, seq, ack, len, window,
					retransmission, relSeq, relAck, answers);
		}
		s = new Segment(id, p, pairNo, srcHost, client, srcPort, dstPort, flags, seq, ack, len, window, retransmission,
				relSeq, relAck, answers);
		s.index = index;
		segments.set(index, s);
		return s;
	}

	/** The segment a queue entry names: its target, or its index in the table. */
	Segment inFlight(Object target, long arg) {
		return target != null ? (Segment) target : segments.get((int) arg);
	}

	/** A segment of the table is no longer in use (delivered or dropped). */
	void recycle(Segment s) {
		int index = s.index;
		if (index >= 0) {
			s.pair = null;
			segments.release(index);
		}
	}

	/**
	 * Sends {@code r} back along the tuple of segment {@code to}, as endpoint of pair
	 * {@code p} (number {@code pairNo}; the pair's fault rules apply): a reply outside
	 * any TCB's send sequence (RSTs, TIME_WAIT's ACKs).
	 */
	void reply(Segment to, Pair p, int pairNo, Reply r) {
		send(1 - to.srcHost, to.client, to.dstPort, to.srcPort, p, pairNo, r, null);
	}

	/**
	 * {@link #reply(Segment, Pair, int, Reply)} from a TIME_WAIT that used timestamps:
	 * TSval the sender's clock, TSecr {@code tsEcr} (RFC 7323 §3.2; null = no option).
	 */
	void reply(Segment to, Pair p, int pairNo, Reply r, Integer tsEcr) {
		send(1 - to.srcHost, to.client, to.dstPort, to.srcPort, p, pairNo, r, tsEcr);
	}

	/**
	 * Sends {@code r} from {@code host}'s port {@code localPort} (client host
	 * {@code client}) to {@code remotePort}: a segment not tied to a TCB.
	 */
	void send(int host, int client, int localPort, int remotePort, Pair p, int pairNo, Reply r, Integer tsEcr) {
		int flags = r.flags();
		Segment s = segment(p, pairNo, host, client, localPort, remotePort, flags, r.seq(), r.ack(), 0, r.window(),
				false, r.relSeq(), r.relAck(), r.answers());
		if (tsEcr != null) {
			s.optTs = true;
			s.tsVal = Tcb.tsClock(e.now);
			s.tsEcr = tsEcr;
		}
		transmit(s);
	}

	/**
	 * Puts a segment on the link from its source host: trace "sent", then fault rules,
	 * then delivery.
	 */
	void transmit(Segment s) {
		if (e.rec.segments) {
			traceSegment("sent", s);
		}
		Pair p = s.pair;
		if (p != null && p.external != null && Host.of(p.external) != s.srcHost) {
			// the peer is outside the engine (packetdrill runner): the segment has
			// reached it, no link
			if (e.rec.segments) {
				traceSegment("delivered", s);
			}
			recycle(s);
			return;
		}
		List<FaultRule> rules = p == null ? null : p.rulesOrNull(s.srcHost);
		if (rules != null && !rules.isEmpty()) {
			FaultRule r = matchRule(rules, s);
			if (r != null) {
				switch (r.action) {
					case DROP -> {
						if (e.rec.segments) {
							traceSegment("dropped", s);
						}
						recycle(s);
						return;
					}
					case DUPLICATE -> {
						deliverLater(s, 0);
						Segment d = s.withId(nextSegmentId());
						if (e.rec.segments) {
							traceSegment("duplicated", d);
						}
						deliverLater(d, 0);
						return;
					}
					case DELAY -> {
						if (e.rec.segments) {
							traceSegment("delayed", s);
						}
						deliverLater(s, r.delayUs);
						return;
					}
					case HOLD -> {
						if (e.rec.segments) {
							traceSegment("held", s);
						}
						p.held(s.srcHost).add(s);
						return;
					}
					default -> throw new IllegalStateException();
				}
			}
		}
		deliverLater(s, 0);
	}

	private static FaultRule matchRule(List<FaultRule> rules, Segment s) {
		FaultRule hit = null;
		for (FaultRule r : rules) {
			if (r.exhausted() || !s.matches(r.match)) {
				continue;
			}
			r.seen++;
			if (hit == null && r.seen >= r.nth) {
				r.applied++;
				hit = r;
			}
		}
		if (hit != null && hit.exhausted()) {
			rules.remove(hit);
		}
		return hit;
	}

	private void deliverLater(Segment s, long extraUs) {
		if (s.index >= 0) {
			e.sched.scheduleAfter(e.now, latencyUs + extraUs, Context.EV_SEGMENT, null, s.index);
		}
		else {
			e.sched.scheduleAfter(e.now, latencyUs + extraUs, Context.EV_SEGMENT, s, 0);
		}
	}

	/** Sends the segments held on the {@code side}'s link, in order. */
	void release(Pair p, Side side) {
		ArrayDeque<Segment> q = p.held == null ? null : p.held[side == Side.CLIENT ? Host.CLIENT : Host.SERVER];
		if (q == null) {
			return;
		}
		while (!q.isEmpty()) {
			Segment s = q.poll();
			if (e.rec.segments) {
				traceSegment("released", s);
			}
			deliverLater(s, 0);
		}
	}

	void traceSegment(String event, Segment s) {
		int dstHost = 1 - s.srcHost;
		e.rec.add(new TraceEvent.Segment(e.rec.nextSeq(), e.ms(), s.pairNo == 0 ? null : Integer.valueOf(s.pairNo),
				event, s.id, Host.role(s.srcHost), Host.role(dstHost), address(s.srcHost, s.client) + ":" + s.srcPort,
				address(dstHost, s.client) + ":" + s.dstPort, s.flagNames(), Seq.u32(s.seq), Seq.u32(s.ack), s.len,
				s.window, s.retransmission, Seq.u32(s.relSeq), Seq.u32(s.relAck), s.answers < 0 ? null : s.answers,
				s.optionsMap()));
	}

}
