package dev.tcplab.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.RequiredInCi;
import dev.tcplab.testing.ServerTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The live OpenAPI document as integrators and client generators read it: 0 errors in
 * Redocly (recommended) and Spectral (oas), installed from src/test/openapi/package.json
 * by {@code npm ci} (.ci/run); every operation with a meaningful id, a success response
 * and problem responses with schema and example; trace events as one discriminated union
 * without cycles; no Java-only regular expressions.
 */
@ServerTest
class OpenApiContractTest {

	static final Path TOOLS = Path.of("src/test/openapi");

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	JsonNode doc() {
		HttpJson.Answer answer = new HttpJson(port, json).get("/v3/api-docs");
		assertThat(answer.status()).isEqualTo(200);
		return answer.json();
	}

	static List<JsonNode> operations(JsonNode doc) {
		List<JsonNode> ops = new ArrayList<>();
		doc.get("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> ops.add(m.getValue())));
		return ops;
	}

	@Test
	void shouldDescribeEveryOperationWithASuccessAndProblemResponsesWithSchemasAndExamples() {
		JsonNode doc = doc();
		assertThat(operations(doc)).hasSizeGreaterThanOrEqualTo(17);
		doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(m -> {
			String where = m.getKey() + " " + path.getKey();
			JsonNode responses = m.getValue().get("responses");
			List<String> codes = new ArrayList<>();
			responses.properties().forEach(r -> codes.add(r.getKey()));
			assertThat(codes).as(where).anyMatch(c -> c.startsWith("2"));
			assertThat(codes).as(where).contains("400", "429", "500", "503");
			if (path.getKey().contains("{")) {
				assertThat(codes).as(where).contains("404");
			}
			responses.properties().forEach(r -> {
				if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
					JsonNode media = r.getValue().path("content").path("application/problem+json");
					assertThat(media.path("schema").path("$ref").asString()).as(where + " " + r.getKey())
						.isEqualTo("#/components/schemas/Problem");
					assertThat(media.path("example").path("status").asInt()).as(where + " " + r.getKey())
						.isEqualTo(Integer.parseInt(r.getKey()));
				}
				else {
					r.getValue()
						.path("content")
						.properties()
						.forEach(c -> assertThat(c.getValue().has("example"))
							.as(where + " " + r.getKey() + " " + c.getKey() + " example")
							.isTrue());
				}
			});
			assertThat(responses.path("503").path("headers").has("Retry-After")).as(where).isTrue();
		}));
	}

	@Test
	void shouldNameEveryOperationMeaningfullyAndOnce() {
		Set<String> ids = new HashSet<>();
		for (JsonNode op : operations(doc())) {
			String id = op.path("operationId").asString();
			assertThat(id).matches("[a-z]+[A-Z][A-Za-z]*");
			assertThat(ApiContract.VAGUE).doesNotContain(id);
			assertThat(ids.add(id)).as("unique: " + id).isTrue();
		}
		assertThat(ids).contains("createSimulation", "getSimulation", "deleteSimulation", "openPair", "applyPairEvent",
				"moveClock", "getPair", "getSimulationTrace", "getPcap", "listScenarios", "getScenario", "runScenario",
				"runPacketdrill", "exportPacketdrill", "compareVariants");
	}

	@Test
	void shouldDiscriminateTraceEventsWithoutCyclesAndUsePortablePatterns() {
		JsonNode doc = doc();
		JsonNode schemas = doc.get("components").get("schemas");
		JsonNode trace = schemas.get("TraceEvent");
		assertThat(trace.path("discriminator").path("propertyName").asString()).isEqualTo("type");
		assertThat(trace.path("discriminator").path("mapping").propertyNames()).containsExactlyInAnyOrder("state",
				"segment", "call", "timer", "note", "census");
		trace.get("discriminator").get("mapping").properties().forEach(m -> {
			JsonNode variant = schemas.get(m.getValue().asString().replace("#/components/schemas/", ""));
			assertThat(variant.has("allOf")).as("no allOf back to the parent: " + m.getKey()).isFalse();
			assertThat(variant.path("properties").path("type").path("enum").get(0).asString()).isEqualTo(m.getKey());
		});
		// every discriminated union: no variant refers back to its parent
		schemas.properties().forEach(s -> s.getValue().path("discriminator").path("mapping").properties().forEach(m -> {
			JsonNode variant = schemas.get(m.getValue().asString().replace("#/components/schemas/", ""));
			assertThat(variant.toString()).as(s.getKey() + " → " + m.getKey())
				.doesNotContain("\"#/components/schemas/" + s.getKey() + "\"");
		}));
		assertThat(doc.toString()).doesNotContain("(?i)").doesNotContain("\"JsonNode\"");
	}

	@Test
	void shouldPassRedoclyAndSpectralWithoutErrors(@TempDir Path dir) throws Exception {
		Path bin = TOOLS.resolve("node_modules/.bin");
		RequiredInCi.require(Files.isExecutable(bin.resolve("redocly")) && Files.isExecutable(bin.resolve("spectral")),
				"the OpenAPI linters (cd src/test/openapi && npm ci; .ci/run does it)");
		Path file = dir.resolve("openapi.json");
		Files.writeString(file, doc().toString());
		String redocly = run(List.of(bin.resolve("redocly").toAbsolutePath().toString(), "lint", "--config",
				TOOLS.resolve("redocly.yaml").toAbsolutePath().toString(), "--format", "json", file.toString()));
		JsonNode totals = json.readTree(redocly.substring(redocly.indexOf('{'))).get("totals");
		System.out.println("Redocly (recommended): " + totals);
		assertThat(totals.get("errors").asInt()).as(redocly).isZero();
		String spectral = run(List.of(bin.resolve("spectral").toAbsolutePath().toString(), "lint", "--ruleset",
				TOOLS.resolve(".spectral.yaml").toAbsolutePath().toString(), "--format", "json", "--fail-severity",
				"error", file.toString()));
		JsonNode results = json.readTree(spectral.substring(spectral.indexOf('[')));
		int errors = 0;
		int warnings = 0;
		for (JsonNode r : results) {
			errors += r.get("severity").asInt() == 0 ? 1 : 0;
			warnings += r.get("severity").asInt() == 1 ? 1 : 0;
		}
		System.out.println("Spectral (oas): " + errors + " errors, " + warnings + " warnings");
		assertThat(errors).as(spectral).isZero();
	}

	static String run(List<String> command) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
		pb.environment().put("REDOCLY_TELEMETRY", "off");
		pb.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
		pb.redirectError(ProcessBuilder.Redirect.DISCARD);
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
		return out;
	}

}
