package dev.tcplab.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpFlag;
import dev.tcplab.engine.TcpState;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and checks scenario documents: YAML (or JSON, which is YAML too), one scenario
 * per document. Every problem found is reported at once, each naming the file, the step
 * (1-based) and the field, e.g.
 * {@code old-duplicate.yaml, step 4, do[0].open.clientPort: must be a whole number between 1 and 65535}.
 * The same reader serves the built-in files and documents submitted over HTTP.
 *
 * <pre>
 * name: lost-last-ack            # optional; a built-in's must equal its file name
 * title:   {en: …, ko: …}
 * summary: {en: …, ko: …}
 * article: {en: …, ko: …}        # the article's sentences, optional
 * profiles: [linux, rfc9293]     # optional, default: every profile
 * setup: {overrides: {timeWaitMs: 0}, clientAddress: …, serverAddress: …,
 *         pinnedIsn: true, traceLevel: full|states, retainClosed: true}
 * steps:
 *   - title: {en: …, ko: …}
 *     text: {en: …, ko: …}       # or textByProfile: {linux: {en, ko}, "rfc9293,bsd": {en, ko}}
 *     pause: false               # true: the step only explains and may produce no events
 *     do: [open, {close: client}, settle]
 *     expect: ["state client ESTABLISHED → FIN_WAIT_1"]
 *     expectByProfile: {linux: […]}
 * </pre>
 *
 * Actions ({@code do}): {@code open} / {@code {open: {serverPort, clientPort, reuseAddr,
 * into}}}, {@code {use: PAIR}}, socket calls
 * {@code close, shutdown (how), send (bytes), recv (max),
 * abort, linger (onoff, seconds)} with {@code side} and optional {@code into} (the result
 * becomes narration variable {@code {into}}), faults {@code lose, duplicate, delay (ms),
 * hold} with {@code side, segment, count, nth}, {@code release}, {@code resendFin},
 * {@code inject (flags, seq, ack, len)}, the clock {@code advance (ms)}, {@code settle},
 * {@code idle}, {@code runUntil (side and one of state, received, callDone; maxMs)},
 * captures {@code state (side, into)}, {@code census (state, into)}, {@code clock (into;
 * the virtual time in seconds, to 0.1 s)}, {@code completed (side, call, into)}, a
 * generated {@code load} and {@code repeat (max, do, count, elapsed)}, which stops at the
 * first refused open.
 */
public final class ScenarioDocuments {

	private ScenarioDocuments() {
	}

