package dev.tcplab.web;

import java.util.HashSet;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An example value built from a JSON Schema of the OpenAPI document: the schema's own
 * {@code example} where it has one, else its {@code const}, first {@code enum} value or
 * {@code default}, else a value of its type within its bounds. Objects get every property
 * (a reference already being expanded is left out, so recursive schemas end), arrays one
 * item, a {@code oneOf} its first variant. Used for bodies that have no example of their
 * own ({@link ApiContract}).
 */
final class ApiExamples {

	private static final JsonNodeFactory F = JsonNodeFactory.instance;

	private static final int MAX_DEPTH = 12;

	private ApiExamples() {
	}

	static JsonNode sample(JsonNode schema, ObjectNode schemas) {
		return sample(schema, schemas, new HashSet<>(), 0);
	}

	/**
	 * A variant's example names its variant: the discriminator property set to the
	 * mapping key of {@code ref}, as a client reading the union needs it.
	 */
	private static JsonNode withDiscriminator(JsonNode v, JsonNode discriminator, String ref) {
		if (v == null || !v.isObject() || !discriminator.has("propertyName")) {
			return v;
		}
		String property = discriminator.get("propertyName").asString();
		for (var m : discriminator.path("mapping").properties()) {
			if (m.getValue().asString().equals(ref)) {
				ObjectNode copy = ((ObjectNode) v).deepCopy();
				copy.put(property, m.getKey());
				return copy;
			}
		}
		return v;
	}

	private static JsonNode sample(JsonNode schema, ObjectNode schemas, Set<String> expanding, int depth) {
		if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
			return null;
		}
		if (schema.has("example")) {
			return schema.get("example");
		}
		if (schema.has("examples") && schema.get("examples").isArray() && !schema.get("examples").isEmpty()) {
			return schema.get("examples").get(0);
		}
		if (schema.has("const")) {
			return schema.get("const");
		}
		if (schema.has("enum") && !schema.get("enum").isEmpty()) {
			return schema.get("enum").get(0);
		}
		if (schema.has("default")) {
			return schema.get("default");
		}
		if (schema.has("$ref")) {
			String name = schema.get("$ref").asString().replace(ApiContract.REF, "");
			if (!expanding.add(name)) {
				return null;
			}
			try {
				return sample(schemas.get(name), schemas, expanding, depth + 1);
			}
			finally {
				expanding.remove(name);
			}
		}
		for (String key : new String[] { "oneOf", "anyOf" }) {
			if (schema.has(key) && !schema.get(key).isEmpty()) {
				JsonNode first = schema.get(key).get(0);
				JsonNode v = sample(first, schemas, expanding, depth + 1);
				return withDiscriminator(v, schema.path("discriminator"), first.path("$ref").asString(""));
			}
		}
		if (schema.has("allOf")) {
			ObjectNode merged = F.objectNode();
			for (JsonNode part : schema.get("allOf")) {
				JsonNode s = sample(part, schemas, expanding, depth + 1);
				if (s == null) {
					// a part without an example: the whole has none either
					return null;
				}
				if (s.isObject()) {
					merged.setAll((ObjectNode) s);
				}
			}
			// the schema's own properties next to allOf (e.g. a checked expectation's
			// "passed")
			schema.path("properties").properties().forEach(e -> {
				JsonNode v = sample(e.getValue(), schemas, expanding, depth + 1);
				if (v != null) {
					merged.set(e.getKey(), v);
				}
			});
			// nothing known (too deep): no example rather than an empty object that
			// misses the parts' required properties
			return merged.isEmpty() ? null : merged;
		}
		String type = type(schema);
		switch (type) {
			case "object": {
				ObjectNode o = F.objectNode();
				schema.path("properties").properties().forEach(e -> {
					JsonNode v = sample(e.getValue(), schemas, expanding, depth + 1);
					if (v != null) {
						o.set(e.getKey(), v);
					}
				});
				for (JsonNode required : schema.path("required")) {
					if (!o.has(required.asString())) {
						// too deep to know it: no example rather than an invalid one
						return null;
					}
				}
				return o;
			}
			case "array": {
				ArrayNode a = F.arrayNode();
				JsonNode item = sample(schema.get("items"), schemas, expanding, depth + 1);
				if (item != null) {
					a.add(item);
				}
				return a;
			}
			case "integer":
				return F.numberNode(schema.has("minimum") ? schema.get("minimum").asLong() : 0L);
			case "number":
				return F.numberNode(schema.has("minimum") ? schema.get("minimum").asDouble() : 0.0);
			case "boolean":
				return F.booleanNode(false);
			case "string":
				if (schema.has("pattern")) {
					return null; // no value known to match
				}
				String format = schema.path("format").asString("");
				return F.stringNode(switch (format) {
					case "date-time" -> "2026-12-06T12:00:00Z";
					case "uri", "uri-reference" -> "/api/simulations";
					case "binary", "byte" -> "";
					default -> "text";
				});
			default:
				// no type: any JSON value; an empty object is one
				return schema.has("not") ? null : F.objectNode();
		}
	}

	private static String type(JsonNode schema) {
		JsonNode t = schema.get("type");
		if (t == null) {
			return schema.has("properties") ? "object" : "";
		}
		if (t.isArray()) {
			for (JsonNode v : t) {
				if (!v.asString().equals("null")) {
					return v.asString();
				}
			}
			return "";
		}
		return t.asString();
	}

}
