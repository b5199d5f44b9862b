package dev.tcplab.capture;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tcplab.capture.CaptureService.Locator;
import dev.tcplab.capture.Inference.Change;
import dev.tcplab.capture.Inference.Drop;
import dev.tcplab.capture.Inference.NoteEvent;
import dev.tcplab.capture.Inference.TimerAction;
import dev.tcplab.capture.PacketLog.Seq;
import dev.tcplab.engine.StackConstants;

/**
 * One connection's trace in the simulation's trace-event schema (docs/api.md "Trace"):
 * its packets are read again from the file (from the connection's first record), every
 * segment becomes a {@code segment} event (event {@code sent}, the capture's time,
 * {@code packet} = its number), and the inference adds {@code state}, {@code timer},
 * {@code note} and {@code dropped} events; whatever the inference supplied (a time, a
 * timer, a loss, a note) carries {@code "inferred": true}.
 */
final class CaptureTrace {

	/** The answer: events in order, and what the inference concluded. */
	record Trace(int connection, String profile, String capturePoint, List<Map<String, Object>> events,
			boolean truncated, Inference.Result result, List<Segment> segments) {
	}

	/** One captured segment of the connection (for the replay and the comparison). */
	record Segment(long packet, double timeMs, int from, int flags, long seq, long ack, int len, int window,
			boolean retransmission, long relSeq, long relAck) {
	}

	private CaptureTrace() {
	}

