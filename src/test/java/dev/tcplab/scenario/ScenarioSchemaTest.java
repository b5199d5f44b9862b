package dev.tcplab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpFlag;
import dev.tcplab.engine.TcpState;
import dev.tcplab.json.VocabularyModule;

/**
 * The scenario document schema (issue 24 one vocabulary, issue 26 a served JSON Schema):
 * written once, it must say what the engine and the reader say — the same limits, names
 * and actions — and its patterns must mean the same in Java, JavaScript and any JSON
 * Schema validator.
 */
class ScenarioSchemaTest {

	static final JsonNode DEFS = ScenarioSchema.document().get("$defs");

	static JsonNode def(String name) {
		return DEFS.get(name);
	}

	static void range(String def, long min, long max) {
		assertThat(def(def).get("minimum").asLong()).as(def + " minimum").isEqualTo(min);
		assertThat(def(def).get("maximum").asLong()).as(def + " maximum").isEqualTo(max);
	}

	static List<String> strings(JsonNode array) {
		List<String> out = new ArrayList<>();
		array.forEach(n -> out.add(n.asString()));
		return out;
	}

	@Test
	void shouldCarryTheEnginesLimits() {
		range("bytes", 0, PairEvent.MAX_BYTES);
		range("recvMax", 0, PairEvent.MAX_BYTES);
		range("count", 1, PairEvent.MAX_FAULT_COUNT);
		range("nth", 0, PairEvent.MAX_FAULT_COUNT);
		range("delayMs", 0, PairEvent.MAX_DELAY_MS);
		range("onoff", 0, 1);
		range("lingerSeconds", 0, PairEvent.MAX_LINGER_SECONDS);
		range("len", 0, PairEvent.MAX_INJECT_LEN);
		range("seq", 0, PairEvent.MAX_SEQ);
		range("ack", 0, PairEvent.MAX_SEQ);
	}

	@Test
	void shouldNameWhatTheEngineNames() {
		assertThat(strings(def("segment").get("enum")))
			.containsExactlyElementsOf(Arrays.stream(SegmentMatch.values()).map(Enum::name).toList());
		assertThat(strings(def("flags").get("items").get("enum")))
			.containsExactlyElementsOf(Arrays.stream(TcpFlag.values()).map(Enum::name).toList());
		assertThat(strings(def("how").get("enum")))
			.containsExactlyElementsOf(Arrays.stream(PairEvent.ShutdownHow.values()).map(Enum::name).toList());
		assertThat(strings(def("state").get("enum")))
			.containsExactlyElementsOf(Arrays.stream(TcpState.values()).map(Enum::name).toList());
		assertThat(strings(ScenarioSchema.document().at("/properties/profiles/items/enum")))
			.containsExactlyElementsOf(StackConstants.PROFILES);
		List<String> types = new ArrayList<>();
		def("PairEventRequest").get("oneOf")
			.forEach(r -> types
				.add(DEFS.get(r.get("$ref").asString().substring(8)).at("/properties/type/const").asString()));
		assertThat(types).containsExactlyElementsOf(VocabularyModule.EVENT_TYPES);
	}

	/** The actions the schema knows are the reader's, and so are its shorthands. */
	@Test
	void shouldKnowTheReadersActions() {
		JsonNode actions = def("action").at("/else/properties");
		assertThat(actions.propertyNames()).containsAll(ScenarioDocuments.EVENTS.keySet())
			.containsAll(ScenarioDocuments.SHORTHAND.keySet());
		for (String verb : actions.propertyNames()) {
			boolean scalar = actions.get(verb).has("else");
			assertThat(scalar).as(verb + " takes a scalar").isEqualTo(ScenarioDocuments.SHORTHAND.containsKey(verb));
		}
		// every action the schema lets through is one the reader builds
		for (String verb : actions.propertyNames()) {
			String doc = """
					title: {en: T, ko: T}
					summary: {en: S, ko: S}
					steps:
					  - title: {en: T, ko: T}
					    text: {en: T, ko: T}
					    pause: true
					    do: [%s]
					""".formatted(example(verb));
			assertThat(ScenarioDocuments.parse(doc, verb + ".yaml", null).steps()).as(verb).hasSize(1);
		}
	}

	private static String example(String verb) {
		return Map
			.ofEntries(Map.entry("open", "open"), Map.entry("use", "{use: 1}"),
					Map.entry("send", "{send: {side: client, bytes: 1}}"),
					Map.entry("linger", "{linger: {side: client, onoff: 1}}"),
					Map.entry("lose", "{lose: {side: client, segment: ACK}}"),
					Map.entry("duplicate", "{duplicate: {side: client, segment: ACK}}"),
					Map.entry("hold", "{hold: {side: client, segment: ACK}}"),
					Map.entry("delay", "{delay: {side: client, segment: ACK, ms: 5}}"),
					Map.entry("inject", "{inject: {side: client, flags: [RST]}}"), Map.entry("advance", "{advance: 5}"),
					Map.entry("settle", "settle"), Map.entry("idle", "idle"),
					Map.entry("runUntil", "{runUntil: {side: client, state: CLOSED}}"),
					Map.entry("state", "{state: {side: client, into: s}}"), Map.entry("clock", "{clock: {into: t}}"),
					Map.entry("census", "{census: {state: TIME_WAIT, into: n}}"),
					Map.entry("completed", "{completed: {side: client, call: close, into: r}}"),
					Map.entry("load", "{load: {connectionsPerSecond: 1, durationMs: 1}}"),
					Map.entry("repeat", "{repeat: {max: 1, do: [open]}}"))
			.getOrDefault(verb, "{" + verb + ": client}");
	}

	@Test
	void shouldEveryBuiltInDocumentPassTheSchema() {
		YAMLMapper yaml = YAMLMapper.builder().build();
		for (String name : BuiltInScenarios.NAMES) {
			assertThat(ScenarioSchema.check(yaml.readTree(BuiltInScenarios.source(name)), name)).as(name).isEmpty();
		}
	}

	/**
	 * Patterns mean the same everywhere: no inline flags such as Java's {@code (?i)}, no
	 * possessive quantifiers, nothing but what ECMA-262 and java.util.regex share.
	 */
	@Test
	void shouldUseOnlyPortablePatterns() {
		List<String> patterns = new ArrayList<>();
		collect(ScenarioSchema.document(), patterns);
		assertThat(patterns).isNotEmpty();
		for (String p : patterns) {
			assertThat(p).as(p).doesNotContain("(?").doesNotContain("*+").doesNotContain("++").doesNotContain("?+");
			assertThat(p).as(p).doesNotContainPattern("\\\\[AZzGhHRXpP]");
			Pattern.compile(p);
		}
		assertThat(ScenarioSchema.text()).doesNotContain("(?i)");
	}

	private static void collect(JsonNode n, List<String> out) {
		if (n.isObject()) {
			n.properties().forEach(e -> {
				if (e.getKey().equals("pattern") && e.getValue().isString()) {
					out.add(e.getValue().asString());
				}
				else if (e.getKey().equals("patternProperties")) {
					out.addAll(e.getValue().propertyNames());
				}
				collect(e.getValue(), out);
			});
		}
		else if (n.isArray()) {
			n.forEach(x -> collect(x, out));
		}
	}

}
