package dev.tcplab.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.RequiredInCi;
import dev.tcplab.testing.ServerTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 26: the WebSocket stream has a machine-readable contract, {@code GET
 * /asyncapi.yaml} (AsyncAPI 3.0). It passes the AsyncAPI parser (@asyncapi/parser, pinned
 * in src/test/openapi and installed by .ci/run), names every trace event type of the REST
 * contract's TraceEvent union, and every message a live stream sends validates against
 * the schema of its message.
 */
@ServerTest
class AsyncApiDocumentTest {

	static final Path TOOLS = Path.of("src/test/openapi");

	static final YAMLMapper YAML = YAMLMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	HttpJson http() {
		return new HttpJson(this.port, this.json);
	}

	String text() {
		HttpJson.Answer answer = http().get("/asyncapi.yaml");
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.contentType()).startsWith("application/yaml");
		return answer.text();
	}

	JsonNode doc() {
		return YAML.readTree(text());
	}

	@Test
	void shouldPassTheAsyncApiParserWithoutErrors(@TempDir Path dir) throws Exception {
		Path parser = TOOLS.resolve("node_modules/@asyncapi/parser");
		RequiredInCi.require(Files.isDirectory(parser),
				"the AsyncAPI parser (cd src/test/openapi && npm ci; .ci/run does it)");
		Path file = dir.resolve("asyncapi.yaml");
		Files.writeString(file, text());
		Process p = new ProcessBuilder("node", TOOLS.resolve("asyncapi-validate.mjs").toAbsolutePath().toString(),
				file.toString())
			.directory(TOOLS.toFile())
			.redirectErrorStream(true)
			.start();
		String out = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
		System.out.println("AsyncAPI parser: " + out.strip());
		JsonNode result = this.json.readTree(out.substring(out.indexOf('{')));
		assertThat(result.get("errors")).as(out).isEmpty();
		assertThat(p.exitValue()).as(out).isZero();
		List<String> messages = new ArrayList<>();
		result.get("messages").forEach(m -> messages.add(m.asString()));
		assertThat(messages).containsExactlyInAnyOrder("snapshot", "traceEvent", "clock", "heartbeat", "error",
				"closed");
	}

	@Test
	void shouldNameEveryTraceEventTypeOfTheRestContract() {
		JsonNode api = http().get("/v3/api-docs").json();
		Set<String> rest = new LinkedHashSet<>(
				api.at("/components/schemas/TraceEvent/discriminator/mapping").propertyNames());
		Set<String> stream = new LinkedHashSet<>();
		doc().at("/components/schemas/TraceEvent/properties/type/enum").forEach(t -> stream.add(t.asString()));
		assertThat(rest).isNotEmpty();
		assertThat(stream).isEqualTo(rest);
	}

	@Test
	void shouldDescribeEveryMessageOfALiveStream() throws Exception {
		JsonNode schemas = doc().at("/components/schemas");
		Map<String, String> schemaOfType = Map.of("snapshot", "Snapshot", "clock", "Clock", "heartbeat", "Heartbeat",
				"error", "StreamError", "closed", "Closed");
		HttpJson http = http();
		String id = http.post("/api/simulations", "{\"seed\":7}").json().get("id").asString();
		long pair = http.post("/api/simulations/" + id + "/pairs", "{\"serverPort\":80}").json().get("id").asLong();
		StreamTestClient viewer = StreamTestClient.connect(this.port, id, 0L);
		viewer.await(m -> "snapshot".equals(m.path("type").asString()), Duration.ofSeconds(10));
		assertThat(http
			.post("/api/simulations/" + id + "/pairs/" + pair + "/events", "{\"type\":\"close\",\"side\":\"client\"}")
			.status()).isEqualTo(200);
		assertThat(http.post("/api/simulations/" + id + "/clock", "{\"speed\":2}").status()).isEqualTo(200);
		assertThat(http.post("/api/simulations/" + id + "/clock", "{\"advanceMs\":1000}").status()).isEqualTo(200);
		viewer.await(m -> "clock".equals(m.path("type").asString()), Duration.ofSeconds(10));
		assertThat(http.delete("/api/simulations/" + id).status()).isEqualTo(204);
		viewer.closed.get(10, TimeUnit.SECONDS);
		Set<String> seen = new LinkedHashSet<>();
		for (JsonNode message : viewer.messages()) {
			String type = message.path("type").asString();
			String name = message.has("seq") ? "TraceEvent" : schemaOfType.get(type);
			assertThat(name).as("a message type the document names: " + message).isNotNull();
			seen.add(name);
			List<Error> errors = schema(schemas, name).validate(message);
			assertThat(errors).as(name + " " + message).isEmpty();
		}
		assertThat(seen).contains("Snapshot", "TraceEvent", "Clock", "Closed");
	}

	/**
	 * One schema of the document's components with its siblings in reach (AsyncAPI's
	 * schema objects are a superset of JSON Schema draft 07).
	 */
	static Schema schema(JsonNode schemas, String name) {
		String text = "{\"$ref\":\"#/components/schemas/" + name + "\",\"components\":{\"schemas\":" + schemas + "}}";
		return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(text);
	}

}
