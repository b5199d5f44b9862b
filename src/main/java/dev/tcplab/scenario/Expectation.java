package dev.tcplab.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.node.ObjectNode;

import dev.tcplab.engine.TcpFlag;
import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;

/**
 * A claim of a scenario step about its own trace range {@code [fromSeq, toSeq)}: an event
 * of this shape appears there ({@code negate = false}) or does not ({@code negate}). One
 * record per kind of trace event it is about; absent fields match anything, and so does
 * {@code "*"} in {@code from}, {@code to} or {@code result}. In a scenario document an
 * expectation is written either as an object with its {@code kind} or as its one-line
 * {@link #text} form, e.g. {@code state client FIN_WAIT_2 → TIME_WAIT},
 * {@code no state client TIME_WAIT → *}, {@code call client bind → EADDRINUSE},
 * {@code segment server→client FIN,ACK retransmission},
 * {@code segment client→server ACK dropped}, {@code timer client TIME_WAIT fired},
 * {@code note server RST_UNREAD_DATA}; {@code pair N} at the end restricts it to one
 * pair. Each record checks its fields when it is built ({@link IllegalArgumentException}
 * naming what is wrong).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(value = Expectation.State.class, name = "state"),
		@JsonSubTypes.Type(value = Expectation.Call.class, name = "call"),
		@JsonSubTypes.Type(value = Expectation.Segment.class, name = "segment"),
		@JsonSubTypes.Type(value = Expectation.Timer.class, name = "timer"),
		@JsonSubTypes.Type(value = Expectation.Note.class, name = "note") })
@JsonIgnoreProperties(value = "text", allowGetters = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An event a scenario step claims (or, with negate, denies) in its trace range; kind selects which")
public sealed interface Expectation {

	/** Endpoints an expectation may name. */
	Set<String> ENDPOINTS = Set.of("client", "server", "listener");

	/** What can happen to a segment ({@link Segment#event}). */
	List<String> SEGMENT_EVENTS = List.of("sent", "delivered", "dropped", "duplicated", "delayed", "held", "released");

	/** What can happen to a timer ({@link Timer#action}). */
	List<String> TIMER_ACTIONS = List.of("armed", "restarted", "cancelled", "fired");

	/** The kinds, in the order the one-line form lists them in messages. */
	List<String> KINDS = List.of("call", "note", "segment", "state", "timer");

	/** The event must not appear. */
	boolean negate();

	/** Only events of this pair count; null = any pair. */
	Integer pair();

	/** Whether one event has this shape (ignoring {@link #negate}). */
	boolean matches(TraceEvent e);

	/** The one-line form without {@code no} and {@code pair}. */
	String describeShape();

	/** Whether {@code events} (one step's range) meet this expectation. */
	default boolean holds(List<TraceEvent> events) {
		boolean found = events.stream().anyMatch(e -> (pair() == null || pair().equals(e.pair())) && matches(e));
		return negate() != found;
	}

	/** The one-line form (what {@link #parse} reads). */
	@JsonProperty("text")
	@Schema(example = "state client FIN_WAIT_2 → TIME_WAIT")
	default String text() {
		return (negate() ? "no " : "") + describeShape() + (pair() == null ? "" : " pair " + pair());
	}

	/** This expectation with whether a run met it. */
	default Checked checked(boolean passed) {
		return new Checked(this, passed);
	}

	/** A state transition. */
	@Schema(name = "StateExpectation")
	record State(boolean negate, Integer pair, @Schema(example = "client") String endpoint,
			@Schema(example = "FIN_WAIT_2") String from,
			@Schema(example = "TIME_WAIT") String to) implements Expectation {

		public State {
			pair = positive(pair);
			endpoint = endpointOrAny(endpoint);
			from = stateOrAny(from);
			to = stateOrAny(to);
		}

		@Override
		public boolean matches(TraceEvent e) {
			return e instanceof TraceEvent.State s && any(this.endpoint, s.endpoint())
					&& any(this.from, s.from().name()) && any(this.to, s.to().name());
		}

		@Override
		public String describeShape() {
			return "state " + or(this.endpoint) + " " + or(this.from) + " → " + or(this.to);
		}

	}

	/**
	 * A socket call; a blocking call's first event has result {@code pending}.
	 */
	@Schema(name = "CallExpectation")
	record Call(boolean negate, Integer pair, String endpoint, String call, String result) implements Expectation {

		public Call {
			pair = positive(pair);
			endpoint = endpointOrAny(endpoint);
		}

		@Override
		public boolean matches(TraceEvent e) {
			return e instanceof TraceEvent.Call c && any(this.endpoint, c.endpoint()) && any(this.call, c.call())
					&& any(this.result, c.result() == null ? "pending" : String.valueOf(c.result()));
		}

		@Override
		public String describeShape() {
			return "call " + or(this.endpoint) + " " + or(this.call) + (this.result == null ? "" : " → " + this.result);
		}

	}

	/**
	 * A segment from one endpoint to the other; {@code flags} is the exact set (null =
	 * any), {@code event} what happened to it ({@code sent} when not given).
	 */
	@Schema(name = "SegmentExpectation")
	record Segment(boolean negate, Integer pair, String from, String to, String event, List<TcpFlag> flags,
			Boolean retransmission) implements Expectation {

		public Segment {
			pair = positive(pair);
			from = endpointOrAny(from);
			to = endpointOrAny(to);
			event = event == null ? "sent" : oneOf("event", event, SEGMENT_EVENTS);
			flags = flags == null ? null : List.copyOf(flags);
		}

		@Override
		public boolean matches(TraceEvent e) {
			return e instanceof TraceEvent.Segment g && any(this.from, g.from()) && any(this.to, g.to())
					&& this.event.equals(g.event())
					&& (this.flags == null || names(this.flags).equals(Set.copyOf(g.flags())))
					&& (this.retransmission == null || this.retransmission == g.retransmission());
		}

		@Override
		public String describeShape() {
			return "segment " + or(this.from) + "→" + or(this.to) + " "
					+ (this.flags == null ? "*" : String.join(",", this.flags.stream().map(Enum::name).toList()))
					+ (this.retransmission == null ? "" : this.retransmission ? " retransmission" : " original")
					+ (this.event.equals("sent") ? "" : " " + this.event);
		}

		private static Set<String> names(List<TcpFlag> flags) {
			return Set.copyOf(flags.stream().map(Enum::name).toList());
		}

	}

	/** A timer of an endpoint. */
	@Schema(name = "TimerExpectation")
	record Timer(boolean negate, Integer pair, String endpoint, String timer, String action) implements Expectation {

		public Timer {
			pair = positive(pair);
			endpoint = endpointOrAny(endpoint);
			action = action == null ? null : oneOf("action", action, TIMER_ACTIONS);
		}

		@Override
		public boolean matches(TraceEvent e) {
			return e instanceof TraceEvent.Timer t && any(this.endpoint, t.endpoint()) && any(this.timer, t.timer())
					&& any(this.action, t.action());
		}

		@Override
		public String describeShape() {
			return "timer " + or(this.endpoint) + " " + or(this.timer) + (this.action == null ? "" : " " + this.action);
		}

	}

	/** A note; {@code contains} is looked for in its code and text, in any case. */
	@Schema(name = "NoteExpectation")
	record Note(boolean negate, Integer pair, String endpoint, String contains) implements Expectation {

		public Note {
			pair = positive(pair);
			endpoint = endpointOrAny(endpoint);
		}

		@Override
		public boolean matches(TraceEvent e) {
			return e instanceof TraceEvent.Note n && any(this.endpoint, n.endpoint())
					&& (this.contains == null || (n.code() + " " + n.text()).toLowerCase(Locale.ROOT)
						.contains(this.contains.toLowerCase(Locale.ROOT)));
		}

		@Override
		public String describeShape() {
			return "note" + (this.endpoint == null ? "" : " " + this.endpoint) + (this.contains == null ? ""
					: " " + (this.contains.matches("\\S+") ? this.contains : "\"" + this.contains + "\""));
		}

	}

	/**
	 * An expectation and whether a run met it: its JSON is the expectation's plus passed.
	 */
	@JsonSerialize(using = Checked.Json.class)
	@Schema(description = "An expectation (its fields, kind and text) and whether the run met it",
			allOf = Expectation.class)
	record Checked(@Schema(hidden = true) Expectation expectation,
			@Schema(description = "Whether the run met it") boolean passed) {

		static final class Json extends ValueSerializer<Checked> {

			@Override
			public void serialize(Checked c, JsonGenerator g, SerializationContext ctxt) {
				ObjectNode node = ctxt.valueToTree(c.expectation());
				node.put("passed", c.passed());
				ctxt.writeTree(g, node);
			}

		}

	}

	// ------------------------------------------------------------ the one-line form

	/**
	 * Reads the one-line form.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static Expectation parse(String line) {
		if (line == null || line.isBlank()) {
			throw new IllegalArgumentException("an expectation must not be empty");
		}
		String s = line.trim().replace("->", "→").replace("→", " → ");
		List<String> t = new ArrayList<>(List.of(s.split("\\s+")));
		boolean negate = t.get(0).equals("no");
		if (negate) {
			t.remove(0);
		}
		Integer pair = null;
		int n = t.size();
		if (n >= 2 && t.get(n - 2).equals("pair")) {
			pair = parsePair(t.remove(n - 1));
			t.remove(n - 2);
		}
		if (t.isEmpty()) {
			throw new IllegalArgumentException("an expectation needs a kind: " + String.join(", ", KINDS));
		}
		String kind = t.remove(0);
		switch (kind) {
			case "state" -> {
				form(t.size() == 4 && t.get(2).equals("→"), "state ENDPOINT FROM → TO", line);
				return new State(negate, pair, t.get(0), t.get(1), t.get(3));
			}
			case "call" -> {
				form(t.size() == 2 || (t.size() == 4 && t.get(2).equals("→")), "call ENDPOINT NAME → RESULT", line);
				return new Call(negate, pair, t.get(0), t.get(1), t.size() == 4 ? t.get(3) : null);
			}
			case "segment" -> {
				form(t.size() >= 4 && t.get(1).equals("→"),
						"segment FROM→TO FLAGS [retransmission|original] [sent|delivered|dropped|…]", line);
				Boolean retx = null;
				String event = null;
				for (String w : t.subList(4, t.size())) {
					if (w.equals("retransmission") || w.equals("original")) {
						retx = w.equals("retransmission");
					}
					else if (SEGMENT_EVENTS.contains(w)) {
						event = w;
					}
					else {
						throw new IllegalArgumentException("unknown word \"" + w
								+ "\" in a segment expectation; after the flags come \"retransmission\", \"original\" or one of "
								+ String.join(", ", SEGMENT_EVENTS.stream().sorted().toList()));
					}
				}
				return new Segment(negate, pair, t.get(0), t.get(2), event, flags(t.get(3)), retx);
			}
			case "timer" -> {
				form(t.size() == 2 || t.size() == 3, "timer ENDPOINT NAME [armed|restarted|cancelled|fired]", line);
				if (t.size() == 3 && !TIMER_ACTIONS.contains(t.get(2))) {
					throw new IllegalArgumentException("unknown timer action \"" + t.get(2) + "\"; one of "
							+ String.join(", ", TIMER_ACTIONS.stream().sorted().toList()));
				}
				return new Timer(negate, pair, t.get(0), t.get(1), t.size() == 3 ? t.get(2) : null);
			}
			case "note" -> {
				String endpoint = !t.isEmpty() && (ENDPOINTS.contains(t.get(0)) || t.get(0).equals("*")) ? t.remove(0)
						: null;
				String contains = t.isEmpty() ? null : String.join(" ", t).replaceAll("^\"|\"$", "");
				return new Note(negate, pair, endpoint, contains);
			}
			default ->
				throw new IllegalArgumentException("unknown kind \"" + kind + "\"; one of " + String.join(", ", KINDS));
		}
	}

	private static void form(boolean ok, String form, String line) {
		if (!ok) {
			throw new IllegalArgumentException("\"" + line + "\" does not read as \"" + form + "\"");
		}
	}

	private static Integer parsePair(String s) {
		try {
			return positive(Integer.valueOf(s));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("pair must be a positive number, got \"" + s + "\"");
		}
	}

	private static List<TcpFlag> flags(String s) {
		if (s.equals("*")) {
			return null;
		}
		List<TcpFlag> out = new ArrayList<>();
		for (String f : s.split(",")) {
			try {
				out.add(TcpFlag.valueOf(f));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("unknown TCP flag \"" + f + "\"; flags are written like FIN,ACK");
			}
		}
		return out;
	}

	// ------------------------------------------------------------ field checks

	private static Integer positive(Integer pair) {
		if (pair != null && pair < 1) {
			throw new IllegalArgumentException("pair must be a positive number, got " + pair);
		}
		return pair;
	}

	/** An endpoint; {@code *} (any) is kept as null. */
	private static String endpointOrAny(String s) {
		if (s == null || s.equals("*")) {
			return null;
		}
		if (!ENDPOINTS.contains(s)) {
			throw new IllegalArgumentException(
					"endpoint must be one of client, server, listener or *, got \"" + s + "\"");
		}
		return s;
	}

	private static String stateOrAny(String s) {
		if (s != null && !s.equals("*") && Arrays.stream(TcpState.values()).noneMatch(v -> v.name().equals(s))) {
			throw new IllegalArgumentException("unknown TCP state \"" + s + "\"; one of "
					+ EnumSet.allOf(TcpState.class).stream().map(Enum::name).toList() + " or *");
		}
		return s;
	}

	private static String oneOf(String field, String value, List<String> known) {
		if (!known.contains(value)) {
			throw new IllegalArgumentException(field + " must be one of "
					+ String.join(", ", known.stream().sorted().toList()) + ", got \"" + value + "\"");
		}
		return value;
	}

	private static boolean any(String want, String have) {
		return want == null || "*".equals(want) || want.equals(have);
	}

	private static String or(String s) {
		return s == null ? "*" : s;
	}

}
