package dev.tcplab.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpState;
import dev.tcplab.json.InvalidEventException;
import dev.tcplab.json.VocabularyModule;

/**
 * Reads and checks scenario documents: YAML (or JSON, which is YAML too), one scenario
 * per document, in the format of docs/api.md ("Scenario documents"). A document is first
 * checked against its JSON Schema ({@link ScenarioSchema}); then this reader checks what
 * a schema cannot say (placeholders, profiles named per step, exactly one condition, the
 * one-line expectations) and builds the steps. The socket calls and faults of a step are
 * pair events bound by {@link VocabularyModule} exactly as the events route binds them,
 * so the engine's records check them. Every problem found is reported at once, each
 * naming the file, the step (1-based) and the field, e.g.
 * {@code old-duplicate.yaml, step 4, do[0].open.clientPort: must be a whole number between 1 and 65535, got 70000}.
 * The same reader serves the built-in files and documents submitted over HTTP.
 */
public final class ScenarioDocuments {

	private ScenarioDocuments() {
	}

	private static final YAMLMapper YAML = YAMLMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.addModule(new VocabularyModule())
		.build();

	/**
	 * Largest document accepted (characters): the request body limit
	 * ({@code tcplab.http.max-request-body}, 64 KB), which a document over HTTP cannot
	 * pass anyway.
	 */
	public static final int MAX_CHARS = 64 * 1024;

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.:]+)}");

	/**
	 * Actions that may be given one scalar instead of a mapping ({@code close: client}),
	 * and the argument it stands for.
	 */
	static final Map<String, String> SHORTHAND = Map.of("close", "side", "abort", "side", "shutdown", "side", "recv",
			"side", "release", "side", "resendFin", "side", "use", "pair", "advance", "ms");

	/** Actions that are pair events, and the events route's {@code type} for each. */
	static final Map<String, String> EVENTS = Map.ofEntries(Map.entry("close", "close"), Map.entry("abort", "abort"),
			Map.entry("shutdown", "shutdown"), Map.entry("send", "send"), Map.entry("recv", "recv"),
			Map.entry("linger", "setsockopt"), Map.entry("lose", "lose"), Map.entry("duplicate", "duplicate"),
			Map.entry("delay", "delay"), Map.entry("hold", "hold"), Map.entry("release", "release"),
			Map.entry("resendFin", "resend-fin"), Map.entry("inject", "inject"));

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
		if (tree == null || !tree.isObject()) {
			throw new ScenarioDocumentException(List
				.of(new Problem(file, null, null, "a scenario document is a mapping with title, summary and steps, got "
						+ ScenarioSchema.kind(tree))));
		}
		Reader r = new Reader(file, ScenarioSchema.check(tree, file));
		Scenario s = r.document(tree, expectedName);
		List<Problem> all = new ArrayList<>(r.schema);
		all.addAll(r.problems);
		all.sort(java.util.Comparator.comparing(p -> p.step() == null ? 0 : p.step()));
		if (!all.isEmpty()) {
			throw new ScenarioDocumentException(all);
		}
		return s;
	}

	// ---------------------------------------------------------------- the reader

	/**
	 * Checks what the schema cannot and builds the scenario. It reads a document the
	 * schema found problems in as far as it can (so that every problem is reported at
	 * once) but skips each part the schema already refused.
	 */
	private static final class Reader {

		final String file;

		final List<Problem> schema;

		final List<Problem> problems = new ArrayList<>();

		Integer step;

		List<String> profiles = StackConstants.PROFILES;

		/** Narration variables that actions of the steps read so far set. */
		final Set<String> defined = new LinkedHashSet<>();

		Reader(String file, List<Problem> schema) {
			this.file = file;
			this.schema = schema;
		}

		void problem(String field, String message) {
			problems.add(new Problem(file, step, field, message));
		}

		/** Whether the schema found nothing wrong at, above or below {@code field}. */
		boolean clean(String field) {
			return schema.stream().noneMatch(p -> Objects.equals(p.step(), step) && overlap(p.field(), field));
		}

		private static boolean overlap(String a, String b) {
			return a == null || b == null || a.equals(b) || within(a, b) || within(b, a);
		}

		private static boolean within(String inner, String outer) {
			return inner.startsWith(outer)
					&& (inner.charAt(outer.length()) == '.' || inner.charAt(outer.length()) == '[');
		}

		Scenario document(JsonNode tree, String expectedName) {
			String name = expectedName;
			JsonNode n = tree.get("name");
			if (n != null && n.isString() && clean("name")) {
				if (expectedName != null && !n.asString().equals(expectedName)) {
					problem("name", "is \"" + n.asString() + "\" but the file is named \"" + expectedName + "\"");
				}
				name = n.asString();
			}
			if (name == null) {
				name = "submitted";
			}
			Text title = text(tree.get("title"), "title");
			Text summary = text(tree.get("summary"), "summary");
			Text article = text(tree.get("article"), "article");
			profiles = profiles(tree.get("profiles"));
			Scenario.Setup setup = setup(tree.get("setup"));
			List<ScenarioStep> steps = new ArrayList<>();
			JsonNode list = tree.path("steps");
			for (int i = 0; i < list.size() && list.isArray(); i++) {
				step = i + 1;
				ScenarioStep st = step(list.get(i));
				if (st != null) {
					steps.add(st);
				}
			}
			step = null;
			ObjectNode doc = YAML.createObjectNode();
			doc.put("name", name);
			for (var e : tree.properties()) {
				if (!e.getKey().equals("name")) {
					doc.set(e.getKey(), e.getValue());
				}
			}
			return new Scenario(name, file, title, summary, article, profiles, setup, List.copyOf(steps), doc);
		}

		/** An {@code {en, ko}} text whose languages use the same placeholders. */
		Text text(JsonNode n, String field) {
			if (n == null || !n.path("en").isString() || !n.path("ko").isString()) {
				return null;
			}
			Text t = new Text(n.get("en").asString().strip(), n.get("ko").asString().strip());
			if (!placeholders(t.en()).equals(placeholders(t.ko()))) {
				problem(field, "English and Korean use different placeholders: " + placeholders(t.en()) + " vs "
						+ placeholders(t.ko()));
			}
			return t;
		}

		List<String> profiles(JsonNode n) {
			List<String> out = new ArrayList<>();
			if (n != null) {
				n.forEach(p -> {
					if (StackConstants.PROFILES.contains(p.asString("")) && !out.contains(p.asString())) {
						out.add(p.asString());
					}
				});
			}
			return out.isEmpty() ? StackConstants.PROFILES : List.copyOf(out);
		}

		Scenario.Setup setup(JsonNode n) {
			if (n == null || !n.isObject()) {
				return Scenario.Setup.standard();
			}
			Map<String, Object> overrides = new LinkedHashMap<>();
			for (var e : n.path("overrides").properties()) {
				JsonNode v = e.getValue();
				overrides.put(e.getKey(), v.isNumber() ? (Object) v.numberValue()
						: v.isBoolean() ? (Object) v.asBoolean() : v.asString());
			}
			for (String p : clean("setup.overrides") ? profiles : List.<String>of()) {
				try {
					StackConstants.forProfile(p).withOverrides(overrides);
				}
				catch (IllegalArgumentException ex) {
					problem("setup.overrides", ex.getMessage() + " (profile " + p + ")");
					break;
				}
			}
			return new Scenario.Setup(Map.copyOf(overrides), n.path("clientAddress").asString(null),
					n.path("serverAddress").asString(null), n.path("pinnedIsn").asBoolean(true),
					n.path("traceLevel").asString("full"), n.path("retainClosed").asBoolean(true));
		}

		ScenarioStep step(JsonNode n) {
			if (n == null || !n.isObject()) {
				return null;
			}
			Text title = text(n.get("title"), "title");
			Text text = null;
			Map<String, Text> byProfile = new LinkedHashMap<>();
			JsonNode t = n.get("text");
			JsonNode tp = n.get("textByProfile");
			if (absent(t) == absent(tp)) {
				problem("text", "give exactly one of text (the same on every profile) and textByProfile");
			}
			else if (!absent(t)) {
				text = text(t, "text");
			}
			else {
				perProfile(tp, "textByProfile", true, this::text, byProfile);
			}
			boolean pause = n.path("pause").asBoolean(false);
			List<ScenarioStep.Action> actions = actions(n.get("do"), "do");
			if (n.path("do").isEmpty() && !pause && clean("do")) {
				problem("do", "a step that does nothing must be marked pause: true");
			}
			List<Expectation> expect = expectations(n.get("expect"), "expect");
			Map<String, List<Expectation>> expectByProfile = new LinkedHashMap<>();
			if (!absent(n.get("expectByProfile"))) {
				perProfile(n.get("expectByProfile"), "expectByProfile", false, this::expectations, expectByProfile);
			}
			Set<String> profileVars = new LinkedHashSet<>();
			n.path("profileVars").forEach(v -> profileVars.add(v.asString()));
			checkPlaceholders(title, "title", profileVars);
			checkPlaceholders(text, "text", profileVars);
			byProfile.forEach((p, pt) -> checkPlaceholders(pt, "textByProfile." + p, profileVars));
			List<ScenarioStep.Action> body = List.copyOf(actions);
			return new ScenarioStep(title, text, Map.copyOf(byProfile), Set.copyOf(profileVars), pause,
					s -> runAll(body, s), expect, Map.copyOf(expectByProfile));
		}

		private static boolean absent(JsonNode n) {
			return n == null || n.isNull();
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

		<T> void perProfile(JsonNode n, String field, boolean complete, BiFunction<JsonNode, String, T> read,
				Map<String, T> out) {
			if (!n.isObject()) {
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
			List<Expectation> out = new ArrayList<>();
			for (int i = 0; n != null && n.isArray() && i < n.size(); i++) {
				JsonNode e = n.get(i);
				String f = field + "[" + i + "]";
				if (!clean(f)) {
					continue;
				}
				try {
					out.add(e.isString() ? Expectation.parse(e.asString()) : YAML.treeToValue(e, Expectation.class));
				}
				catch (IllegalArgumentException | JacksonException ex) {
					problem(f, reason(ex));
				}
			}
			return List.copyOf(out);
		}

		// ------------------------------------------------------------ actions

		List<ScenarioStep.Action> actions(JsonNode n, String field) {
			List<ScenarioStep.Action> out = new ArrayList<>();
			for (int i = 0; n != null && n.isArray() && i < n.size(); i++) {
				ScenarioStep.Action a = action(n.get(i), field + "[" + i + "]");
				if (a != null) {
					out.add(a);
				}
			}
			return out;
		}

		ScenarioStep.Action action(JsonNode n, String field) {
			String verb;
			JsonNode arg = null;
			if (n.isString()) {
				verb = n.asString();
			}
			else if (n.isObject() && n.size() == 1) {
				var e = n.properties().iterator().next();
				verb = e.getKey();
				arg = e.getValue();
			}
			else {
				return null;
			}
			ObjectNode a = YAML.createObjectNode();
			if (arg != null && arg.isObject()) {
				a.setAll((ObjectNode) arg);
			}
			else if (arg != null && !arg.isNull() && SHORTHAND.containsKey(verb)) {
				a.set(SHORTHAND.get(verb), arg);
			}
			define(verb, a);
			String at = field + "." + verb;
			if (!clean(field)) {
				return null;
			}
			if (EVENTS.containsKey(verb)) {
				return event(verb, a, at);
			}
			Side side = a.has("side") ? Side.parse(a.get("side").asString()) : Side.CLIENT;
			String into = a.path("into").asString(null);
			return switch (verb) {
				case "open" -> {
					int server = a.path("serverPort").asInt(80);
					Integer client = a.has("clientPort") ? a.get("clientPort").asInt() : null;
					boolean reuse = a.path("reuseAddr").asBoolean(false);
					yield s -> {
						if (s.tryOpen(into, server, client, reuse) == null) {
							s.openFailed = true;
						}
					};
				}
				case "use" -> {
					int pair = a.get("pair").asInt();
					yield s -> s.use(pair);
				}
				case "settle" -> ScenarioScript::settle;
				case "idle" -> ScenarioScript::idle;
				case "advance" -> {
					long ms = a.get("ms").asLong();
					String plus = a.path("plus").asString(null);
					if (plus != null && !(StackConstants.forProfile("linux").asMap().get(plus) instanceof Long)) {
						problem(at + ".plus", "must name a duration constant such as timeWaitMs, got \"" + plus + "\"");
					}
					yield s -> s
						.advance(ms + (plus == null ? 0 : ((Number) s.constants().asMap().get(plus)).doubleValue()));
				}
				case "runUntil" -> {
					TcpState state = a.has("state") ? TcpState.valueOf(a.get("state").asString()) : null;
					Integer received = a.has("received") ? a.get("received").asInt() : null;
					boolean callDone = a.path("callDone").asBoolean(false);
					long maxMs = a.path("maxMs").asLong(600_000);
					if ((state != null ? 1 : 0) + (received != null ? 1 : 0) + (callDone ? 1 : 0) != 1) {
						problem(at, "give exactly one condition: state, received (bytes) or callDone: true");
					}
					yield s -> s.runUntil(() -> state != null ? s.state(side) == state : received != null
							? s.endpoint(side).recvBuffered() >= received : s.endpoint(side).pendingCall() == null,
							maxMs);
				}
				case "state" -> s -> s.set(into, s.state(side));
				case "clock" -> s -> s.set(into, ScenarioScript.secs(Math.round(s.engine().nowMs() / 100.0) * 100.0));
				case "census" -> {
					TcpState state = TcpState.valueOf(a.get("state").asString());
					yield s -> s.set(into, s.engine().census().getOrDefault(state, 0));
				}
				case "completed" -> {
					String call = a.get("call").asString();
					yield s -> s.set(into, s.completedResult(side, call));
				}
				case "load" -> {
					LoadSpec load = new LoadSpec(a.get("connectionsPerSecond").asInt(), a.get("durationMs").asLong(),
							Side.parse(a.path("closer").asString("client")), a.path("requestBytes").asInt(0),
							a.path("responseBytes").asInt(0), a.path("censusIntervalMs").asLong(0),
							a.path("serverPort").asInt(80), 0, 0);
					yield s -> s.startLoad(load);
				}
				case "repeat" -> {
					int max = a.get("max").asInt();
					String count = a.path("count").asString(null);
					String elapsed = a.path("elapsed").asString(null);
					List<ScenarioStep.Action> body = List.copyOf(actions(a.get("do"), at + ".do"));
					yield s -> repeat(s, max, body, count, elapsed);
				}
				default -> throw new IllegalStateException(verb);
			};
		}

		/**
		 * A socket call or fault: the events route's JSON, bound to the engine's event
		 * record by the one binding there is.
		 */
		ScenarioStep.Action event(String verb, ObjectNode a, String at) {
			ObjectNode json = YAML.createObjectNode();
			json.put("type", EVENTS.get(verb));
			json.setAll(a);
			json.remove("into");
			if (verb.equals("shutdown") && !json.has("how")) {
				json.put("how", "SHUT_WR");
			}
			if (verb.equals("linger")) {
				json.put("option", "SO_LINGER");
				json.put("seconds", a.path("seconds").asInt(0));
			}
			PairEvent event;
			try {
				event = YAML.treeToValue(json, PairEvent.class);
			}
			catch (InvalidEventException ex) {
				problem(at + "." + ex.field(),
						ex.getOriginalMessage().replaceFirst("^" + Pattern.quote(ex.field()) + " ", ""));
				return null;
			}
			String into = a.path("into").asString(null);
			return s -> {
				Object r = s.apply(event);
				if (into != null) {
					s.set(into, r);
				}
			};
		}

		/**
		 * The narration variables an action sets (also those of a repeat's body, which is
		 * read only when the schema found nothing wrong in it).
		 */
		void define(String verb, JsonNode a) {
			for (String v : List.of("into", "count", "elapsed")) {
				if (a.path(v).isString() && (v.equals("into") || verb.equals("repeat"))) {
					defined.add(a.get(v).asString());
				}
			}
			if (verb.equals("open")) {
				defined.add("pair");
				defined.add("clientPort");
			}
			for (JsonNode inner : verb.equals("repeat") ? a.path("do") : YAML.createArrayNode()) {
				if (inner.isString()) {
					define(inner.asString(), YAML.createObjectNode());
				}
				else if (inner.isObject() && inner.size() == 1) {
					var e = inner.properties().iterator().next();
					define(e.getKey(), e.getValue());
				}
			}
		}

	}

	/** The message of a binding failure, without Jackson's location. */
	private static String reason(Exception ex) {
		Throwable t = ex;
		while (t instanceof JacksonException && t.getCause() != null) {
			t = t.getCause();
		}
		return t instanceof JacksonException j ? j.getOriginalMessage() : t.getMessage();
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

}
