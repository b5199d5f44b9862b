package dev.tcplab.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.PairEvent.ShutdownHow;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TcpFlag;

/**
 * The JSON of a {@link PairEvent}, both ways: {@code {"type": …, "side": …, …}} as the
 * events route takes it (docs/api.md, "Events"). The names below are the whole mapping
 * from JSON to the engine's records; the records check every value, so a limit lives only
 * in {@link PairEvent}. {@code side}, {@code segment}, {@code how}, {@code option} and
 * {@code flags} are read in any case, with blanks around them ignored.
 */
final class PairEventJson {

	/** The {@code type} names, in the order docs/api.md lists them. */
	static final List<String> TYPES = List.of("close", "shutdown", "send", "recv", "abort", "setsockopt", "lose",
			"duplicate", "delay", "hold", "release", "resend-fin", "inject");

	/**
	 * The journal's first format named three records differently: {@code linger}
	 * {@code {onoff, seconds}}, {@code reuseaddr} {@code {on}} and {@code fault}
	 * {@code {action, segment, count, nth, delayMs}}. Rows written so are still read.
	 */
	static final List<String> JOURNAL_V1_TYPES = List.of("linger", "reuseaddr", "fault");

	private static final Map<FaultAction, String> FAULT_TYPES = Map.of(FaultAction.DROP, "lose", FaultAction.DUPLICATE,
			"duplicate", FaultAction.DELAY, "delay", FaultAction.HOLD, "hold");

	private PairEventJson() {
	}

	// ------------------------------------------------------------------ writing

	static final class Writer extends ValueSerializer<PairEvent> {

		@Override
		public void serialize(PairEvent event, JsonGenerator g, SerializationContext ctxt) {
			g.writeStartObject();
			g.writeStringProperty("type", type(event));
			g.writeStringProperty("side", event.side().wireName());
			if (event instanceof PairEvent.Shutdown s) {
				g.writeStringProperty("how", s.how().name());
			}
			else if (event instanceof PairEvent.Send s) {
				g.writeNumberProperty("bytes", s.bytes());
			}
			else if (event instanceof PairEvent.Recv r && r.max() != null) {
				g.writeNumberProperty("max", r.max());
			}
			else if (event instanceof PairEvent.SetLinger l) {
				g.writeStringProperty("option", "SO_LINGER");
				g.writeNumberProperty("onoff", l.onoff());
				g.writeNumberProperty("seconds", l.seconds());
			}
			else if (event instanceof PairEvent.SetReuseAddr r) {
				g.writeStringProperty("option", "SO_REUSEADDR");
				g.writeBooleanProperty("value", r.on());
			}
			else if (event instanceof PairEvent.Fault f) {
				g.writeStringProperty("segment", f.segment().name());
				g.writeNumberProperty("count", f.count());
				g.writeNumberProperty("nth", f.nth());
				if (f.action() == FaultAction.DELAY) {
					g.writeNumberProperty("ms", f.delayMs());
				}
			}
			else if (event instanceof PairEvent.Inject in) {
				g.writeArrayPropertyStart("flags");
				for (TcpFlag flag : in.flags()) {
					g.writeString(flag.name());
				}
				g.writeEndArray();
				if (in.seq() != null) {
					g.writeNumberProperty("seq", in.seq());
				}
				if (in.ack() != null) {
					g.writeNumberProperty("ack", in.ack());
				}
				g.writeNumberProperty("len", in.len());
			}
			g.writeEndObject();
		}

		private static String type(PairEvent event) {
			if (event instanceof PairEvent.SetLinger || event instanceof PairEvent.SetReuseAddr) {
				return "setsockopt";
			}
			if (event instanceof PairEvent.SocketCall c) {
				return c.call();
			}
			if (event instanceof PairEvent.Fault f) {
				return FAULT_TYPES.get(f.action());
			}
			return event instanceof PairEvent.Release ? "release"
					: event instanceof PairEvent.ResendFin ? "resend-fin" : "inject";
		}

	}

	// ------------------------------------------------------------------ reading

	static final class Reader extends ValueDeserializer<PairEvent> {

		private final boolean journalV1;

		Reader(boolean journalV1) {
			this.journalV1 = journalV1;
		}

		@Override
		public PairEvent deserialize(JsonParser p, DeserializationContext ctxt) {
			JsonNode tree = ctxt.readTree(p);
			return new Fields(p, tree).event(this.journalV1);
		}

	}

	/** One event's fields, read with every mistake named by its field. */
	private record Fields(JsonParser p, JsonNode o) {

		PairEvent event(boolean journalV1) {
			if (!this.o.isObject()) {
				throw invalid("type", "an event is a JSON object with a \"type\"" + known(), this.o);
			}
			JsonNode t = this.o.get("type");
			if (t == null || t.isNull()) {
				throw invalid("type", "an event needs a \"type\"" + known(), null);
			}
			String type = t.isString() ? t.asString() : t.toString();
			if (!TYPES.contains(type) && !(journalV1 && JOURNAL_V1_TYPES.contains(type))) {
				throw invalid("type", "unknown event type \"" + type + "\"" + known(), t);
			}
			try {
				return build(type);
			}
			catch (PairEvent.InvalidArgument ex) {
				throw invalid(ex.argument(), ex.getMessage(), this.o.get(ex.argument()));
			}
		}

