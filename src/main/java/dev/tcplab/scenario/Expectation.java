package dev.tcplab.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

import dev.tcplab.engine.TraceEvent;

/**
 * A claim of a scenario step about its own trace range {@code [fromSeq, toSeq)}: an event
 * of this shape appears there ({@code negate = false}) or does not ({@code negate}).
 * Absent fields match anything; {@code "*"} in {@code from}, {@code to} or {@code result}
 * too. In a scenario document an expectation is written either as this object or as its
 * one-line {@link #text} form, e.g. {@code state client FIN_WAIT_2 →
 * TIME_WAIT}, {@code no state client TIME_WAIT → *}, {@code call client bind →
 * EADDRINUSE}, {@code segment server→client FIN,ACK retransmission},
 * {@code segment client→server ACK dropped}, {@code timer client TIME_WAIT fired},
 * {@code note server RST_UNREAD_DATA}; {@code pair N} at the end restricts it to one
 * pair.
 * <p>
 * For segments, {@code from}/{@code to} are the sending and receiving endpoint,
 * {@code flags} the exact set of flags ({@code *} = any) and {@code event} defaults to
 * {@code sent}. For calls, a blocking call's first event has result {@code pending}. For
 * notes, {@code contains} is looked for in the note's code and text.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An event a scenario step claims (or, with negate, denies) in its trace range")
public record Expectation(@Schema(example = "state") String kind, boolean negate, Integer pair,
		@Schema(example = "client") String endpoint, @Schema(example = "FIN_WAIT_2") String from,
		@Schema(example = "TIME_WAIT") String to, String call, String result, String event, List<String> flags,
		Boolean retransmission, String timer, String action, String contains,
		@Schema(example = "state client FIN_WAIT_2 → TIME_WAIT") String text,
		@Schema(description = "Whether the run met it; absent in a scenario's document") Boolean passed) {

	static final Set<String> KINDS = Set.of("state", "call", "segment", "timer", "note");

	static final Set<String> ENDPOINTS = Set.of("client", "server", "listener");

	static final Set<String> SEGMENT_EVENTS = Set.of("sent", "delivered", "dropped", "duplicated", "delayed", "held",
			"released");

	static final Set<String> TIMER_ACTIONS = Set.of("armed", "restarted", "cancelled", "fired");

	/** The same expectation, checked. */
	public Expectation checked(boolean ok) {
		return new Expectation(kind, negate, pair, endpoint, from, to, call, result, event, flags, retransmission,
				timer, action, contains, text, ok);
	}

	/** Whether {@code events} (one step's range) meet this expectation. */
	public boolean holds(List<TraceEvent> events) {
		boolean found = events.stream().anyMatch(this::matches);
		return negate != found;
	}

	/** Whether one event has this shape (ignoring {@code negate}). */
	public boolean matches(TraceEvent e) {
		if (pair != null && !pair.equals(e.pair())) {
			return false;
		}
		return switch (kind) {
			case "state" -> e instanceof TraceEvent.State s && any(endpoint, s.endpoint()) && any(from, s.from().name())
					&& any(to, s.to().name());
			case "call" -> e instanceof TraceEvent.Call c && any(endpoint, c.endpoint()) && any(call, c.call())
					&& any(result, c.result() == null ? "pending" : String.valueOf(c.result()));
			case "segment" -> e instanceof TraceEvent.Segment g && any(from, g.from()) && any(to, g.to())
					&& any(event, g.event()) && (flags == null || new HashSet<>(flags).equals(new HashSet<>(g.flags())))
					&& (retransmission == null || retransmission == g.retransmission());
			case "timer" -> e instanceof TraceEvent.Timer t && any(endpoint, t.endpoint()) && any(timer, t.timer())
					&& any(action, t.action());
			case "note" -> e instanceof TraceEvent.Note n && any(endpoint, n.endpoint())
					&& (contains == null || (n.code() + " " + n.text()).toLowerCase(Locale.ROOT)
						.contains(contains.toLowerCase(Locale.ROOT)));
			default -> false;
		};
	}

	private static boolean any(String want, String have) {
		return want == null || "*".equals(want) || want.equals(have);
	}

	/** The one-line form of this expectation (what {@link #parse} reads). */
	public String describe() {
		StringBuilder b = new StringBuilder(negate ? "no " : "").append(kind);
		switch (kind) {
			case "state" ->
				b.append(' ').append(or(endpoint)).append(' ').append(or(from)).append(" → ").append(or(to));
			case "call" -> {
				b.append(' ').append(or(endpoint)).append(' ').append(or(call));
				if (result != null) {
					b.append(" → ").append(result);
				}
			}
			case "segment" -> {
				b.append(' ')
					.append(or(from))
					.append('→')
					.append(or(to))
					.append(' ')
					.append(flags == null ? "*" : String.join(",", flags));
				if (Boolean.TRUE.equals(retransmission)) {
					b.append(" retransmission");
				}
				else if (Boolean.FALSE.equals(retransmission)) {
					b.append(" original");
				}
				if (event != null && !event.equals("sent")) {
					b.append(' ').append(event);
				}
			}
			case "timer" -> {
				b.append(' ').append(or(endpoint)).append(' ').append(or(timer));
				if (action != null) {
					b.append(' ').append(action);
				}
			}
			case "note" -> {
				if (endpoint != null) {
					b.append(' ').append(endpoint);
				}
				if (contains != null) {
					b.append(' ').append(contains.matches("\\S+") ? contains : "\"" + contains + "\"");
				}
			}
			default -> {
			}
		}
		if (pair != null) {
			b.append(" pair ").append(pair);
		}
		return b.toString();
	}

	private static String or(String s) {
		return s == null ? "*" : s;
	}

	/** This expectation with its {@code text} filled in from its fields. */
	Expectation described() {
		Expectation e = new Expectation(kind, negate, pair, endpoint, from, to, call, result, event, flags,
				retransmission, timer, action, contains, null, passed);
		return new Expectation(kind, negate, pair, endpoint, from, to, call, result, event, flags, retransmission,
				timer, action, contains, e.describe(), passed);
	}

	/**
	 * Reads the one-line form.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static Expectation parse(String line) {
		if (line == null || line.isBlank()) {
			throw new IllegalArgumentException("an expectation must not be empty");
		}
		String s = line.trim().replace("->", "→").replace("→", " → ");
		List<String> tokens = new ArrayList<>(List.of(s.split("\\s+")));
		boolean negate = false;
		if (tokens.get(0).equals("no")) {
			negate = true;
			tokens.remove(0);
		}
		Integer pair = null;
		int n = tokens.size();
		if (n >= 2 && tokens.get(n - 2).equals("pair")) {
			pair = parsePair(tokens.get(n - 1));
			tokens.remove(n - 1);
			tokens.remove(n - 2);
		}
		if (tokens.isEmpty()) {
			throw new IllegalArgumentException("an expectation needs a kind: " + String.join(", ", sorted(KINDS)));
		}
		String kind = tokens.remove(0);
		Expectation e = switch (kind) {
			case "state" -> {
				// state ENDPOINT FROM → TO
				expect(tokens.size() == 4 && tokens.get(2).equals("→"), "state ENDPOINT FROM → TO", line);
				yield new Expectation(kind, negate, pair, endpoint(tokens.get(0)), state(tokens.get(1)),
						state(tokens.get(3)), null, null, null, null, null, null, null, null, null, null);
			}
			case "call" -> {
				// call ENDPOINT NAME [→ RESULT]
				expect(tokens.size() == 2 || (tokens.size() == 4 && tokens.get(2).equals("→")),
						"call ENDPOINT NAME → RESULT", line);
				yield new Expectation(kind, negate, pair, endpoint(tokens.get(0)), null, null, tokens.get(1),
						tokens.size() == 4 ? tokens.get(3) : null, null, null, null, null, null, null, null, null);
			}
			case "segment" -> {
				// segment FROM → TO FLAGS [retransmission|original] [EVENT]
				expect(tokens.size() >= 4 && tokens.get(1).equals("→"),
						"segment FROM→TO FLAGS [retransmission|original] [sent|delivered|dropped|…]", line);
				Boolean retx = null;
				String event = "sent";
				for (String t : tokens.subList(4, tokens.size())) {
					if (t.equals("retransmission")) {
						retx = true;
					}
					else if (t.equals("original")) {
						retx = false;
					}
					else if (SEGMENT_EVENTS.contains(t)) {
						event = t;
					}
					else {
						throw new IllegalArgumentException("unknown word \"" + t
								+ "\" in a segment expectation; after the flags come \"retransmission\", \"original\" or one of "
								+ String.join(", ", sorted(SEGMENT_EVENTS)));
					}
				}
				yield new Expectation(kind, negate, pair, null, endpoint(tokens.get(0)), endpoint(tokens.get(2)), null,
						null, event, flags(tokens.get(3)), retx, null, null, null, null, null);
			}
			case "timer" -> {
				// timer ENDPOINT NAME [ACTION]
				expect(tokens.size() == 2 || tokens.size() == 3,
						"timer ENDPOINT NAME [armed|restarted|cancelled|fired]", line);
				String action = tokens.size() == 3 ? tokens.get(2) : null;
				if (action != null && !TIMER_ACTIONS.contains(action)) {
					throw new IllegalArgumentException("unknown timer action \"" + action + "\"; one of "
							+ String.join(", ", sorted(TIMER_ACTIONS)));
				}
				yield new Expectation(kind, negate, pair, endpoint(tokens.get(0)), null, null, null, null, null, null,
						null, tokens.get(1), action, null, null, null);
			}
			case "note" -> {
				// note [ENDPOINT] [TEXT]
				String endpoint = null;
				if (!tokens.isEmpty() && (ENDPOINTS.contains(tokens.get(0)) || tokens.get(0).equals("*"))) {
					endpoint = endpoint(tokens.remove(0));
				}
				String contains = tokens.isEmpty() ? null : String.join(" ", tokens).replaceAll("^\"|\"$", "");
				yield new Expectation(kind, negate, pair, endpoint, null, null, null, null, null, null, null, null,
						null, contains, null, null);
			}
			default -> throw new IllegalArgumentException(
					"unknown kind \"" + kind + "\"; one of " + String.join(", ", sorted(KINDS)));
		};
		return e.described();
	}

	/**
	 * Checks an expectation given as an object and fills in its text.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	static Expectation validate(Expectation e) {
		if (e.kind() == null || !KINDS.contains(e.kind())) {
			throw new IllegalArgumentException(
					"kind must be one of " + String.join(", ", sorted(KINDS)) + ", got " + quote(e.kind()));
		}
		if (e.endpoint() != null) {
			endpoint(e.endpoint());
		}
		if (e.kind().equals("segment")) {
			if (e.from() != null) {
				endpoint(e.from());
			}
			if (e.to() != null) {
				endpoint(e.to());
			}
			if (e.event() != null && !SEGMENT_EVENTS.contains(e.event())) {
				throw new IllegalArgumentException("event must be one of " + String.join(", ", sorted(SEGMENT_EVENTS))
						+ ", got " + quote(e.event()));
			}
		}
		else if (e.kind().equals("state")) {
			if (e.from() != null) {
				state(e.from());
			}
			if (e.to() != null) {
				state(e.to());
			}
		}
		if (e.action() != null && !TIMER_ACTIONS.contains(e.action())) {
			throw new IllegalArgumentException(
					"action must be one of " + String.join(", ", sorted(TIMER_ACTIONS)) + ", got " + quote(e.action()));
		}
		Expectation base = e.kind().equals("segment") && e.event() == null
				? new Expectation(e.kind(), e.negate(), e.pair(), e.endpoint(), e.from(), e.to(), e.call(), e.result(),
						"sent", e.flags(), e.retransmission(), e.timer(), e.action(), e.contains(), null, null)
				: e;
		return new Expectation(base.kind(), base.negate(), base.pair(), base.endpoint(), base.from(), base.to(),
				base.call(), base.result(), base.event(), base.flags(), base.retransmission(), base.timer(),
				base.action(), base.contains(), null, null)
			.described();
	}

	private static void expect(boolean ok, String form, String line) {
		if (!ok) {
			throw new IllegalArgumentException("\"" + line + "\" does not read as \"" + form + "\"");
		}
	}

	private static Integer parsePair(String s) {
		try {
			int p = Integer.parseInt(s);
			if (p >= 1) {
				return p;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException("pair must be a positive number, got \"" + s + "\"");
	}

	private static String endpoint(String s) {
		if (s.equals("*") || ENDPOINTS.contains(s)) {
			return s.equals("*") ? null : s;
		}
		throw new IllegalArgumentException("endpoint must be one of client, server, listener or *, got \"" + s + "\"");
	}

	private static String state(String s) {
		if (s.equals("*")) {
			return s;
		}
		try {
			dev.tcplab.engine.TcpState.valueOf(s);
			return s;
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("unknown TCP state \"" + s + "\"; one of "
					+ java.util.Arrays.stream(dev.tcplab.engine.TcpState.values()).map(Enum::name).toList() + " or *");
		}
	}

	private static List<String> flags(String s) {
		if (s.equals("*")) {
			return null;
		}
		List<String> out = new ArrayList<>();
		for (String f : s.split(",")) {
			try {
				out.add(dev.tcplab.engine.TcpFlag.valueOf(f).name());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("unknown TCP flag \"" + f + "\"; flags are written like FIN,ACK");
			}
		}
		return List.copyOf(out);
	}

	private static String quote(String s) {
		return s == null ? "nothing" : "\"" + s + "\"";
	}

	private static List<String> sorted(Set<String> s) {
		return s.stream().sorted().toList();
	}

}
