package dev.tcplab.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tcplab.engine.Side;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;

/**
 * Writes one pair of a simulation as a packetdrill script in which the chosen side plays
 * the local kernel under test and the script plays the other side (issue 15, "Export").
 * <ul>
 * <li>every segment the other side sent that was delivered to the chosen side is a
 * {@code <} line at its delivery time (one the network dropped on the way is never
 * injected; a duplicate is injected twice);</li>
 * <li>every segment the chosen side sent is a {@code >} line at its send time, whatever
 * the network did with it afterwards;</li>
 * <li>the chosen side's socket calls are system-call lines; a call that blocked is
 * written {@code start...end}; a call that never returned within the trace is left out
 * (packetdrill cannot express it) with a comment.</li>
 * </ul>
 * Sequence numbers are relative to each side's ISN, times relative to the previous line.
 * TCP options are written as the trace recorded them, in Linux's layout (packetdrill
 * checks them on outbound segments, TSval and TSecr values aside); an outbound SYN
 * carries {@code <...>} (any options: a kernel's window scale depends on its buffers),
 * unless it carries timestamps: then it is written in full (the window scale is this
 * machine's Linux 6.18 default, 10), because packetdrill maps an inbound TSecr only to a
 * TSval it saw on an outbound line. Outbound windows are not written.
 */
public final class PacketdrillExport {

	/** Read size used when the application read "everything" (recv without max). */
	static final int READ_ALL = 65536;

	private PacketdrillExport() {
	}

	/** What the script is made from. */
	public record Source(String simulationId, String profile, long seed, StackConstants constants, int pairId,
			Side side, List<TraceEvent> events) {
	}

	/** Thrown when the trace lacks what a script needs (e.g. no segments recorded). */
	public static final class NotExportableException extends RuntimeException {

		NotExportableException(String message) {
			super(message);
		}

	}

	private enum Kind {

		IN, OUT, CALL, COMMENT

	}

	private static final class Line {

		final long timeUs;

		final Kind kind;

		String text;

		long endUs = -1;

		boolean pending;

		String call;

		TraceEvent.Segment segment;

		Line(long timeUs, Kind kind, String text) {
			this.timeUs = timeUs;
			this.kind = kind;
			this.text = text;
		}

	}

	public static String export(Source src) {
		String local = src.side().wireName();
		String remote = src.side().peer().wireName();
		List<TraceEvent> pairEvents = new ArrayList<>();
		boolean anySegment = false;
		for (TraceEvent e : src.events()) {
			if (e.pair() != null && e.pair() == src.pairId()) {
				pairEvents.add(e);
				anySegment |= e instanceof TraceEvent.Segment;
			}
		}
		if (pairEvents.isEmpty()) {
			throw new NotExportableException("the trace holds no events of pair " + src.pairId()
					+ " (it was compacted away or the pair was made by a load run)");
		}
		if (!anySegment) {
			throw new NotExportableException("the trace of pair " + src.pairId()
					+ " holds no segments (the simulation's trace level does not record them), so there is nothing to"
					+ " script");
		}
		long localIsn = isn(pairEvents, local);
		long remoteIsn = isn(pairEvents, remote);
		boolean server = src.side() == Side.SERVER;
		int fd = server ? 4 : 3;
		long t0 = pairEvents.get(0).timeMs() < 0 ? 0 : micros(pairEvents.get(0).timeMs());
		List<Line> lines = new ArrayList<>();
		if (server) {
			lines.add(new Line(t0, Kind.CALL, "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3"));
			lines.add(new Line(t0, Kind.CALL, "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"));
			lines.add(new Line(t0, Kind.CALL, "bind(3, ..., ...) = 0"));
			lines.add(new Line(t0, Kind.CALL, "listen(3, 128) = 0"));
		}
		else {
			lines.add(new Line(t0, Kind.CALL, "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3"));
		}
		int mss = src.constants().mss();
		// lines after this index were caused by the events since the last delivery, timer
		// expiry or call: a call recorded now (calls are recorded when they return) goes
		// before the segments among them
		int barrier = lines.size();
		long[] outTs = { -1 };
		for (TraceEvent e : pairEvents) {
			long t = micros(e.timeMs());
			if (e instanceof TraceEvent.Timer tm && "fired".equals(tm.action())) {
				barrier = lines.size();
			}
			else if (e instanceof TraceEvent.Segment s && "delivered".equals(s.event())) {
				barrier = lines.size();
			}
			if (e instanceof TraceEvent.Segment s) {
				if ("sent".equals(s.event()) && local.equals(s.from())) {
					Line out = new Line(t, Kind.OUT, "> " + segment(s, localIsn, remoteIsn, false, mss, outTs));
					out.segment = s;
					lines.add(out);
				}
				else if ("delivered".equals(s.event()) && local.equals(s.to())) {
					lines.add(new Line(t, Kind.IN, "< " + segment(s, remoteIsn, localIsn, true, mss, outTs)));
				}
			}
			else if (e instanceof TraceEvent.Call c && local.equals(c.endpoint())) {
				if (c.completed()) {
					complete(lines, c, fd, t);
					continue;
				}
				String text = call(c, fd);
				if (text == null) {
					continue;
				}
				Line line = new Line(t, Kind.CALL, text);
				line.call = c.call();
				if (c.blocking()) {
					line.pending = true;
				}
				// a call is recorded when it returns, after the segments it made: it goes
				// before
				// them
				int at = lines.size();
				boolean deliveredNow = false;
				for (int i = barrier; i < lines.size(); i++) {
					deliveredNow |= lines.get(i).kind == Kind.IN && lines.get(i).timeUs == t;
				}
				while (at > barrier && lines.get(at - 1).kind == Kind.OUT && lines.get(at - 1).timeUs == t
						&& causedBy(c.call(), lines.get(at - 1).segment, deliveredNow)) {
					at--;
				}
				if (!c.blocking() && "abort".equals(c.call())) {
					lines.add(at, new Line(t, Kind.CALL,
							"setsockopt(" + fd + ", SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0"));
					at++;
				}
				lines.add(at, line);
				barrier = lines.size();
			}
		}
		for (Line l : lines) {
			if (l.pending) {
				l.text = "// left out: " + l.text.replace(" = ?", "")
						+ " was still blocked when the trace ended (packetdrill cannot express a call that never returns)";
			}
		}
		return header(src) + kernelNotes(src, pairEvents) + render(lines);
	}

