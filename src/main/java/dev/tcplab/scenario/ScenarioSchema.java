package dev.tcplab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.scenario.ScenarioDocuments.Problem;

/**
 * The JSON Schema (2020-12) of scenario documents,
 * {@code src/main/resources/schemas/scenario-document.schema.json}: written once, served
 * at {@code GET /api/scenarios/schema} for editors and other tools, and the first check
 * of every document read here. Its definitions of the events' fields carry the limits of
 * the engine's {@code PairEvent} (a test holds them equal), and the OpenAPI document
 * takes the events route's body schemas from it.
 * <p>
 * Each schema error becomes a {@link Problem} worded like the reader's own: the step
 * (1-based) and the field path ({@code do[2].send.bytes}) where it is, and a message
 * built from the schema itself ({@code missing: a whole number between 0 and 67108864},
 * {@code must be client or server, got "left"}, {@code unknown action "teleport"; known:
 * …}).
 */
public final class ScenarioSchema {

	/** Where the schema is on the class path. */
	public static final String RESOURCE = "/schemas/scenario-document.schema.json";

	private static final String TEXT = load();

	private static final JsonNode DOCUMENT = JsonMapper.builder().build().readTree(TEXT);

	private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
		.getSchema(DOCUMENT);

	private ScenarioSchema() {
	}

	/** The schema as written (JSON text). */
	public static String text() {
		return TEXT;
	}

	/** The schema as a tree (a copy). */
	public static JsonNode document() {
		return DOCUMENT.deepCopy();
	}

	/** The problems of a document the schema finds, at most one per field. */
	static List<Problem> check(JsonNode tree, String file) {
		Map<String, Problem> out = new LinkedHashMap<>();
		for (Error e : SCHEMA.validate(tree)) {
			Problem p = problem(e, file);
			out.putIfAbsent(p.step() + " " + p.field(), p);
		}
		return List.copyOf(out.values());
	}

	private static Problem problem(Error e, String file) {
		List<Object> at = elements(e.getInstanceLocation());
		String keyword = e.getKeyword();
		NodePath schemaAt = e.getSchemaLocation().getFragment();
		JsonNode owner = node(parent(elements(schemaAt)));
		String message;
		switch (keyword) {
			case "required" -> {
				at.add(e.getProperty());
				String hint = describe(deref(owner.path("properties").path(e.getProperty())), false);
				message = "missing" + (hint == null ? "" : ": " + hint);
			}
			case "additionalProperties" -> {
				at.add(e.getProperty());
				message = "unknown field; known fields here: "
						+ String.join(", ", owner.path("properties").propertyNames().stream().sorted().toList());
			}
			case "propertyNames" -> message = unknown(e.getSchemaNode(), e.getProperty());
			case "enum", "const" -> message = owner.has("title") ? unknown(owner, e.getInstanceNode().asString())
					: "must be " + describe(owner, true) + ", got " + kind(e.getInstanceNode());
			case "minItems" -> message = "needs at least " + e.getSchemaNode() + " entries, got " + size(e);
			case "maxItems" -> message = "takes at most " + e.getSchemaNode() + " entries, got " + size(e);
			default -> message = "must be " + describe(described(elements(schemaAt)), true) + ", got "
					+ kind(e.getInstanceNode());
		}
		// {close: left}: the scalar stands for the action's first argument
		if (at.size() >= 2 && at.get(at.size() - 2) instanceof Integer && e.getInstanceNode() != null
				&& e.getInstanceNode().isValueNode()
				&& ScenarioDocuments.SHORTHAND.containsKey(String.valueOf(at.get(at.size() - 1)))) {
			at.add(ScenarioDocuments.SHORTHAND.get(String.valueOf(at.get(at.size() - 1))));
		}
		Integer step = null;
		if (at.size() >= 2 && "steps".equals(at.get(0)) && at.get(1) instanceof Integer i) {
			step = i + 1;
			at = at.subList(2, at.size());
		}
		return new Problem(file, step, field(at), message);
	}

	private static String unknown(JsonNode schema, String value) {
		List<String> known = new ArrayList<>();
		schema.path("enum").forEach(v -> known.add(v.asString()));
		return "unknown " + schema.path("title").asString("value") + " \"" + value + "\"; known: "
				+ String.join(", ", known);
	}

	private static int size(Error e) {
		return e.getInstanceNode() == null ? 0 : e.getInstanceNode().size();
	}

	/**
	 * What a schema asks for, as words: {@code a whole number between 1 and 65535},
	 * {@code client or server}, its {@code description}; null for a plain text when
	 * {@code always} is false.
	 */
	private static String describe(JsonNode s, boolean always) {
		if (s.has("minimum") && s.has("maximum")) {
			return "a whole number between " + s.get("minimum") + " and " + s.get("maximum");
		}
		if (s.has("enum")) {
			List<String> v = new ArrayList<>();
			s.get("enum").forEach(x -> v.add(x.asString()));
			return v.size() == 2 ? v.get(0) + " or " + v.get(1) : "one of " + String.join(", ", v);
		}
		if (!always && "string".equals(s.path("type").asString(""))) {
			return null;
		}
		if (s.has("description")) {
			return s.get("description").asString();
		}
		return switch (s.path("type").asString("")) {
			case "boolean" -> "true or false";
			case "object" -> "a mapping";
			case "array" -> "a list";
			case "string" -> "a text";
			default -> "valid";
		};
	}

	/**
	 * The nearest schema at or above the one holding the failed keyword that says what it
	 * wants (a description, a range or a list of values).
	 */
	private static JsonNode described(List<Object> keywordAt) {
		List<Object> at = parent(keywordAt);
		while (true) {
			JsonNode s = node(at);
			if (at.isEmpty() || s.has("description") || s.has("enum") || s.has("minimum")) {
				return s;
			}
			at = parent(at);
		}
	}

	private static List<Object> elements(NodePath path) {
		List<Object> out = new ArrayList<>();
		for (int i = 0; i < path.getNameCount(); i++) {
			out.add(path.getElement(i));
		}
		return out;
	}

	private static List<Object> parent(List<Object> at) {
		return at.isEmpty() ? at : new ArrayList<>(at.subList(0, at.size() - 1));
	}

	private static JsonNode node(List<Object> at) {
		JsonNode n = DOCUMENT;
		for (Object e : at) {
			n = e instanceof Integer i ? n.path(i) : n.path(String.valueOf(e));
		}
		return n;
	}

	/** Follows local {@code $ref}s. */
	private static JsonNode deref(JsonNode s) {
		while (s.has("$ref") && s.get("$ref").asString().startsWith("#/")) {
			JsonNode n = DOCUMENT;
			for (String name : s.get("$ref").asString().substring(2).split("/")) {
				n = n.path(name);
			}
			s = n;
		}
		return s;
	}

	/** {@code do[2].send.bytes}; null for the document itself. */
	private static String field(List<Object> at) {
		StringBuilder b = new StringBuilder();
		for (Object e : at) {
			if (e instanceof Integer i) {
				b.append('[').append(i).append(']');
			}
			else {
				b.append(b.isEmpty() ? "" : ".").append(e);
			}
		}
		return b.isEmpty() ? null : b.toString();
	}

	static String kind(JsonNode n) {
		if (n == null || n.isNull() || n.isMissingNode()) {
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

	private static String load() {
		try (InputStream in = ScenarioSchema.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