	static Trace read(Path file, Locator loc, int n, StackConstants constants, int detailLimit, int maxPackets)
			throws IOException {
		PacketLog log = new PacketLog(detailLimit);
		List<Segment> segments = new ArrayList<>();
		List<String[]> addrs = new ArrayList<>();
		boolean truncated = false;
		long startNs;
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			startNs = firstTimestamp(ch);
			ch.position(loc.firstOffset());
			InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
			CaptureReader reader = new CaptureReader(in, loc.context(), loc.firstOffset(), loc.firstNumber());
			CaptureReader.Frame f = new CaptureReader.Frame();
			TcpPacket p = new TcpPacket();
			long[] maxEnd = new long[2];
			boolean[] started = new boolean[2];
			long[] isn = new long[2];
			boolean[] isnKnown = new boolean[2];
			long lastNs = startNs;
			while (reader.next(f) && f.number <= loc.lastNumber()) {
				if (f.timeNanos == Long.MIN_VALUE) {
					f.timeNanos = lastNs;
				}
				lastNs = f.timeNanos;
				if (PacketDecoder.decode(f.linkType, f.data, f.capturedLength, p) != PacketDecoder.Skip.NONE
						|| !loc.key().matches(p)) {
					continue;
				}
				int d = FlowKey.forward(p) == loc.clientIsA() ? 0 : 1;
				long t = f.timeNanos - startNs;
				log.add(f.number, t, d, p);
				if (p.has(TcpPacket.SYN) && !isnKnown[d]) {
					isn[d] = p.seq;
					isnKnown[d] = true;
				}
				if (!isnKnown[d]) {
					isn[d] = (p.seq - 1) & 0xFFFFFFFFL;
					isnKnown[d] = true;
				}
				long end = p.seq + p.payload + (p.has(TcpPacket.SYN) ? 1 : 0) + (p.has(TcpPacket.FIN) ? 1 : 0);
				boolean retrans = started[d] && (p.payload > 0 || p.has(TcpPacket.SYN | TcpPacket.FIN))
						&& Seq.lt((int) p.seq, (int) maxEnd[d]);
				if (!started[d] || Seq.gt((int) end, (int) maxEnd[d])) {
					maxEnd[d] = end & 0xFFFFFFFFL;
				}
				started[d] = true;
				if (segments.size() < maxPackets) {
					int scale = log.wscale[0] >= 0 && log.wscale[1] >= 0 && !p.has(TcpPacket.SYN) ? log.wscale[d] : 0;
					long relAck = p.has(TcpPacket.ACK) && isnKnown[1 - d] ? (p.ack - isn[1 - d]) & 0xFFFFFFFFL : 0;
					segments.add(new Segment(f.number, t / 1e6, d, p.flags, p.seq, p.ack, p.payload, p.window << scale,
							retrans, (p.seq - isn[d]) & 0xFFFFFFFFL, relAck));
					addrs.add(new String[] { endpoint(p, true), endpoint(p, false) });
				}
				else {
					truncated = true;
				}
			}
		}
		Inference.Result r = Inference.infer(log, constants, loc.endMs(), loc.successor());
		return new Trace(n, constants.profile(), r.capturePoint(), events(n, segments, addrs, r), truncated, r,
				segments);
	}

	private static long firstTimestamp(FileChannel ch) throws IOException {
		ch.position(0);
		InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 12);
		CaptureReader reader = new CaptureReader(in, true);
		CaptureReader.Frame f = new CaptureReader.Frame();
		return reader.next(f) && f.timeNanos != Long.MIN_VALUE ? f.timeNanos : 0;
	}

	private static String endpoint(TcpPacket p, boolean src) {
		String a = src ? TcpPacket.address(p.v6, p.srcHi, p.srcLo) : TcpPacket.address(p.v6, p.dstHi, p.dstLo);
		int port = src ? p.srcPort : p.dstPort;
		return (p.v6 ? "[" + a + "]" : a) + ":" + port;
	}

	/** The flags a trace names, in the order it names them (as the lab's own traces). */
	private static final int[] FLAGS = { TcpPacket.SYN, TcpPacket.FIN, TcpPacket.RST, TcpPacket.PSH, TcpPacket.ACK,
			TcpPacket.URG };

	private static final List<String> FLAG_NAMES = List.of("SYN", "FIN", "RST", "PSH", "ACK", "URG");

	static List<String> flags(int f) {
		List<String> out = new ArrayList<>(4);
		for (int i = 0; i < FLAGS.length; i++) {
			if ((f & FLAGS[i]) != 0) {
				out.add(FLAG_NAMES.get(i));
			}
		}
		return out;
	}

	private static String role(int e) {
		return e == 0 ? "client" : "server";
	}

	/** A segment event's fields up to {@code relAck}, in the trace schema's order. */
	private static Map<String, Object> segmentEvent(int n, Segment s, String[] addrs, String event, String to) {
		Map<String, Object> e = event("segment", s.timeMs(), n);
		e.put("event", event);
		e.put("id", s.packet());
		e.put("from", role(s.from()));
		e.put("to", to);
		e.put("src", addrs[0]);
		e.put("dst", addrs[1]);
		e.put("flags", flags(s.flags()));
		e.put("tcpSeq", s.seq());
		e.put("ack", s.ack());
		e.put("len", s.len());
		e.put("window", s.window());
		e.put("retransmission", s.retransmission());
		e.put("relSeq", s.relSeq());
		e.put("relAck", s.relAck());
		return e;
	}

	/** A JSON object with the given names and values in that order. */
	static Map<String, Object> ordered(Object... namesAndValues) {
		Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			m.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return m;
	}

	/** The fields every trace event starts with: type, timeMs, pair. */
	private static Map<String, Object> event(String type, double timeMs, int n) {
		Map<String, Object> e = new LinkedHashMap<>();
		e.put("type", type);
		e.put("timeMs", CaptureService.round(timeMs));
		e.put("pair", n);
		return e;
	}

	/** Sorted by time; at one instant segments first, then what they caused. */
	private record Pending(double timeMs, int rank, long order, Map<String, Object> event) {
	}

	private static List<Map<String, Object>> events(int n, List<Segment> segments, List<String[]> addrs,
			Inference.Result r) {
		List<Pending> out = new ArrayList<>();
		long order = 0;
		Map<Long, Integer> byPacket = new HashMap<>();
		// the latest segment of each direction ending
		// at a sequence number: what an ACK answers
		List<Map<Long, Long>> endsAt = List.of(new HashMap<>(), new HashMap<>());
		long[] lastAck = { -1, -1 };
		for (int i = 0; i < segments.size(); i++) {
			Segment s = segments.get(i);
			byPacket.put(s.packet(), i);
			long end = (s.seq() + s.len() + ((s.flags() & (TcpPacket.SYN | TcpPacket.FIN)) != 0 ? 1 : 0)) & 0xFFFFFFFFL;
			endsAt.get(s.from()).put(end, s.packet());
			Long answers = null;
			if ((s.flags() & TcpPacket.ACK) != 0 && s.ack() != lastAck[s.from()]) {
				answers = endsAt.get(1 - s.from()).get(s.ack());
				lastAck[s.from()] = s.ack();
			}
			Map<String, Object> e = segmentEvent(n, s, addrs.get(i), "sent", role(1 - s.from()));
			e.put("answers", answers);
			e.put("packet", s.packet());
			out.add(new Pending(s.timeMs(), 0, order++, e));
		}
		for (Drop d : r.drops()) {
			Integer i = byPacket.get(d.packet());
			if (i == null) {
				continue;
			}
			Segment s = segments.get(i);
			Map<String, Object> e = segmentEvent(n, s, addrs.get(i), "dropped", role(d.endpoint()));
			e.put("answers", null);
			e.put("packet", s.packet());
			e.put("inferred", true);
			out.add(new Pending(s.timeMs(), 1, order++, e));
		}
		for (Change c : r.changes()) {
			Map<String, Object> e = event("state", c.timeMs(), n);
			e.put("endpoint", c.endpointName());
			e.put("from", c.from().name());
			e.put("to", c.to().name());
			e.put("cause", c.cause());
			e.put("packet", c.packet() < 0 ? null : c.packet());
			if (c.inferredTime() || c.packet() < 0) {
				e.put("inferred", true);
			}
			out.add(new Pending(c.timeMs(), 2, order++, e));
		}
		for (TimerAction t : r.timers()) {
			Map<String, Object> e = event("timer", t.timeMs(), n);
			e.put("endpoint", role(t.endpoint()));
			e.put("timer", t.timer());
			e.put("action", t.action());
			e.put("expiresAtMs", t.expiresAtMs() == null ? null : CaptureService.round(t.expiresAtMs()));
			e.put("inferred", true);
			out.add(new Pending(t.timeMs(), 3, order++, e));
		}
		for (NoteEvent note : r.notes()) {
			Map<String, Object> e = event("note", note.timeMs(), n);
			e.put("endpoint", note.endpoint() < 0 ? null : role(note.endpoint()));
			e.put("code", note.code());
			e.put("text", note.text());
			e.put("packet", note.packet() < 0 ? null : note.packet());
			e.put("inferred", true);
			out.add(new Pending(note.timeMs(), 4, order++, e));
		}
		out.sort(Comparator.comparingDouble(Pending::timeMs)
			.thenComparingInt(Pending::rank)
			.thenComparingLong(Pending::order));
		List<Map<String, Object>> events = new ArrayList<>(out.size());
		long seq = 0;
		for (Pending p : out) {
			Map<String, Object> e = new LinkedHashMap<>();
			e.put("seq", seq++);
			e.putAll(p.event());
			events.add(e);
		}
		return events;
	}

}
