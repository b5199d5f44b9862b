package dev.tcplab.web;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.tcplab.engine.TraceEvent;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.method.HandlerMethod;

/**
 * The rules every operation of the OpenAPI document follows, applied to whatever routes
 * the controllers declare (docs/api.md "OpenAPI"), so a route added anywhere conforms
 * without per-route work:
 * <ul>
 * <li>a success response with the schema of the handler's return type, even where the
 * controller declared only error responses;</li>
 * <li>problem responses ({@code application/problem+json}, schema {@code Problem}, an
 * example each) for 400, 404 (paths with parameters), 413 and 415 (with a body), 429 and
 * 503 (with {@code Retry-After}) and 500, next to those a controller declared (a
 * controller declares an error response by its code and description only: its content is
 * always the problem's);</li>
 * <li>an example for every request and response body (the schema's own, or one built from
 * the schema);</li>
 * <li>meaningful operation ids: a controller method name that says only a verb
 * ({@code get}, {@code one}, {@code run}) or needed a {@code _1} suffix becomes one
 * derived from the method and the path ({@code getSimulation}, {@code listScenarios}); a
 * route whose derived id would say less names its own
 * ({@code @Operation(operationId = "openPair")});</li>
 * <li>trace events as one {@code TraceEvent} with a {@code type} discriminator and
 * self-contained variants (no {@code allOf} back to the parent, so no cycle);</li>
 * <li>portable patterns: a Java-only {@code (?i)} becomes character classes;</li>
 * <li>Jackson's tree type ({@code JsonNode}) is "any JSON value", not a model;</li>
 * <li>{@code security: []}: no operation needs credentials.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ApiContract {

	static final String PROBLEM_JSON = "application/problem+json";

	static final String REF = "#/components/schemas/";

	/** Polymorphic types whose variants the API answers (Jackson type info). */
	static final List<Class<?>> POLYMORPHIC = List.of(TraceEvent.class);

	/** Names a controller method may have that say too little to be an operation id. */
	static final Set<String> VAGUE = Set.of("get", "one", "all", "list", "run", "create", "delete", "update", "put",
			"post", "event", "clock", "pair", "trace", "pcap", "journal", "mine", "keep", "export", "handle", "index");

	@SuppressWarnings("rawtypes")
	private final Map<String, Schema> returnSchemas = new ConcurrentHashMap<>();

	/**
	 * A success response for an operation that declared only error responses, from the
	 * handler's return type.
	 */
	@Bean
	OperationCustomizer successResponses() {
		return (operation, handler) -> {
			if (operation.getResponses() == null) {
				return operation;
			}
			boolean hasSuccess = operation.getResponses().keySet().stream().anyMatch(code -> code.startsWith("2"));
			if (hasSuccess) {
				return operation;
			}
			Schema<?> schema = schemaOf(handler);
			ApiResponse ok = new ApiResponse().description("OK");
			if (schema != null) {
				String media = produces(handler);
				ok.content(new Content().addMediaType(media, new MediaType().schema(schema)));
			}
			operation.getResponses().addApiResponse("200", ok);
			return operation;
		};
	}

	private Schema<?> schemaOf(HandlerMethod handler) {
		Type type = handler.getReturnType().getGenericParameterType();
		ResolvableType resolvable = ResolvableType.forType(type);
		if (ResponseEntity.class.isAssignableFrom(resolvable.toClass())) {
			type = resolvable.getGeneric(0).getType();
		}
		if (type == void.class || type == Void.class) {
			return null;
		}
		ResolvedSchema resolved = ModelConverters.getInstance(true)
			.resolveAsResolvedSchema(new AnnotatedType(type).resolveAsRef(true));
		if (resolved == null || resolved.schema == null) {
			return null;
		}
		if (resolved.referencedSchemas != null) {
			resolved.referencedSchemas.forEach(this.returnSchemas::put);
		}
		return resolved.schema;
	}

	private static String produces(HandlerMethod handler) {
		org.springframework.web.bind.annotation.RequestMapping mapping = org.springframework.core.annotation.AnnotatedElementUtils
			.findMergedAnnotation(handler.getMethod(), org.springframework.web.bind.annotation.RequestMapping.class);
		if (mapping != null && mapping.produces().length > 0) {
			return mapping.produces()[0];
		}
		org.springframework.web.bind.annotation.RequestMapping type = org.springframework.core.annotation.AnnotatedElementUtils
			.findMergedAnnotation(handler.getBeanType(), org.springframework.web.bind.annotation.RequestMapping.class);
		if (type != null && type.produces().length > 0) {
			return type.produces()[0];
		}
		return org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
	}

	/** The document-wide rules; runs after every other customizer. */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	OpenApiCustomizer apiContractRules(JsonMapper json) {
		return openApi -> {
			if (openApi.getComponents() != null) {
				this.returnSchemas.forEach((name, s) -> {
					if (openApi.getComponents().getSchemas() == null
							|| !openApi.getComponents().getSchemas().containsKey(name)) {
						openApi.getComponents().addSchemas(name, s);
					}
				});
			}
			ObjectNode doc = (ObjectNode) json.readTree(Json31.pretty(openApi));
			apply(doc, polymorphic(json));
			OpenAPI fixed;
			try {
				fixed = Json31.mapper().readValue(doc.toString(), OpenAPI.class);
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			openApi.setPaths(fixed.getPaths());
			openApi.setComponents(fixed.getComponents());
			openApi.setSecurity(fixed.getSecurity());
		};
	}

	/** Every rule, on the document as a JSON tree. */
	static void apply(ObjectNode doc, List<Polymorphic> polymorphic) {
		ObjectNode schemas = doc.withObject("/components").withObject("schemas");
		jsonNodeIsAnyValue(doc, schemas);
		for (Polymorphic p : polymorphic) {
			discriminate(doc, schemas, p);
		}
		breakCycles(schemas);
		portablePatterns(doc);
		typedDefaults(doc);
		schemas.set("Problem", problemSchema());
		operations(doc, schemas);
		if (!doc.has("security")) {
			doc.set("security", JsonNodeFactory.instance.arrayNode());
		}
	}

	// ---- polymorphic types ----

	/**
	 * A Jackson polymorphic type: the parent's schema name, its property, its variants.
	 */
	record Polymorphic(String parent, String property, Map<String, String> variants) {
	}

	static List<Polymorphic> polymorphic(JsonMapper json) {
		List<Polymorphic> all = new ArrayList<>();
		for (Class<?> base : POLYMORPHIC) {
			Class<?> mixin = json.serializationConfig().findMixInClassFor(base);
			Class<?> annotated = mixin != null ? mixin : base;
			JsonTypeInfo info = annotated.getAnnotation(JsonTypeInfo.class);
			JsonSubTypes subtypes = annotated.getAnnotation(JsonSubTypes.class);
			if (info == null || subtypes == null) {
				continue;
			}
			Map<String, String> variants = new LinkedHashMap<>();
			for (JsonSubTypes.Type t : subtypes.value()) {
				variants.put(t.name(), t.value().getSimpleName());
			}
			all.add(new Polymorphic(base.getSimpleName(), info.property(), variants));
		}
		return all;
	}

	/**
	 * Makes {@code parent} a {@code oneOf} of self-contained variants with a
	 * discriminator. A variant {@code State} of {@code TraceEvent} becomes
	 * {@code TraceState} (the bare names collide in generated clients: {@code Call},
	 * {@code Timer}).
	 */
	static void discriminate(ObjectNode doc, ObjectNode schemas, Polymorphic p) {
		if (!schemas.has(p.parent())) {
			return;
		}
		String prefix = p.parent().endsWith("Event") ? p.parent().substring(0, p.parent().length() - 5) : p.parent();
		Map<String, String> renamed = new LinkedHashMap<>();
		ArrayNode oneOf = JsonNodeFactory.instance.arrayNode();
		ObjectNode mapping = JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, String> v : p.variants().entrySet()) {
			String old = v.getValue();
			String name = prefix + old;
			JsonNode variant = schemas.get(old);
			if (variant == null) {
				continue;
			}
			ObjectNode flat = flatten(schemas, variant, p.parent());
			ObjectNode props = flat.withObject("properties");
			ObjectNode typeProp = JsonNodeFactory.instance.objectNode();
			typeProp.put("type", "string");
			typeProp.putArray("enum").add(v.getKey());
			typeProp.put("description", "Which kind of " + p.parent() + " this is");
			ObjectNode ordered = JsonNodeFactory.instance.objectNode();
			ordered.set(p.property(), typeProp);
			props.properties().forEach(e -> {
				if (!e.getKey().equals(p.property())) {
					ordered.set(e.getKey(), e.getValue());
				}
			});
			flat.set("properties", ordered);
			ArrayNode required = JsonNodeFactory.instance.arrayNode().add(p.property());
			if (flat.has("required")) {
				flat.get("required").forEach(r -> {
					if (!r.asString().equals(p.property())) {
						required.add(r);
					}
				});
			}
			flat.set("required", required);
			schemas.remove(old);
			schemas.set(name, flat);
			renamed.put(old, name);
			oneOf.addObject().put("$ref", REF + name);
			mapping.put(v.getKey(), REF + name);
		}
		// references to a variant, and lists of all variants, point to the renamed
		// variant or the parent (whose own schema is replaced only afterwards)
		JsonNode before = schemas.get(p.parent());
		rewrite(doc, renamed, p.parent());
		ObjectNode parent = JsonNodeFactory.instance.objectNode();
		if (before.has("description")) {
			parent.set("description", before.get("description"));
		}
		parent.set("oneOf", oneOf);
		parent.putObject("discriminator").put("propertyName", p.property()).set("mapping", mapping);
		schemas.set(p.parent(), parent);
	}

	/**
	 * A parent with a discriminator whose variants are {@code allOf} the parent again
	 * (what swagger makes of a Jackson-annotated sealed type) is a cycle that client
	 * generators cannot follow: each variant becomes self-contained, with the
	 * discriminator property fixed to its own value.
	 */
	static void breakCycles(ObjectNode schemas) {
		List<String> names = new ArrayList<>();
		schemas.properties().forEach(e -> names.add(e.getKey()));
		for (String parent : names) {
			JsonNode p = schemas.get(parent);
			JsonNode mapping = p.path("discriminator").path("mapping");
			String property = p.path("discriminator").path("propertyName").asString("");
			if (!mapping.isObject() || property.isEmpty()) {
				continue;
			}
			ArrayNode oneOf = JsonNodeFactory.instance.arrayNode();
			mapping.properties().forEach(m -> {
				String name = m.getValue().asString().replace(REF, "");
				JsonNode variant = schemas.get(name);
				oneOf.addObject().put("$ref", REF + name);
				if (variant == null || !refersTo(variant.path("allOf"), parent)) {
					return;
				}
				ObjectNode flat = flatten(schemas, variant, parent);
				ObjectNode typeProp = JsonNodeFactory.instance.objectNode();
				typeProp.put("type", "string");
				typeProp.putArray("enum").add(m.getKey());
				ObjectNode ordered = JsonNodeFactory.instance.objectNode();
				ordered.set(property, typeProp);
				flat.withObject("properties").properties().forEach(e -> {
					if (!e.getKey().equals(property)) {
						ordered.set(e.getKey(), e.getValue());
					}
				});
				flat.set("properties", ordered);
				ArrayNode required = JsonNodeFactory.instance.arrayNode().add(property);
				flat.path("required").forEach(r -> {
					if (!r.asString().equals(property)) {
						required.add(r);
					}
				});
				flat.set("required", required);
				schemas.set(name, flat);
			});
			((ObjectNode) p).set("oneOf", oneOf);
			((ObjectNode) p).remove(List.of("properties", "required", "type", "allOf"));
		}
	}

	private static boolean refersTo(JsonNode allOf, String parent) {
		for (JsonNode part : allOf) {
			if (part.path("$ref").asString("").equals(REF + parent)) {
				return true;
			}
		}
		return false;
	}

	private static ObjectNode flatten(ObjectNode schemas, JsonNode variant, String parent) {
		ObjectNode flat = JsonNodeFactory.instance.objectNode();
		flat.put("type", "object");
		if (variant.has("allOf")) {
			for (JsonNode part : variant.get("allOf")) {
				if (part.has("$ref") && part.get("$ref").asString().equals(REF + parent)) {
					continue;
				}
				merge(flat, part);
			}
			variant.properties().forEach(e -> {
				if (!e.getKey().equals("allOf")) {
					flat.set(e.getKey(), e.getValue());
				}
			});
		}
		else {
			merge(flat, variant);
		}
		return flat;
	}

	private static void merge(ObjectNode into, JsonNode part) {
		part.properties().forEach(e -> {
			if (e.getKey().equals("properties")) {
				into.withObject("properties").setAll((ObjectNode) e.getValue());
			}
			else if (e.getKey().equals("required")) {
				into.withArray("required").addAll((ArrayNode) e.getValue());
			}
			else {
				into.set(e.getKey(), e.getValue());
			}
		});
	}

	private static void rewrite(JsonNode node, Map<String, String> renamed, String parent) {
		if (node.isObject()) {
			ObjectNode o = (ObjectNode) node;
			if (o.has("$ref")) {
				String ref = o.get("$ref").asString();
				if (ref.startsWith(REF) && renamed.containsKey(ref.substring(REF.length()))) {
					o.put("$ref", REF + renamed.get(ref.substring(REF.length())));
				}
			}
			for (String key : List.of("oneOf", "anyOf")) {
				if (o.has(key) && allVariants(o.get(key), renamed)) {
					o.remove(key);
					o.put("$ref", REF + parent);
				}
			}
			o.properties().forEach(e -> rewrite(e.getValue(), renamed, parent));
		}
		else if (node.isArray()) {
			node.forEach(n -> rewrite(n, renamed, parent));
		}
	}

	private static boolean allVariants(JsonNode list, Map<String, String> renamed) {
		Set<String> refs = new HashSet<>();
		list.forEach(n -> refs.add(n.path("$ref").asString("").replace(REF, "")));
		return !renamed.isEmpty() && (refs.equals(renamed.keySet()) || refs.equals(new HashSet<>(renamed.values())));
	}

	// ---- patterns and Jackson's tree type ----

	static void portablePatterns(JsonNode node) {
		if (node.isObject()) {
			ObjectNode o = (ObjectNode) node;
			JsonNode pattern = o.get("pattern");
			if (pattern != null && pattern.isString() && pattern.asString().startsWith("(?i)")) {
				o.put("pattern", caseless(pattern.asString().substring(4)));
			}
			o.properties().forEach(e -> portablePatterns(e.getValue()));
		}
		else if (node.isArray()) {
			node.forEach(ApiContract::portablePatterns);
		}
	}

	/**
	 * The same language without the {@code (?i)} flag: each letter outside a character
	 * class becomes {@code [xX]}, each letter inside one gets its other case added.
	 */
	static String caseless(String regex) {
		StringBuilder b = new StringBuilder();
		boolean inClass = false;
		for (int i = 0; i < regex.length(); i++) {
			char c = regex.charAt(i);
			if (c == '\\' && i + 1 < regex.length()) {
				b.append(c).append(regex.charAt(++i));
				continue;
			}
			if (c == '[') {
				inClass = true;
			}
			else if (c == ']') {
				inClass = false;
			}
			if (Character.isLetter(c) && Character.toLowerCase(c) != Character.toUpperCase(c)) {
				String both = "" + Character.toLowerCase(c) + Character.toUpperCase(c);
				b.append(inClass ? both : "[" + both + "]");
			}
			else {
				b.append(c);
			}
		}
		return b.toString();
	}

	/**
	 * A {@code default} written as text for a number or boolean
	 * ({@code @Schema(defaultValue = "10")}) becomes a number or boolean.
	 */
	static void typedDefaults(JsonNode node) {
		if (node.isObject()) {
			ObjectNode o = (ObjectNode) node;
			JsonNode d = o.get("default");
			String type = o.path("type").asString("");
			if (d != null && d.isString()) {
				try {
					switch (type) {
						case "integer" -> o.put("default", Long.parseLong(d.asString()));
						case "number" -> o.put("default", Double.parseDouble(d.asString()));
						case "boolean" -> o.put("default", Boolean.parseBoolean(d.asString()));
						default -> {
						}
					}
				}
				catch (NumberFormatException ex) {
					o.remove("default");
				}
			}
			o.properties().forEach(e -> typedDefaults(e.getValue()));
		}
		else if (node.isArray()) {
			node.forEach(ApiContract::typedDefaults);
		}
	}

	/** {@code JsonNode} (Jackson's tree) is any JSON value. */
	static void jsonNodeIsAnyValue(ObjectNode doc, ObjectNode schemas) {
		if (!schemas.has("JsonNode")) {
			return;
		}
		schemas.remove("JsonNode");
		replaceRef(doc, REF + "JsonNode");
	}

	private static void replaceRef(JsonNode node, String ref) {
		if (node.isObject()) {
			ObjectNode o = (ObjectNode) node;
			if (o.has("$ref") && o.get("$ref").asString().equals(ref)) {
				o.remove("$ref");
				if (!o.has("description")) {
					o.put("description", "Any JSON value");
				}
			}
			o.properties().forEach(e -> replaceRef(e.getValue(), ref));
		}
		else if (node.isArray()) {
			node.forEach(n -> replaceRef(n, ref));
		}
	}

	// ---- operations ----

	static void operations(ObjectNode doc, ObjectNode schemas) {
		ObjectNode paths = doc.withObject("paths");
		Map<String, Integer> seen = new LinkedHashMap<>();
		List<ObjectNode> ops = new ArrayList<>();
		List<String> keys = new ArrayList<>();
		paths.properties().forEach(path -> path.getValue().properties().forEach(m -> {
			if (!List.of("get", "put", "post", "delete", "patch", "head", "options").contains(m.getKey())) {
				return;
			}
			ObjectNode op = (ObjectNode) m.getValue();
			String key = m.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
			String id = operationId(key, op.path("operationId").asString(""));
			op.put("operationId", id);
			seen.merge(id, 1, Integer::sum);
			ops.add(op);
			keys.add(key);
			problems(op, path.getKey(), m.getKey());
			examples(op, schemas);
		}));
		// ids still shared: qualify each with its path's resources
		for (int i = 0; i < ops.size(); i++) {
			ObjectNode op = ops.get(i);
			if (seen.get(op.get("operationId").asString()) > 1) {
				op.put("operationId", derived(keys.get(i), true));
			}
		}
	}

	static String operationId(String key, String current) {
		boolean vague = current.isEmpty() || current.matches(".*_\\d+$") || VAGUE.contains(current)
				|| !current.matches(".*[A-Z].*");
		return vague ? derived(key, false) : current;
	}

	/**
	 * {@code GET /api/simulations/{id}} → getSimulation, {@code GET /api/scenarios} →
	 * listScenarios, {@code POST /api/simulations/{id}/keep} → keepSimulation, …
	 */
	static String derived(String key, boolean qualified) {
		String method = key.substring(0, key.indexOf(' '));
		String[] parts = key.substring(key.indexOf(' ') + 1).split("/");
		List<String> names = new ArrayList<>();
		boolean endsWithParam = false;
		for (String part : parts) {
			if (part.isEmpty() || part.equals("api")) {
				continue;
			}
			endsWithParam = part.startsWith("{");
			if (!endsWithParam) {
				names.add(camel(part.replace('.', '-')));
			}
		}
		if (names.isEmpty()) {
			return method.toLowerCase(Locale.ROOT) + "Root";
		}
		String last = names.get(names.size() - 1);
		String owner = names.size() > 1 ? singular(names.get(names.size() - 2)) : "";
		boolean plural = last.endsWith("s") && !last.endsWith("ss");
		String noun;
		String verb;
		if (endsWithParam) {
			verb = switch (method) {
				case "DELETE" -> "delete";
				case "PUT" -> "replace";
				case "PATCH" -> "update";
				default -> "get";
			};
			noun = singular(last);
		}
		else if (plural) {
			verb = method.equals("GET") ? "list" : method.equals("POST") ? "create" : method.toLowerCase(Locale.ROOT);
			noun = method.equals("GET") ? last : singular(last);
			noun = (qualified ? owner : "") + noun;
		}
		else if (method.equals("POST") && !owner.isEmpty()) {
			// an action on a resource: POST /api/simulations/{id}/keep → keepSimulation
			return decap(last) + owner;
		}
		else {
			verb = method.equals("GET") ? "get" : method.toLowerCase(Locale.ROOT);
			noun = (qualified || !owner.isEmpty() ? owner : "") + last;
		}
		if (qualified && endsWithParam) {
			noun = String.join("", names.subList(0, names.size() - 1).stream().map(ApiContract::singular).toList())
					+ noun;
		}
		return verb + noun;
	}

	private static String camel(String part) {
		StringBuilder b = new StringBuilder();
		for (String w : part.split("[-_]")) {
			if (!w.isEmpty()) {
				b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
			}
		}
		return b.toString();
	}

	private static String decap(String s) {
		return Character.toLowerCase(s.charAt(0)) + s.substring(1);
	}

	private static String singular(String s) {
		if (s.endsWith("ies")) {
			return s.substring(0, s.length() - 3) + "y";
		}
		if (s.endsWith("s") && !s.endsWith("ss")) {
			return s.substring(0, s.length() - 1);
		}
		return s;
	}

	// ---- problem responses ----

	static ObjectNode problemSchema() {
		ObjectNode s = JsonNodeFactory.instance.objectNode();
		s.put("type", "object");
		s.put("description", "RFC 9457 problem details: what went wrong, in words (detail), and extra members "
				+ "for the cases that have them. type is absent (about:blank).");
		ObjectNode p = s.putObject("properties");
		p.putObject("type").put("type", "string").put("format", "uri-reference");
		p.putObject("title").put("type", "string").put("description", "Short, the same for every problem of a kind");
		p.putObject("status").put("type", "integer").put("format", "int32").put("minimum", 400).put("maximum", 599);
		p.putObject("detail").put("type", "string").put("description", "What was wrong with this request");
		p.putObject("instance").put("type", "string").put("format", "uri-reference");
		ObjectNode errors = p.putObject("errors");
		errors.put("type", "array").put("description", "Validation errors (400)");
		ObjectNode error = errors.putObject("items");
		error.put("type", "object");
		ObjectNode ep = error.putObject("properties");
		for (String f : List.of("field", "message", "rejected")) {
			ep.putObject(f).put("type", "string");
		}
		ObjectNode problems = p.putObject("problems");
		problems.put("type", "array").put("description", "Every mistake of a scenario document (400)");
		ObjectNode problem = problems.putObject("items");
		problem.put("type", "object");
		ObjectNode pp = problem.putObject("properties");
		pp.putObject("file").put("type", "string");
		pp.putObject("step").put("type", "integer").put("format", "int32");
		pp.putObject("field").put("type", "string");
		pp.putObject("message").put("type", "string");
		p.putObject("limit").put("type", "string").put("description", "The limit reached (429)");
		p.putObject("retryAfterSeconds")
			.put("type", "integer")
			.put("format", "int64")
			.put("description", "Seconds to wait (429, as Retry-After)");
		p.putObject("retryable")
			.put("type", "boolean")
			.put("description", "The request was not applied and may be sent again unchanged (503)");
		p.putObject("errno").put("type", "string").put("description", "The simulated socket API's errno (409)");
		p.putObject("line").put("type", "integer").put("format", "int32").put("description", "Script line (400)");
		p.putObject("column").put("type", "integer").put("format", "int32");
		s.putArray("required").add("title").add("status");
		s.put("additionalProperties", true);
		return s;
	}

	static void problems(ObjectNode op, String path, String method) {
		ObjectNode responses = op.withObject("responses");
		boolean body = op.has("requestBody");
		Map<String, String> wanted = new LinkedHashMap<>();
		wanted.put("400", "Invalid request: malformed, or a value out of range; detail names it");
		if (path.contains("{")) {
			wanted.put("404", "Not found: unknown simulation, pair or scenario");
		}
		if (body) {
			wanted.put("413", "Request body too large");
			wanted.put("415", "Unsupported content type");
		}
		wanted.put("429", "A limit: too many requests, simulations or CPU time; Retry-After when waiting helps");
		wanted.put("500", "The server failed on this request; nothing was changed");
		wanted.put("503", "Not applied (journal unavailable, or busy): send it again after Retry-After");
		for (Map.Entry<String, String> w : wanted.entrySet()) {
			if (!responses.has(w.getKey())) {
				responses.putObject(w.getKey()).put("description", w.getValue());
			}
		}
		List<String> codes = new ArrayList<>();
		responses.properties().forEach(e -> codes.add(e.getKey()));
		for (String code : codes) {
			if (!(code.startsWith("4") || code.startsWith("5"))) {
				continue;
			}
			ObjectNode r = (ObjectNode) responses.get(code);
			if (!r.has("description") || r.get("description").asString().isBlank()) {
				r.put("description", wanted.getOrDefault(code, "Error"));
			}
			ObjectNode content = JsonNodeFactory.instance.objectNode();
			ObjectNode media = content.putObject(PROBLEM_JSON);
			media.putObject("schema").put("$ref", REF + "Problem");
			media.set("example", problemExample(Integer.parseInt(code), path, r.get("description").asString()));
			r.set("content", content);
			if (code.equals("429") || code.equals("503")) {
				ObjectNode header = r.withObject("headers").putObject("Retry-After");
				header.put("description", "Seconds to wait before sending the request again");
				header.putObject("schema").put("type", "integer").put("format", "int32").put("minimum", 0);
			}
		}
		// responses in code order
		ObjectNode sorted = JsonNodeFactory.instance.objectNode();
		codes.clear();
		responses.properties().forEach(e -> codes.add(e.getKey()));
		codes.stream().sorted().forEach(c -> sorted.set(c, responses.get(c)));
		op.set("responses", sorted);
	}

	static ObjectNode problemExample(int status, String path, String description) {
		ObjectNode e = JsonNodeFactory.instance.objectNode();
		String instance = path.replace("{id}", "8a6edde2-0198-438d-b740-8fc457119cc9")
			.replace("{pairId}", "1")
			.replace("{name}", "lost-last-ack")
			// any other path variable ({n}, a capture's id, …): a URI reference still
			.replaceAll("\\{[^}]*}", "1");
		switch (status) {
			case 400 -> e.put("title", "Invalid request")
				.put("detail", "profile must be one of rfc9293, linux, bsd, windows, got \"solaris\"");
			case 404 -> e.put("title", "Simulation not found")
				.put("detail",
						"no simulation with id \"8a6edde2-0198-438d-b740-8fc457119cc9\" (it never existed, was deleted, or its journal expired)");
			case 409 -> e.put("title", "Refused by the simulated socket API")
				.put("detail", "bind() to client port 1500 failed with EADDRINUSE: the port is still held")
				.put("errno", "EADDRINUSE");
			case 413 -> e.put("title", "Request body too large")
				.put("detail", "the request body has 70000 bytes; the limit is 65536 bytes");
			case 415 -> e.put("title", "Unsupported Media Type")
				.put("detail", "Content-Type 'application/xml' is not supported.");
			case 429 -> e.put("title", "Limit exceeded")
				.put("detail", "more than 50 requests per second from your address; wait 1 s")
				.put("limit", "requestsPerSecond")
				.put("retryAfterSeconds", 1);
			case 503 -> e.put("title", "Journal unavailable")
				.put("detail",
						"the simulation journal (database) cannot be reached; the request was not applied, retry it")
				.put("retryable", true);
			case 500 -> e.put("title", "Internal error")
				.put("detail",
						"the server failed on this request; the simulation was left as it was before the failing step");
			default -> e.put("title", description).put("detail", description);
		}
		e.put("status", status);
		e.put("instance", instance);
		return e;
	}

	// ---- examples ----

	static void examples(ObjectNode op, ObjectNode schemas) {
		List<JsonNode> contents = new ArrayList<>();
		JsonNode body = op.path("requestBody").path("content");
		if (body.isObject()) {
			contents.add(body);
		}
		op.path("responses").properties().forEach(r -> {
			if (r.getValue().path("content").isObject()) {
				contents.add(r.getValue().get("content"));
			}
		});
		for (JsonNode content : contents) {
			content.properties().forEach(m -> {
				ObjectNode media = (ObjectNode) m.getValue();
				if (!media.has("schema") && m.getKey().startsWith("text/")) {
					media.putObject("schema").put("type", "string");
				}
				if (media.has("example") || media.has("examples") || !media.has("schema")) {
					return;
				}
				JsonNode sample = ApiExamples.sample(media.get("schema"), schemas);
				if (sample == null && m.getKey().startsWith("text/")) {
					sample = JsonNodeFactory.instance.stringNode("…");
				}
				if (sample != null) {
					media.set("example", sample);
				}
			});
		}
	}

}