		private PairEvent build(String type) {
			Side side = side();
			return switch (type) {
				case "close" -> new PairEvent.Close(side);
				case "abort" -> new PairEvent.Abort(side);
				case "shutdown" -> new PairEvent.Shutdown(side, parse("how", ShutdownHow::parse));
				case "send" -> new PairEvent.Send(side, integer("bytes", null));
				case "recv" -> new PairEvent.Recv(side, has("max") ? integer("max", null) : null);
				case "setsockopt" -> {
					String option = word("option", List.of("SO_LINGER", "SO_REUSEADDR"));
					yield option.equals("SO_LINGER")
							? new PairEvent.SetLinger(side, integer("onoff", null), integer("seconds", null))
							: new PairEvent.SetReuseAddr(side, bool("value"));
				}
				case "lose" -> fault(side, FaultAction.DROP);
				case "duplicate" -> fault(side, FaultAction.DUPLICATE);
				case "delay" -> fault(side, FaultAction.DELAY);
				case "hold" -> fault(side, FaultAction.HOLD);
				case "release" -> new PairEvent.Release(side);
				case "resend-fin" -> new PairEvent.ResendFin(side);
				case "inject" -> new PairEvent.Inject(side, flags(), number("seq"), number("ack"), integer("len", 0));
				// the journal's first format
				case "linger" -> new PairEvent.SetLinger(side, integer("onoff", null), integer("seconds", null));
				case "reuseaddr" -> new PairEvent.SetReuseAddr(side, bool("on"));
				case "fault" ->
					new PairEvent.Fault(side, FaultAction.valueOf(word("action", names(FaultAction.values()))),
							SegmentMatch.valueOf(word("segment", names(SegmentMatch.values()))), integer("count", null),
							integer("nth", null), number("delayMs"));
				default -> throw new IllegalStateException(type);
			};
		}

		private PairEvent fault(Side side, FaultAction action) {
			SegmentMatch segment = SegmentMatch.valueOf(word("segment", names(SegmentMatch.values())));
			long ms = action == FaultAction.DELAY ? number("ms") : 0;
			return new PairEvent.Fault(side, action, segment, integer("count", 1), integer("nth", 0), ms);
		}

		private Side side() {
			return parse("side", Side::parse);
		}

		private <T> T parse(String field, java.util.function.Function<String, T> parser) {
			JsonNode n = required(field);
			if (!n.isString()) {
				throw invalid(field, field + " must be a text, got " + n, n);
			}
			try {
				return parser.apply(n.asString());
			}
			catch (IllegalArgumentException ex) {
				throw invalid(field, ex.getMessage(), n);
			}
		}

		/** A name out of {@code known}, in any case; answers it in upper case. */
		private String word(String field, List<String> known) {
			return word(field, required(field), known);
		}

		private String word(String field, JsonNode n, List<String> known) {
			String w = n.isString() ? n.asString().trim().toUpperCase(Locale.ROOT) : null;
			if (w == null || !known.contains(w)) {
				throw invalid(field, field + " must be one of " + String.join(", ", known) + ", got " + n, n);
			}
			return w;
		}

		/** A whole number that fits an int; {@code dflt} when absent (null: required). */
		private Integer integer(String field, Integer dflt) {
			JsonNode n = this.o.get(field);
			if ((n == null || n.isNull()) && dflt != null) {
				return dflt;
			}
			long v = number(field);
			if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
				throw invalid(field, field + " is out of range, got " + n, n);
			}
			return (int) v;
		}

		/**
		 * A whole number; null when absent for seq, ack (the side's own), required else.
		 */
		private Long number(String field) {
			JsonNode n = this.o.get(field);
			if ((n == null || n.isNull()) && (field.equals("seq") || field.equals("ack"))) {
				return null;
			}
			n = required(field);
			if (!n.isIntegralNumber() || !n.canConvertToLong()) {
				throw invalid(field, field + " must be a whole number, got " + n, n);
			}
			return n.asLong();
		}

		private boolean bool(String field) {
			JsonNode n = required(field);
			if (!n.isBoolean()) {
				throw invalid(field, field + " must be true or false, got " + n, n);
			}
			return n.asBoolean();
		}

		private List<TcpFlag> flags() {
			JsonNode n = required("flags");
			if (!n.isArray()) {
				throw invalid("flags", "flags must be a list like [\"FIN\", \"ACK\"], got " + n, n);
			}
			List<TcpFlag> out = new ArrayList<>();
			for (int i = 0; i < n.size(); i++) {
				out.add(TcpFlag.valueOf(word("flags[" + i + "]", n.get(i), names(TcpFlag.values()))));
			}
			return out;
		}

		private JsonNode required(String field) {
			JsonNode n = this.o.get(field);
			if (n == null || n.isNull()) {
				throw invalid(field, field + " is missing", null);
			}
			return n;
		}

		private boolean has(String field) {
			JsonNode n = this.o.get(field);
			return n != null && !n.isNull();
		}

		private InvalidEventException invalid(String field, String message, Object rejected) {
			return new InvalidEventException(this.p, field, message,
					rejected instanceof JsonNode n && n.isString() ? n.asString() : rejected);
		}

		private static String known() {
			return "; known types: " + String.join(", ", TYPES);
		}

		private static List<String> names(Enum<?>[] values) {
			return Arrays.stream(values).map(Enum::name).toList();
		}

	}

}
