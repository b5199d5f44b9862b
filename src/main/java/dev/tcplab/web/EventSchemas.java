package dev.tcplab.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.tcplab.json.VocabularyModule;
import dev.tcplab.scenario.ScenarioSchema;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The body schemas of the events route in the OpenAPI document: {@code PairEventRequest}
 * (one of the event schemas, selected by {@code type}) and one schema per event type,
 * taken from the definitions of the scenario document schema ({@link ScenarioSchema}),
 * where they are written once beside the fields they share with scenario documents. The
 * shared field definitions are written into each event schema, so the OpenAPI document
 * holds no reference to anything outside it.
 */
@Configuration(proxyBeanMethods = false)
class EventSchemas {

	static final String UNION = "PairEventRequest";

	@Bean
	OpenApiCustomizer pairEventSchemas() {
		JsonNode defs = ScenarioSchema.document().get("$defs");
		Map<String, Schema<?>> schemas = new LinkedHashMap<>();
		Discriminator discriminator = new Discriminator().propertyName("type");
		schemas.put(UNION, schema(defs, defs.get(UNION)).discriminator(discriminator));
		for (JsonNode ref : defs.get(UNION).get("oneOf")) {
			String name = name(ref);
			JsonNode event = defs.get(name);
			discriminator.mapping(event.get("properties").get("type").get("const").asString(),
					"#/components/schemas/" + name);
			schemas.put(name, schema(defs, event));
		}
		if (!discriminator.getMapping().keySet().equals(new java.util.LinkedHashSet<>(VocabularyModule.EVENT_TYPES))) {
			throw new IllegalStateException("the schema's events " + discriminator.getMapping().keySet()
					+ " are not the events the service reads " + VocabularyModule.EVENT_TYPES);
		}
		return openApi -> schemas.forEach((name, s) -> openApi.getComponents().addSchemas(name, s));
	}

	private static Schema<?> schema(JsonNode defs, JsonNode node) {
		try {
			return Json31.mapper().readValue(inline(defs, node).toString(), Schema.class);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * The node with every reference to a shared definition replaced by the definition; a
	 * reference to an event schema points to its component instead.
	 */
	private static JsonNode inline(JsonNode defs, JsonNode node) {
		if (node.isObject() && node.has("$ref")) {
			String name = name(node);
			JsonNode target = defs.get(name);
			if (target.path("properties").has("type")) {
				return ((ObjectNode) node.deepCopy()).put("$ref", "#/components/schemas/" + name);
			}
			return inline(defs, target);
		}
		JsonNode copy = node.deepCopy();
		if (copy.isObject()) {
			for (var e : node.properties()) {
				((ObjectNode) copy).set(e.getKey(), inline(defs, e.getValue()));
			}
		}
		else if (copy.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				((tools.jackson.databind.node.ArrayNode) copy).set(i, inline(defs, node.get(i)));
			}
		}
		return copy;
	}

	private static String name(JsonNode ref) {
		return ref.get("$ref").asString().substring("#/$defs/".length());
	}

}