	private static final YAMLMapper YAML = YAMLMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	/**
	 * Largest document accepted (characters): the request body limit
	 * ({@code tcplab.http.max-request-body}, 64 KB), which a document over HTTP cannot
	 * pass anyway.
	 */
	public static final int MAX_CHARS = 64 * 1024;

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.:]+)}");

	/** One thing wrong with a document. {@code step} is 1-based, null outside steps. */
	@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
	public record Problem(String file, Integer step, String field, String message) {

		public String describe() {
			return file + (step == null ? "" : ", step " + step) + (field == null ? "" : ", " + field) + ": " + message;
		}
	}

	/** A document that cannot be used; {@link #problems()} lists everything wrong. */
	public static class ScenarioDocumentException extends IllegalArgumentException {

		private final List<Problem> problems;

		public ScenarioDocumentException(List<Problem> problems) {
			super(problems.size() == 1 ? problems.get(0).describe() : problems.size() + " problems: "
					+ String.join("; ", problems.stream().map(Problem::describe).toList()));
			this.problems = List.copyOf(problems);
		}

		public List<Problem> problems() {
			return problems;
		}

	}

	/**
	 * Reads one document.
	 * @param file the name to report problems under
	 * @param expectedName the name the document must have (a built-in's file name), or
	 * null
	 * @throws ScenarioDocumentException listing every problem
	 */
	public static Scenario parse(String source, String file, String expectedName) {
		if (source == null || source.isBlank()) {
			throw new ScenarioDocumentException(List.of(new Problem(file, null, null, "the document is empty")));
		}
		if (source.length() > MAX_CHARS) {
			throw new ScenarioDocumentException(List.of(new Problem(file, null, null,
					"the document has " + source.length() + " characters; at most " + MAX_CHARS + " are accepted")));
		}
		JsonNode tree;
		try {
			tree = YAML.readTree(source);
		}
		catch (JacksonException ex) {
			var loc = ex.getLocation();
			String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
			throw new ScenarioDocumentException(List
				.of(new Problem(file, null, null, "not valid YAML or JSON" + where + ": " + ex.getOriginalMessage())));
		}
		return read(tree, file, expectedName);
	}

	/** Reads a document already parsed into a tree (e.g. a JSON request body). */
	public static Scenario read(JsonNode tree, String file, String expectedName) {
		return new Reader(file).document(tree, expectedName);
	}

	// ---------------------------------------------------------------- the reader

	private static final class Reader {

		final String file;

		final List<Problem> problems = new ArrayList<>();

		Integer step;

		List<String> profiles = StackConstants.PROFILES;

		/** Narration variables that actions of the steps read so far set. */
		final Set<String> defined = new LinkedHashSet<>();

		Reader(String file) {
			this.file = file;
		}

		void problem(String field, String message) {
			problems.add(new Problem(file, step, field, message));
		}

		Scenario document(JsonNode tree, String expectedName) {
			if (tree == null || !tree.isObject()) {
				problem(null, "a scenario document is a mapping with title, summary and steps");
				throw new ScenarioDocumentException(problems);
			}
			known(tree, "", Set.of("name", "title", "summary", "article", "profiles", "setup", "steps"));
			String name = expectedName;
			JsonNode n = tree.get("name");
			if (n != null && !n.isNull()) {
				if (!n.isString() || !n.asString().matches("[a-z0-9][a-z0-9-]{0,63}")) {
					problem("name", "must be lower-case letters, digits and dashes (at most 64), got " + n);
				}
				else if (expectedName != null && !n.asString().equals(expectedName)) {
					problem("name", "is \"" + n.asString() + "\" but the file is named \"" + expectedName + "\"");
				}
				else {
					name = n.asString();
				}
			}
			if (name == null) {
				name = "submitted";
			}
			Text title = text(tree.get("title"), "title", true);
			Text summary = text(tree.get("summary"), "summary", true);
			Text article = tree.get("article") == null || tree.get("article").isNull() ? null
					: text(tree.get("article"), "article", true);
			profiles = profiles(tree.get("profiles"));
			Scenario.Setup setup = setup(tree.get("setup"));
			List<ScenarioStep> steps = new ArrayList<>();
			JsonNode list = tree.get("steps");
			if (list == null || !list.isArray() || list.isEmpty()) {
				problem("steps", "a scenario needs a list of at least one step");
			}
			else if (list.size() > 100) {
				problem("steps", "at most 100 steps, got " + list.size());
			}
			else {
				for (int i = 0; i < list.size(); i++) {
					step = i + 1;
					steps.add(step(list.get(i)));
				}
				step = null;
			}
			if (!problems.isEmpty()) {
				throw new ScenarioDocumentException(problems);
			}
			ObjectNode doc = YAML.createObjectNode();
			doc.put("name", name);
			for (var e : tree.properties()) {
				if (!e.getKey().equals("name")) {
					doc.set(e.getKey(), e.getValue());
				}
			}
			return new Scenario(name, file, title, summary, article, profiles, setup, List.copyOf(steps), doc);
		}

		void known(JsonNode obj, String prefix, Set<String> names) {
			for (String k : obj.propertyNames()) {
				if (!names.contains(k)) {
					problem(prefix + k,
							"unknown field; known fields here: " + String.join(", ", names.stream().sorted().toList()));
				}
			}
		}

		Text text(JsonNode n, String field, boolean required) {
			if (n == null || n.isNull()) {
				if (required) {
					problem(field, "missing: give {en: …, ko: …}");
				}
				return null;
			}
			if (!n.isObject()) {
				problem(field, "must be {en: …, ko: …}, got " + kind(n));
				return null;
			}
			known(n, field + ".", Set.of("en", "ko"));
			String en = string(n.get("en"), field + ".en");
			String ko = string(n.get("ko"), field + ".ko");
			if (en == null || ko == null) {
				return null;
			}
			if (!placeholders(en).equals(placeholders(ko))) {
				problem(field, "English and Korean use different placeholders: " + placeholders(en) + " vs "
						+ placeholders(ko));
			}
			return new Text(en, ko);
		}

		String string(JsonNode n, String field) {
			if (n == null || n.isNull()) {
				problem(field, "missing");
				return null;
			}
			if (!n.isString() || n.asString().isBlank()) {
				problem(field, "must be a non-empty text, got " + kind(n));
				return null;
			}
			return n.asString().strip();
		}

		List<String> profiles(JsonNode n) {
			if (n == null || n.isNull()) {
				return StackConstants.PROFILES;
			}
			List<String> out = new ArrayList<>();
			if (!n.isArray() || n.isEmpty()) {
				problem("profiles", "must be a list of profiles, some of " + StackConstants.PROFILES);
				return StackConstants.PROFILES;
			}
			for (int i = 0; i < n.size(); i++) {
				String p = n.get(i).isString() ? n.get(i).asString() : null;
				if (p == null || !StackConstants.PROFILES.contains(p)) {
					problem("profiles[" + i + "]",
							"unknown profile " + n.get(i) + "; known: " + StackConstants.PROFILES);
				}
				else if (!out.contains(p)) {
					out.add(p);
				}
			}
			return out.isEmpty() ? StackConstants.PROFILES : List.copyOf(out);
		}

		Scenario.Setup setup(JsonNode n) {
			Scenario.Setup std = Scenario.Setup.standard();
			if (n == null || n.isNull()) {
				return std;
			}
			if (!n.isObject()) {
				problem("setup", "must be a mapping, got " + kind(n));
				return std;
			}
			known(n, "setup.",
					Set.of("overrides", "clientAddress", "serverAddress", "pinnedIsn", "traceLevel", "retainClosed"));
			Map<String, Object> overrides = new LinkedHashMap<>();
			JsonNode o = n.get("overrides");
			if (o != null && !o.isNull()) {
				if (!o.isObject()) {
					problem("setup.overrides", "must be a mapping of stack constants, got " + kind(o));
				}
				else {
					for (var e : o.properties()) {
						JsonNode v = e.getValue();
						overrides.put(e.getKey(), v.isNumber() ? (Object) v.numberValue()
								: v.isBoolean() ? (Object) v.asBoolean() : v.asString());
					}
					for (String p : profiles) {
						try {
							StackConstants.forProfile(p).withOverrides(overrides);
						}
						catch (IllegalArgumentException ex) {
							problem("setup.overrides", ex.getMessage() + " (profile " + p + ")");
							break;
						}
					}
				}
			}
			String client = address(n.get("clientAddress"), "setup.clientAddress");
			String server = address(n.get("serverAddress"), "setup.serverAddress");
			boolean pinned = bool(n.get("pinnedIsn"), "setup.pinnedIsn", true);
			String level = "full";
			JsonNode l = n.get("traceLevel");
			if (l != null && !l.isNull()) {
				if (!l.isString() || !Set.of("full", "states").contains(l.asString())) {
					problem("setup.traceLevel", "must be \"full\" or \"states\", got " + l);
				}
				else {
					level = l.asString();
				}
			}
			boolean retain = bool(n.get("retainClosed"), "setup.retainClosed", true);
			return new Scenario.Setup(Map.copyOf(overrides), client, server, pinned, level, retain);
		}

		String address(JsonNode n, String field) {
			if (n == null || n.isNull()) {
				return null;
			}
			if (!n.isString() || !n.asString()
				.matches("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)")) {
				problem(field, "must be an IPv4 address like 10.0.0.2, got " + n);
				return null;
			}
			return n.asString();
		}

		boolean bool(JsonNode n, String field, boolean dflt) {
			if (n == null || n.isNull()) {
				return dflt;
			}
			if (!n.isBoolean()) {
				problem(field, "must be true or false, got " + n);
				return dflt;
			}
			return n.asBoolean();
		}

		ScenarioStep step(JsonNode n) {
			if (n == null || !n.isObject()) {
				problem(null, "a step is a mapping with title, text, do and expect; got " + kind(n));
				return null;
			}
			known(n, "", Set.of("title", "text", "textByProfile", "profileVars", "pause", "do", "expect",
					"expectByProfile"));
			Text title = text(n.get("title"), "title", true);
			Text text = null;
			Map<String, Text> byProfile = new LinkedHashMap<>();
			JsonNode t = n.get("text");
			JsonNode tp = n.get("textByProfile");
			if ((t == null || t.isNull()) == (tp == null || tp.isNull())) {
				problem("text", "give exactly one of text (the same on every profile) and textByProfile");
			}
			else if (t != null && !t.isNull()) {
				text = text(t, "text", true);
			}
			else {
				perProfile(tp, "textByProfile", true, (v, field) -> text(v, field, true), byProfile);
			}
			boolean pause = bool(n.get("pause"), "pause", false);
			List<ScenarioStep.Action> actions = actions(n.get("do"), "do");
			if (actions.isEmpty() && !pause) {
				problem("do", "a step that does nothing must be marked pause: true");
			}
			List<Expectation> expect = expectations(n.get("expect"), "expect");
			Map<String, List<Expectation>> expectByProfile = new LinkedHashMap<>();
			JsonNode ep = n.get("expectByProfile");
			if (ep != null && !ep.isNull()) {
				perProfile(ep, "expectByProfile", false, (v, field) -> expectations(v, field), expectByProfile);
			}
			Set<String> profileVars = new LinkedHashSet<>();
			JsonNode pv = n.get("profileVars");
			if (pv != null && !pv.isNull()) {
				if (!pv.isArray()) {
					problem("profileVars", "must be a list of placeholder names whose values differ per profile");
				}
				else {
					pv.forEach(v -> profileVars.add(v.asString()));
				}
			}
			checkPlaceholders(title, "title", profileVars);
			checkPlaceholders(text, "text", profileVars);
			byProfile.forEach((p, pt) -> checkPlaceholders(pt, "textByProfile." + p, profileVars));
			List<ScenarioStep.Action> body = List.copyOf(actions);
			return new ScenarioStep(title, text, Map.copyOf(byProfile), Set.copyOf(profileVars), pause,
					s -> runAll(body, s), expect, Map.copyOf(expectByProfile));
		}

		void checkPlaceholders(Text t, String field, Set<String> profileVars) {
			if (t == null) {
				return;
			}
			Map<String, Object> constants = StackConstants.forProfile("linux").asMap();
			for (String ph : placeholders(t.en())) {
				if (ph.startsWith("const.")) {
					String[] parts = ph.substring(6).split(":", 2);
					Object c = constants.get(parts[0]);
					if (c == null || parts[0].equals("profile")) {
						problem(field, "{" + ph + "} names no stack constant; known: " + String.join(", ",
								constants.keySet().stream().filter(k -> !k.equals("profile")).toList()));
					}
					else if (parts.length == 2 && !(parts[1].equals("s") && c instanceof Number)) {
						problem(field,
								"{" + ph + "}: only a numeric constant can be shown in seconds, as {const.NAME:s}");
					}
				}
				else if (!defined.contains(ph)) {
					problem(field,
							"{" + ph + "} is set by no action of this or an earlier step (e.g. into: " + ph + ")");
				}
			}
			for (String v : profileVars) {
				if (!defined.contains(v)) {
					problem("profileVars", "\"" + v + "\" is set by no action of this or an earlier step");
				}
			}
		}

		<T> void perProfile(JsonNode n, String field, boolean complete,
				java.util.function.BiFunction<JsonNode, String, T> read, Map<String, T> out) {
			if (!n.isObject()) {
				problem(field, "must map profiles (e.g. linux, or \"rfc9293,bsd\") to values, got " + kind(n));
				return;
			}
			for (var e : n.properties()) {
				T v = read.apply(e.getValue(), field + "." + e.getKey());
				for (String p : e.getKey().split(",")) {
					p = p.trim();
					if (!profiles.contains(p)) {
						problem(field + "." + e.getKey(),
								"\"" + p + "\" is not a profile this scenario is offered for " + profiles);
					}
					else if (out.containsKey(p)) {
						problem(field + "." + e.getKey(), "profile " + p + " is given twice");
					}
					else if (v != null) {
						out.put(p, v);
					}
				}
			}
			if (complete) {
				for (String p : profiles) {
					if (!out.containsKey(p)) {
						problem(field, "no narration for profile " + p + " (every offered profile " + profiles
								+ " needs one)");
					}
				}
			}
		}

		List<Expectation> expectations(JsonNode n, String field) {
			if (n == null || n.isNull()) {
				return List.of();
			}
			if (!n.isArray()) {
				problem(field, "must be a list of expectations, got " + kind(n));
				return List.of();
			}
			List<Expectation> out = new ArrayList<>();
			for (int i = 0; i < n.size(); i++) {
				JsonNode e = n.get(i);
				String f = field + "[" + i + "]";
				try {
					if (e.isString()) {
						out.add(Expectation.parse(e.asString()));
					}
					else if (e.isObject()) {
						known(e, f + ".", Set.of("kind", "negate", "pair", "endpoint", "from", "to", "call", "result",
								"event", "flags", "retransmission", "timer", "action", "contains", "text"));
						out.add(Expectation.validate(YAML.treeToValue(e, Expectation.class)));
					}
					else {
						problem(f,
								"an expectation is a line like \"state client FIN_WAIT_2 → TIME_WAIT\" or an object, got "
										+ kind(e));
					}
				}
				catch (IllegalArgumentException | JacksonException ex) {
					problem(f, ex.getMessage());
				}
			}
			return List.copyOf(out);
		}

		// ------------------------------------------------------------ actions

		List<ScenarioStep.Action> actions(JsonNode n, String field) {
			if (n == null || n.isNull()) {
				return List.of();
			}
			if (!n.isArray()) {
				problem(field, "must be a list of actions, got " + kind(n));
				return List.of();
			}
			List<ScenarioStep.Action> out = new ArrayList<>();
			for (int i = 0; i < n.size(); i++) {
				ScenarioStep.Action a = action(n.get(i), field + "[" + i + "]");
				if (a != null) {
					out.add(a);
				}
			}
			return out;
		}

		ScenarioStep.Action action(JsonNode n, String field) {
			String verb;
			JsonNode arg;
			if (n.isString()) {
				verb = n.asString();
				arg = null;
			}
			else if (n.isObject() && n.size() == 1) {
				var e = n.properties().iterator().next();
				verb = e.getKey();
				arg = e.getValue();
			}
			else {
				problem(field, "an action is a name (e.g. settle) or a mapping with one name (e.g. close: client), got "
						+ kind(n));
				return null;
			}
			Args a = new Args(this, field + "." + verb, arg, PRIMARY.get(verb));
			ScenarioStep.Action action = switch (verb) {
				case "open" -> {
					a.known("serverPort", "clientPort", "reuseAddr", "into");
					int server = a.integer("serverPort", 1, 65535, 80);
					Integer client = a.optInteger("clientPort", 1, 65535);
					boolean reuse = a.bool("reuseAddr", false);
					String into = a.var("into");
					defined.add("pair");
					defined.add("clientPort");
					yield s -> {
						Integer id = s.tryOpen(into, server, client, reuse);
						if (id == null) {
							s.openFailed = true;
						}
					};
				}
				case "use" -> {
					a.known("pair");
					int pair = a.integer("pair", 1, Integer.MAX_VALUE, -1);
					yield s -> s.use(pair);
				}
				case "close" -> call(a, side -> new PairEvent.Close(side));
				case "abort" -> call(a, side -> new PairEvent.Abort(side));
				case "shutdown" -> {
					String how = a.string("how", "SHUT_WR");
					if (how != null && !Set.of("SHUT_RD", "SHUT_WR", "SHUT_RDWR").contains(how)) {
						problem(a.field + ".how", "must be SHUT_RD, SHUT_WR or SHUT_RDWR, got \"" + how + "\"");
					}
					yield call(a, side -> new PairEvent.Shutdown(side, how), "how");
				}
				case "send" -> {
					int bytes = a.integer("bytes", 0, 100_000_000, -1);
					yield call(a, side -> new PairEvent.Send(side, bytes), "bytes");
				}
				case "recv" -> {
					Integer max = a.optInteger("max", 0, Integer.MAX_VALUE);
					yield call(a, side -> new PairEvent.Recv(side, max), "max");
				}
				case "linger" -> {
					int onoff = a.integer("onoff", 0, 1, -1);
					int seconds = a.integer("seconds", 0, 3600, 0);
					yield call(a, side -> new PairEvent.SetLinger(side, onoff, seconds), "onoff", "seconds");
				}
				case "lose", "duplicate", "delay", "hold" -> {
					a.known("side", "segment", "count", "nth", "ms");
					Side side = a.side();
					SegmentMatch what = a.enumValue("segment", SegmentMatch.class, null);
					int count = a.integer("count", 1, 1_000_000, 1);
					int nth = a.integer("nth", 0, 1_000_000, 0);
					long ms = verb.equals("delay") ? a.integer("ms", 0, 3_600_000, -1) : 0;
					if (!verb.equals("delay") && a.has("ms")) {
						problem(a.field + ".ms", "only delay takes ms");
					}
					FaultAction fa = switch (verb) {
						case "lose" -> FaultAction.DROP;
						case "duplicate" -> FaultAction.DUPLICATE;
						case "delay" -> FaultAction.DELAY;
						default -> FaultAction.HOLD;
					};
					yield s -> s.apply(new PairEvent.Fault(side, fa, what, count, nth, ms));
				}
				case "release" -> {
					a.known("side");
					Side side = a.side();
					yield s -> s.apply(new PairEvent.Release(side));
				}
				case "resendFin" -> {
					a.known("side");
					Side side = a.side();
					yield s -> s.apply(new PairEvent.ResendFin(side));
				}
				case "inject" -> {
					a.known("side", "flags", "seq", "ack", "len");
					Side side = a.side();
					List<TcpFlag> flags = a.flags("flags");
					Long seq = a.optLong("seq");
					Long ack = a.optLong("ack");
					int len = a.integer("len", 0, 65535, 0);
					yield s -> s.apply(new PairEvent.Inject(side, flags, seq, ack, len));
				}
				case "advance" -> {
					a.known("ms", "plus");
					long ms = a.integer("ms", 0, 86_400_000, -1);
					String plus = a.has("plus") ? a.string("plus", null) : null;
					if (plus != null && !(StackConstants.forProfile("linux").asMap().get(plus) instanceof Long)) {
						problem(a.field + ".plus",
								"must name a duration constant such as timeWaitMs, got \"" + plus + "\"");
					}
					yield s -> s
						.advance(ms + (plus == null ? 0 : ((Number) s.constants().asMap().get(plus)).doubleValue()));
				}
				case "settle" -> {
					a.known();
					yield ScenarioScript::settle;
				}
				case "idle" -> {
					a.known();
					yield ScenarioScript::idle;
				}
				case "runUntil" -> {
					a.known("side", "state", "received", "callDone", "maxMs");
					Side side = a.side();
					TcpState state = a.enumValue("state", TcpState.class, null);
					Integer received = a.optInteger("received", 1, Integer.MAX_VALUE);
					boolean callDone = a.bool("callDone", false);
					long maxMs = a.integer("maxMs", 1, 86_400_000, 600_000);
					int conditions = (a.has("state") ? 1 : 0) + (received != null ? 1 : 0) + (callDone ? 1 : 0);
					if (conditions != 1) {
						problem(a.field, "give exactly one condition: state, received (bytes) or callDone: true");
					}
					yield s -> s.runUntil(() -> state != null ? s.state(side) == state : received != null
							? s.endpoint(side).recvBuffered() >= received : s.endpoint(side).pendingCall() == null,
							maxMs);
				}
				case "state" -> {
					a.known("side", "into");
					Side side = a.side();
					String into = a.requiredVar();
					yield s -> s.set(into, s.state(side));
				}
				case "clock" -> {
					a.known("into");
					String into = a.requiredVar();
					yield s -> s.set(into, ScenarioScript.secs(Math.round(s.engine().nowMs() / 100.0) * 100.0));
				}
				case "census" -> {
					a.known("state", "into");
					TcpState state = a.enumValue("state", TcpState.class, null);
					String into = a.requiredVar();
					yield s -> s.set(into, s.engine().census().getOrDefault(state, 0));
				}
				case "completed" -> {
					a.known("side", "call", "into");
					Side side = a.side();
					String callName = a.string("call", null);
					String into = a.requiredVar();
					yield s -> s.set(into, s.completedResult(side, callName));
				}
				case "load" -> {
					a.known("connectionsPerSecond", "durationMs", "closer", "requestBytes", "responseBytes",
							"censusIntervalMs", "serverPort");
					int cps = a.integer("connectionsPerSecond", 1, 10_000, -1);
					int duration = a.integer("durationMs", 1, 60_000, -1);
					Side closer = Side.parse(a.string("closer", "client"));
					int req = a.integer("requestBytes", 0, 1_000_000, 0);
					int resp = a.integer("responseBytes", 0, 1_000_000, 0);
					int census = a.integer("censusIntervalMs", 0, 60_000, 0);
					int port = a.integer("serverPort", 1, 65535, 80);
					yield s -> s.startLoad(new LoadSpec(cps, duration, closer, req, resp, census, port, 0, 0));
				}
				case "repeat" -> {
					a.known("max", "do", "count", "elapsed");
					int max = a.integer("max", 1, 10_000, -1);
					String count = a.var("count");
					String elapsed = a.var("elapsed");
					List<ScenarioStep.Action> body = List
						.copyOf(actions(a.obj == null ? null : a.obj.get("do"), a.field + ".do"));
					if (body.isEmpty()) {
						problem(a.field + ".do", "repeat needs actions");
					}
					yield s -> repeat(s, max, body, count, elapsed);
				}
				default -> {
					problem(field, "unknown action \"" + verb + "\"; known: " + String.join(", ", PRIMARY.keySet()));
					yield null;
				}
			};
			return action;
		}

		ScenarioStep.Action call(Args a, Function<Side, PairEvent> event, String... more) {
			List<String> names = new ArrayList<>(List.of("side", "into"));
			names.addAll(List.of(more));
			a.known(names.toArray(String[]::new));
			Side side = a.side();
			String into = a.var("into");
			return s -> {
				Object r = s.apply(event.apply(side));
				if (into != null) {
					s.set(into, r);
				}
			};
		}

	}

	/** The argument a scalar stands for, per action (null: the action takes none). */
	private static final Map<String, String> PRIMARY = new LinkedHashMap<>();

	static {
		for (String v : List.of("close", "abort", "shutdown", "recv", "release", "resendFin")) {
			PRIMARY.put(v, "side");
		}
		PRIMARY.put("send", null);
		PRIMARY.put("linger", null);
		PRIMARY.put("open", null);
		PRIMARY.put("use", "pair");
		PRIMARY.put("lose", null);
		PRIMARY.put("duplicate", null);
		PRIMARY.put("delay", null);
		PRIMARY.put("hold", null);
		PRIMARY.put("inject", null);
		PRIMARY.put("advance", "ms");
		PRIMARY.put("settle", null);
		PRIMARY.put("idle", null);
		PRIMARY.put("runUntil", null);
		PRIMARY.put("state", null);
		PRIMARY.put("census", null);
		PRIMARY.put("clock", null);
		PRIMARY.put("completed", null);
		PRIMARY.put("load", null);
		PRIMARY.put("repeat", null);
	}

	/** The arguments of one action, read with problems reported under its field. */
	private static final class Args {

		final Reader r;

		final String field;

		final JsonNode obj;

		final JsonNode scalar;

		final String primary;

		Args(Reader r, String field, JsonNode arg, String primary) {
			this.r = r;
			this.field = field;
			this.primary = primary;
			if (arg == null || arg.isNull()) {
				obj = null;
				scalar = null;
			}
			else if (arg.isObject()) {
				obj = arg;
				scalar = null;
			}
			else {
				obj = null;
				scalar = arg;
				if (primary == null) {
					r.problem(field, "takes a mapping of arguments, got " + kind(arg));
				}
			}
		}

		JsonNode get(String name) {
			if (obj != null) {
				return obj.get(name);
			}
			return name.equals(primary) ? scalar : null;
		}

		boolean has(String name) {
			JsonNode n = get(name);
			return n != null && !n.isNull();
		}

		void known(String... names) {
			if (obj != null) {
				r.known(obj, field + ".", Set.of(names));
			}
		}

		Side side() {
			JsonNode n = get("side");
			if (n == null || !n.isString() || !Set.of("client", "server").contains(n.asString())) {
				r.problem(field + ".side", "must be client or server, got " + (n == null ? "nothing" : n.toString()));
				return Side.CLIENT;
			}
			return Side.parse(n.asString());
		}

		int integer(String name, int min, int max, int dflt) {
			Integer v = optInteger(name, min, max);
			if (v == null) {
				if (dflt == -1 && !has(name)) {
					r.problem(field + "." + name, "missing: a whole number between " + min + " and " + max);
				}
				return dflt;
			}
			return v;
		}

		Integer optInteger(String name, int min, int max) {
			JsonNode n = get(name);
			if (n == null || n.isNull()) {
				return null;
			}
			if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
				r.problem(field + "." + name, "must be a whole number between " + min + " and " + max + ", got " + n);
				return null;
			}
			return n.asInt();
		}

		Long optLong(String name) {
			JsonNode n = get(name);
			if (n == null || n.isNull()) {
				return null;
			}
			if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > 0xFFFFFFFFL) {
				r.problem(field + "." + name, "must be a 32-bit unsigned number, got " + n);
				return null;
			}
			return n.asLong();
		}

		boolean bool(String name, boolean dflt) {
			return r.bool(get(name), field + "." + name, dflt);
		}

		String string(String name, String dflt) {
			JsonNode n = get(name);
			if (n == null || n.isNull()) {
				if (dflt == null) {
					r.problem(field + "." + name, "missing");
				}
				return dflt;
			}
			if (!n.isString()) {
				r.problem(field + "." + name, "must be a text, got " + n);
				return dflt;
			}
			return n.asString();
		}

		String var(String name) {
			JsonNode n = get(name);
			if (n == null || n.isNull()) {
				return null;
			}
			if (!n.isString() || !n.asString().matches("[A-Za-z][A-Za-z0-9_]{0,31}")) {
				r.problem(field + "." + name, "must be a variable name (letters, digits, _), got " + n);
				return null;
			}
			r.defined.add(n.asString());
			return n.asString();
		}

		String requiredVar() {
			String v = var("into");
			if (v == null && !has("into")) {
				r.problem(field + ".into", "missing: the variable to set");
			}
			return v;
		}

		<E extends Enum<E>> E enumValue(String name, Class<E> type, E dflt) {
			JsonNode n = get(name);
			if (n == null || n.isNull()) {
				if (dflt == null && !name.equals("state")) {
					r.problem(field + "." + name, "missing: one of " + List.of(type.getEnumConstants()));
				}
				return dflt;
			}
			try {
				return Enum.valueOf(type, n.asString());
			}
			catch (IllegalArgumentException ex) {
				r.problem(field + "." + name, "must be one of " + List.of(type.getEnumConstants()) + ", got " + n);
				return dflt;
			}
		}

		List<TcpFlag> flags(String name) {
			JsonNode n = get(name);
			if (n == null || !n.isArray() || n.isEmpty()) {
				r.problem(field + "." + name, "must be a list of flags like [FIN, ACK]");
				return List.of();
			}
			List<TcpFlag> out = new ArrayList<>();
			for (JsonNode f : n) {
				try {
					out.add(TcpFlag.valueOf(f.asString()));
				}
				catch (IllegalArgumentException ex) {
					r.problem(field + "." + name, "unknown flag " + f + "; one of " + List.of(TcpFlag.values()));
				}
			}
			return out;
		}

	}

	// ---------------------------------------------------------------- running

	static void runAll(List<ScenarioStep.Action> actions, ScenarioScript s) {
		for (ScenarioStep.Action a : actions) {
			a.run(s);
			if (s.inRepeat && s.openFailed) {
				return;
			}
		}
	}

	private static void repeat(ScenarioScript s, int max, List<ScenarioStep.Action> body, String count,
			String elapsed) {
		double start = s.engine().nowMs();
		int done = 0;
		boolean outer = s.inRepeat;
		s.inRepeat = true;
		s.openFailed = false;
		try {
			for (int i = 0; i < max; i++) {
				runAll(body, s);
				if (s.openFailed) {
					break;
				}
				done++;
			}
		}
		finally {
			s.inRepeat = outer;
			s.openFailed = false;
		}
		if (count != null) {
			s.set(count, done);
		}
		if (elapsed != null) {
			s.set(elapsed, ScenarioScript.secs(Math.round((s.engine().nowMs() - start) / 100.0) * 100.0));
		}
	}

	// ---------------------------------------------------------------- narration

	static Set<String> placeholders(String s) {
		Set<String> out = new LinkedHashSet<>();
		Matcher m = PLACEHOLDER.matcher(s);
		while (m.find()) {
			out.add(m.group(1));
		}
		return out;
	}

	/**
	 * Fills {@code {name}} from {@code vars} ({@code name.en}/{@code name.ko} first) and,
	 * when {@code constants} is given, {@code {const.NAME}} (the constant) and
	 * {@code {const.NAME:s}} (milliseconds as seconds). Unknown placeholders stay.
	 */
	static Text fill(Text t, Map<String, String> vars, StackConstants constants) {
		return new Text(fill(t.en(), vars, "en", constants), fill(t.ko(), vars, "ko", constants));
	}

	private static String fill(String s, Map<String, String> vars, String lang, StackConstants constants) {
		Matcher m = PLACEHOLDER.matcher(s);
		StringBuilder out = new StringBuilder();
		Map<String, Object> cs = constants == null ? null : constants.asMap();
		while (m.find()) {
			String key = m.group(1);
			String v;
			if (key.startsWith("const.")) {
				v = null;
				if (cs != null) {
					String[] parts = key.substring(6).split(":", 2);
					Object c = cs.get(parts[0]);
					if (c instanceof Number num && parts.length == 2 && parts[1].equals("s")) {
						v = ScenarioScript.secs(num.doubleValue());
					}
					else if (c != null && parts.length == 1) {
						v = String.valueOf(c);
					}
				}
			}
			else {
				v = vars.getOrDefault(key + "." + lang, vars.get(key));
			}
			m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
		}
		m.appendTail(out);
		return out.toString();
	}

	static String kind(JsonNode n) {
		if (n == null || n.isNull()) {
			return "nothing";
		}
		if (n.isObject()) {
			return "a mapping";
		}
		if (n.isArray()) {
			return "a list";
		}
		return n.toString();
	}

}