	/** The first words of a header line naming why this side will fail on a kernel. */
	public static final String KERNEL_FAILS = "// This side will not pass on a real Linux kernel: ";

	/**
	 * Why the chosen side, as the lab ran it, will not pass on a real Linux kernel (one
	 * {@link #KERNEL_FAILS} line per reason; empty when none is known). Each reason is a
	 * difference docs/packetdrill.md lists, detected in the pair's trace.
	 */
	static String kernelNotes(Source src, List<TraceEvent> pairEvents) {
		String local = src.side().wireName();
		StackConstants c = src.constants();
		List<String> notes = new ArrayList<>();
		int maxPeerWindow = 0;
		boolean halfWindow = false;
		boolean shrankWindow = false;
		boolean timeWait = false;
		boolean otherConnection = false;
		for (TraceEvent e : pairEvents) {
			if (e instanceof TraceEvent.Segment s && "delivered".equals(s.event()) && local.equals(s.to())) {
				maxPeerWindow = Math.max(maxPeerWindow, s.window());
			}
			else if (e instanceof TraceEvent.Segment s && "sent".equals(s.event()) && local.equals(s.from())) {
				// tcp_bound_to_half_wnd: at most half the largest window the peer offered
				// (all of it when that is at most 536 bytes)
				int cutoff = maxPeerWindow > StackConstants.MIN_MSS ? maxPeerWindow / 2 : maxPeerWindow;
				halfWindow |= s.len() > 0 && cutoff > 0 && s.len() > cutoff;
				shrankWindow |= c.windowBytes() < 65535 && !s.flags().contains("RST") && s.window() < c.windowBytes();
			}
			else if (e instanceof TraceEvent.Note n && local.equals(n.endpoint())
					&& n.text().contains(TraceEvent.Note.OTHER_CONNECTION)) {
				otherConnection = true;
			}
			else if (e instanceof TraceEvent.State st && local.equals(st.endpoint())) {
				timeWait |= st.to() == TcpState.TIME_WAIT || st.to() == TcpState.CLOSED
						&& (st.from() == TcpState.FIN_WAIT_2 || st.from() == TcpState.CLOSING);
			}
		}
		if (halfWindow) {
			notes.add("it sent a segment longer than half the largest window the peer offered (" + maxPeerWindow
					+ " bytes); Linux sends at most half (tcp_bound_to_half_wnd), so the kernel splits it in two and"
					+ " packetdrill --strict_segments sees a shorter segment (without that option packetdrill merges"
					+ " the pieces)");
		}
		if (shrankWindow) {
			notes.add("its receive window shrank below the lab's small receive buffer (windowBytes " + c.windowBytes()
					+ "); SO_RCVBUF is rounded and doubled on Linux, so the kernel's window never closes and its read"
					+ " sends no window update");
		}
		if (timeWait && c.timeWaitMs() == 0) {
			notes.add("it entered TIME_WAIT with timeWaitMs = 0, which Linux cannot do; with tcp_max_tw_buckets = 0"
					+ " Linux answers the peer's FIN with RST instead of the last ACK");
		}
		if (otherConnection) {
			notes.add("it received an old duplicate that an earlier connection on the same 4-tuple sent; that segment"
					+ " is in the earlier pair's script, so this script never sends it and the kernel never answers it");
		}
		StringBuilder b = new StringBuilder();
		for (String n : notes) {
			b.append(KERNEL_FAILS).append(n).append(".\n");
		}
		return b.isEmpty() ? "" : b.append('\n').toString();
	}

