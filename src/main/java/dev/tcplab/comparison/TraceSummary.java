package dev.tcplab.comparison;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;

/**
 * What a what-if comparison compares, read off one variant's trace: the states each
 * endpoint went through, the segments on the wire, the socket calls' results, how long
 * each endpoint held TIME_WAIT or FIN_WAIT_2, and data delivered to an application that
 * its peer never sent in that connection (the article's second reason for TIME_WAIT).
 * <p>
 * Endpoints are keyed {@code "pair N client"} / {@code "pair N server"}.
 *
 * @param states each endpoint's states in order, starting with the first {@code from}
 * @param wire one line per segment put on the wire, e.g. {@code "client→server FIN,ACK"},
 * with {@code " (retransmission)"}, {@code " (lost)"} where that applies
 * @param segments counts: sent, delivered, dropped, retransmissions, rst
 * @param calls one line per completed socket call, e.g.
 * {@code "client bind(1500) = EADDRINUSE"}
 * @param held milliseconds each endpoint spent in TIME_WAIT and FIN_WAIT_2 (the time
 * still in the state when the trace ends counts, and is marked by {@code ongoing})
 * @param misdelivered data accepted by one connection's endpoint from a segment that
 * another connection (another pair) sent
 */
public record TraceSummary(Map<String, List<String>> states, List<String> wire, Map<String, Integer> segments,
		List<String> calls, Map<String, Map<String, Held>> held, List<Misdelivery> misdelivered) {

	/** Time spent in one long-lived state. */
	public record Held(double ms, boolean ongoing) {
	}

	/**
	 * Data accepted by {@code endpoint} of pair {@code pair} that pair {@code fromPair}
	 * sent.
	 */
	public record Misdelivery(double timeMs, int pair, String endpoint, int fromPair, int bytes, long relSeq,
			String text) {
	}

	/**
	 * The note code the engine uses when a connection accepts another connection's data.
	 */
	public static final String MISDELIVERED_NOTE = "DATA_FROM_OTHER_CONNECTION";

	private static final java.util.regex.Pattern MISDELIVERED_TEXT = java.util.regex.Pattern
		.compile("(\\d+) bytes.*?relSeq (\\d+).*?pair (\\d+)");

	private static final List<TcpState> HELD = List.of(TcpState.TIME_WAIT, TcpState.FIN_WAIT_2);

	/**
	 * The same summary with each list cut to {@code max} entries (a load run puts
	 * thousands of segments on the wire; an answer carries no more than an inline trace).
	 */
	public TraceSummary capped(int max) {
		Map<String, List<String>> s = new LinkedHashMap<>();
		states.forEach((k, v) -> s.put(k, cap(v, max)));
		return new TraceSummary(s, cap(wire, max), segments, cap(calls, max), held, cap(misdelivered, max));
	}

	static <T> List<T> cap(List<T> list, int max) {
		return list.size() <= max ? list : List.copyOf(list.subList(0, max));
	}

	/** The summary of a trace whose simulation's clock stands at its last event. */
	public static TraceSummary of(List<TraceEvent> trace) {
		return of(trace, trace.isEmpty() ? 0 : trace.get(trace.size() - 1).timeMs());
	}

	/**
	 * The summary of a trace whose simulation's clock stands at {@code nowMs}: an
	 * endpoint still in TIME_WAIT or FIN_WAIT_2 has held it until then.
	 */
	public static TraceSummary of(List<TraceEvent> trace, double nowMs) {
		Map<String, List<String>> states = new LinkedHashMap<>();
		List<String> wire = new ArrayList<>();
		Map<String, Integer> segments = new LinkedHashMap<>();
		for (String k : List.of("sent", "delivered", "dropped", "retransmissions", "rst")) {
			segments.put(k, 0);
		}
		List<String> calls = new ArrayList<>();
		Map<String, Map<String, Held>> held = new LinkedHashMap<>();
		Map<String, double[]> enteredAt = new LinkedHashMap<>();
		Map<String, TcpState> current = new LinkedHashMap<>();
		List<Misdelivery> misdelivered = new ArrayList<>();
		double end = nowMs;
		for (TraceEvent e : trace) {
			if (e instanceof TraceEvent.State s && s.pair() != null && !"listener".equals(s.endpoint())) {
				String key = key(s.pair(), s.endpoint());
				List<String> seq = states.computeIfAbsent(key, k -> new ArrayList<>(List.of(s.from().name())));
				seq.add(s.to().name());
				TcpState before = current.put(key, s.to());
				if (before != null && HELD.contains(before)) {
					add(held, key, before, s.timeMs() - enteredAt.get(key)[0], false);
				}
				if (HELD.contains(s.to())) {
					enteredAt.put(key, new double[] { s.timeMs() });
				}
			}
			else if (e instanceof TraceEvent.Segment g) {
				count(g, wire, segments);
			}
			else if (e instanceof TraceEvent.Call c && c.result() != null && (!c.blocking() || c.completed())) {
				calls.add(c.endpoint() + " " + c.call() + args(c) + " = " + c.result());
			}
			else if (e instanceof TraceEvent.Note n && MISDELIVERED_NOTE.equals(n.code())) {
				misdelivered.add(parse(n));
			}
		}
		current.forEach((key, state) -> {
			if (HELD.contains(state)) {
				add(held, key, state, end - enteredAt.get(key)[0], true);
			}
		});
		return new TraceSummary(states, wire, segments, calls, held, misdelivered);
	}

	private static void count(TraceEvent.Segment g, List<String> wire, Map<String, Integer> segments) {
		switch (g.event()) {
			case "sent" -> {
				segments.merge("sent", 1, Integer::sum);
				if (g.retransmission()) {
					segments.merge("retransmissions", 1, Integer::sum);
				}
				if (g.flags().contains("RST")) {
					segments.merge("rst", 1, Integer::sum);
				}
				wire.add(g.from() + "→" + g.to() + " " + String.join(",", g.flags())
						+ (g.len() > 0 ? " len=" + g.len() : "") + (g.retransmission() ? " (retransmission)" : ""));
			}
			case "delivered" -> segments.merge("delivered", 1, Integer::sum);
			case "dropped" -> {
				segments.merge("dropped", 1, Integer::sum);
				wire.add(g.from() + "→" + g.to() + " " + String.join(",", g.flags()) + " (lost)");
			}
			default -> {
			}
		}
	}

	private static String args(TraceEvent.Call c) {
		Object port = c.args().get("port");
		return "(" + (port == null ? "" : port) + ")";
	}

	private static void add(Map<String, Map<String, Held>> held, String key, TcpState state, double ms,
			boolean ongoing) {
		held.computeIfAbsent(key, k -> new LinkedHashMap<>())
			.merge(state.name(), new Held(ms, ongoing), (a, b) -> new Held(a.ms() + b.ms(), b.ongoing()));
	}

	/**
	 * The engine's note carries "pair P endpoint E accepted N bytes (relSeq S) sent by
	 * pair F" in its structured prefix: {@code text} is "N bytes … pair F …".
	 */
	private static Misdelivery parse(TraceEvent.Note n) {
		java.util.regex.Matcher m = MISDELIVERED_TEXT.matcher(n.text());
		int bytes = 0;
		long relSeq = 0;
		int from = -1;
		if (m.find()) {
			bytes = Integer.parseInt(m.group(1));
			relSeq = Long.parseLong(m.group(2));
			from = Integer.parseInt(m.group(3));
		}
		return new Misdelivery(n.timeMs(), n.pair() == null ? -1 : n.pair(), n.endpoint(), from, bytes, relSeq,
				n.text());
	}

	static String key(int pair, String endpoint) {
		return "pair " + pair + " " + endpoint;
	}

}