	private static void complete(List<Line> lines, TraceEvent.Call c, int fd, long t) {
		for (int i = lines.size() - 1; i >= 0; i--) {
			Line l = lines.get(i);
			if (l.pending && c.call().equals(l.call)) {
				l.pending = false;
				l.endUs = t;
				int eq = l.text.lastIndexOf(" = ");
				l.text = l.text.substring(0, eq) + " = " + Errnos.result(c.result());
				return;
			}
		}
	}

	/**
	 * Whether a segment sent in the same instant can be the effect of this call (a
	 * delivery's own answer, e.g. a quick ACK, must stay before a read that followed it;
	 * a bare ACK with no delivery in that instant is the read's: a window update, or
	 * Linux's ACK at read, tcp_cleanup_rbuf).
	 */
	static boolean causedBy(String call, TraceEvent.Segment s, boolean deliveredNow) {
		List<String> f = s.flags();
		return switch (call) {
			case "recv" -> !deliveredNow && s.len() == 0 && f.equals(List.of("ACK"));
			case "connect" -> f.contains("SYN");
			case "close", "abort", "shutdown" -> f.contains("FIN") || f.contains("RST") || s.len() > 0;
			case "send" -> s.len() > 0 || f.contains("FIN");
			default -> false;
		};
	}

	private static long isn(List<TraceEvent> events, String role) {
		Long first = null;
		for (TraceEvent e : events) {
			if (e instanceof TraceEvent.Segment s && role.equals(s.from())
					&& ("sent".equals(s.event()) || "delivered".equals(s.event()))) {
				if (s.flags().contains("SYN")) {
					return s.tcpSeq();
				}
				if (first == null) {
					first = s.tcpSeq() - s.relSeq();
				}
			}
		}
		return first == null ? 0 : first;
	}

	private static long micros(double ms) {
		return Math.round(ms * 1000);
	}

	static String flags(List<String> flags) {
		StringBuilder b = new StringBuilder();
		for (String f : new String[] { "FIN", "SYN", "RST", "PSH" }) {
			if (flags.contains(f)) {
				b.append(f.charAt(0) == 'P' ? 'P' : f.charAt(0));
			}
		}
		if (flags.contains("ACK")) {
			b.append('.');
		}
		return b.isEmpty() ? "-" : b.toString();
	}

	/**
	 * One packet line. {@code outTs[0]}: the first TSval written on an outbound line, or
	 * −1; packetdrill maps an inbound TSecr to a live TSval only at or after one it saw
	 * ("no matching or preceding outbound TS val"), and outbound SYNs are written
	 * {@code <...>}, so an inbound TSecr that echoes a SYN's TSval is written as 0 (which
	 * a kernel takes as "no echo").
	 */
	private static String segment(TraceEvent.Segment s, long seqBase, long ackBase, boolean inbound, int mss,
			long[] outTs) {
		long seq = (s.tcpSeq() - seqBase) & 0xFFFFFFFFL;
		StringBuilder b = new StringBuilder();
		b.append(flags(s.flags())).append(' ').append(seq).append(':').append((seq + s.len()) & 0xFFFFFFFFL);
		b.append('(').append(s.len()).append(')');
		if (s.flags().contains("ACK")) {
			b.append(" ack ").append((s.ack() - ackBase) & 0xFFFFFFFFL);
		}
		if (inbound) {
			b.append(" win ").append(s.window());
		}
		boolean ts = s.options() != null && s.options().containsKey("tsVal");
		if (!inbound && s.flags().contains("SYN") && !ts) {
			// a kernel's SYN options depend on its configuration: any
			b.append(" <...>");
		}
		else {
			// the options as Linux lays them out; SACK blocks acknowledge the other
			// side's
			// data. A trace from before options were recorded gives an inbound SYN the
			// MSS.
			TcpOptionText o = TcpOptionText.of(s.options(), ackBase);
			if (o != null && o.tsVal() != null) {
				if (!inbound && outTs[0] < 0) {
					outTs[0] = o.tsVal();
				}
				else if (inbound && o.tsEcr() != 0 && (outTs[0] < 0 || o.tsEcr() < outTs[0])) {
					o = new TcpOptionText(o.mss(), o.wscale(), o.sackOk(), o.tsVal(), 0L, o.sack(), o.unknown());
				}
			}
			if (o != null) {
				b.append(" <").append(o.render()).append('>');
			}
			else if (inbound && s.flags().contains("SYN")) {
				b.append(" <mss ").append(mss).append('>');
			}
		}
		return b.toString();
	}

	/** The system-call text of a call event ({@code = ?} while it blocks), or null. */
	private static String call(TraceEvent.Call c, int fd) {
		Map<String, Object> a = c.args();
		String result = c.blocking() ? "?" : Errnos.result(c.result());
		return switch (c.call()) {
			case "connect" -> "connect(3, ..., ...) = " + result;
			case "bind" -> "bind(3, ..., ...) = " + result;
			case "accept" -> "accept(3, ..., ...) = " + (c.result() instanceof Number ? "4" : result);
			case "close", "abort" -> "close(" + fd + ") = " + result;
			case "shutdown" -> "shutdown(" + fd + ", " + a.get("how") + ") = " + result;
			case "send" -> "write(" + fd + ", ..., " + a.get("bytes") + ") = " + result;
			case "recv" ->
				"read(" + fd + ", ..., " + (a.get("max") == null ? READ_ALL : a.get("max")) + ") = " + result;
			case "setsockopt" -> switch (String.valueOf(a.get("option"))) {
				case "SO_REUSEADDR" ->
					"setsockopt(" + fd + ", SOL_SOCKET, SO_REUSEADDR, [" + a.get("on") + "], 4) = " + result;
				case "SO_LINGER" -> "setsockopt(" + fd + ", SOL_SOCKET, SO_LINGER, {onoff=" + a.get("onoff")
						+ ", linger=" + a.get("seconds") + "}, 8) = " + result;
				default -> "// left out: setsockopt " + a;
			};
			default -> "// left out: " + c.call() + " " + a;
		};
	}

	private static String header(Source src) {
		StringBuilder b = new StringBuilder();
		b.append("// tcplab export: profile ")
			.append(src.profile())
			.append(", seed ")
			.append(src.seed())
			.append(", simulation ")
			.append(src.simulationId())
			.append(", pair ")
			.append(src.pairId())
			.append(", side ")
			.append(src.side().wireName())
			.append(", engine version ")
			.append(dev.tcplab.engine.EngineVersion.BEHAVIOUR)
			.append('\n');
		b.append("// The local kernel under test plays the ")
			.append(src.side().wireName())
			.append("; this script plays the ")
			.append(src.side().peer().wireName())
			.append(".\n");
		b.append("// Run (as root, best in a throw-away network namespace: sudo unshare -n ...):\n");
		b.append("//   packetdrill --tolerance_usecs=15000 file.pkt\n");
		b.append("// Sequence numbers are relative; outbound windows are not checked. An outbound SYN with\n");
		b.append("// timestamps names its options in full (wscale follows tcp_rmem: 10 with Linux 6.18 defaults).\n");
		if (!"linux".equals(src.profile())) {
			b.append("// Note: this run used the '")
				.append(src.profile())
				.append("' profile; a Linux kernel may well disagree with it.\n");
		}
		StringBuilder init = new StringBuilder("ip link set dev tun0 gso_max_segs 1");
		b.append("// The command below makes the kernel hand packetdrill one segment per packet (no GSO\n");
		b.append("// super-packets), as the lab draws them.\n");
		if (src.constants().timeWaitMs() == 0) {
			b.append("// timeWaitMs = 0 has no Linux equivalent: TIME_WAIT is fixed at 60 s. The nearest is\n");
			b.append("// tcp_max_tw_buckets = 0 (no TIME_WAIT socket is kept; it changes the sysctl of the network\n");
			b.append("// namespace packetdrill runs in), but then Linux answers the peer's FIN with RST instead of\n");
			b.append("// the last ACK, so a side that would enter TIME_WAIT will not pass on a real kernel.\n");
			init.append("; sysctl -q net.ipv4.tcp_max_tw_buckets=0");
		}
		b.append('`').append(init).append("`\n\n");
		return b.toString();
	}

	private static String render(List<Line> lines) {
		StringBuilder b = new StringBuilder();
		long prev = -1;
		for (Line l : lines) {
			if (l.text.startsWith("//")) {
				b.append(l.text).append('\n');
				continue;
			}
			String time;
			if (prev < 0) {
				time = "0";
				prev = l.timeUs;
			}
			else {
				time = "+" + secs(l.timeUs - prev);
			}
			if (l.endUs >= 0) {
				time = time + "..." + secs(l.endUs - prev);
			}
			b.append(String.format(Locale.ROOT, "%-13s ", time)).append(l.text).append('\n');
			prev = l.timeUs;
		}
		return b.toString();
	}

	static String secs(long us) {
		String s = String.format(Locale.ROOT, "%d.%06d", us / 1_000_000, us % 1_000_000);
		int end = s.length();
		int dot = s.indexOf('.');
		while (end > dot + 4 && s.charAt(end - 1) == '0') {
			end--;
		}
		return s.substring(0, end);
	}

}
