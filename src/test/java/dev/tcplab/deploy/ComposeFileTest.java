package dev.tcplab.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code deploy/compose.yaml} (issue 21) against the Compose specification's JSON schema
 * as Debian's {@code docker-compose} package ships it (offline; {@code .ci/run} installs
 * the package, and a missing schema fails under {@code CI=true}), and what the schema
 * cannot say: the image is built once, every service has a memory limit, the app's
 * healthcheck is liveness only.
 */
class ComposeFileTest {

	static final Path SCHEMA = Path.of("/usr/lib/python3/dist-packages/compose/config/compose_spec.json");

	static final JsonMapper JSON = JsonMapper.builder().build();

	static Schema schema;

	@BeforeAll
	static void loadSchema() throws IOException {
		if (!Files.isRegularFile(SCHEMA)) {
			if ("true".equals(System.getenv("CI"))) {
				fail("the Compose schema " + SCHEMA
						+ " is missing (Debian package docker-compose; .ci/run installs it)");
			}
			Assumptions.abort("no Compose schema here (apt-get install docker-compose): skipping");
		}
		// the file names its dialect by an old URL and keeps draft-4 "id" annotations
		// (JSON pointers to themselves, which change nothing): read as draft 2019-09
		String text = Files.readString(SCHEMA)
			.replaceFirst("\"\\$schema\"\\s*:\\s*\"[^\"]*\",", "")
			.replaceAll("\"id\"\\s*:\\s*\"(#[^\"]*|compose_spec\\.json)\"\\s*,", "");
		schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2019_09)
			.getSchema(text, InputFormat.JSON);
	}

	/**
	 * The compose file as JSON, YAML anchors and merge keys resolved (as compose does).
	 */
	static JsonNode compose(String yaml) {
		Object tree = new Yaml().load(yaml);
		return JSON.valueToTree(tree);
	}

	static String composeText() throws IOException {
		return Files.readString(Path.of("deploy/compose.yaml"));
	}

	@Test
	void shouldComposeFileMatchTheComposeSchema() throws IOException {
		List<Error> errors = schema.validate(compose(composeText()));
		assertThat(errors).as("schema errors").isEmpty();
	}

	@Test
	void shouldSchemaRejectABrokenComposeFile() throws IOException {
		// the check is not vacuous: a memory limit of the wrong type and an unknown key
		// are
		// refused
		String broken = composeText().replace("memory: 1g", "memory: [1]")
			.replace("restart: unless-stopped", "restart: unless-stopped\n  restarts: 3");
		assertThat(schema.validate(compose(broken))).hasSizeGreaterThanOrEqualTo(2);
	}

	@Test
	void shouldBuildTheImageOnceAndLimitEveryServicesMemory() throws IOException {
		JsonNode services = compose(composeText()).get("services");
		List<String> built = services.propertyNames().stream().filter(n -> services.get(n).has("build")).toList();
		assertThat(built).as("services that build the image").containsExactly("app1");
		String image = services.get("app1").get("image").asString();
		assertThat(services.get("app2").get("image").asString()).isEqualTo(image);
		assertThat(services.get("app2").get("pull_policy").asString()).isEqualTo("never");
		for (String name : services.propertyNames()) {
			assertThat(services.get(name).at("/deploy/resources/limits/memory").asString(""))
				.as("memory limit of " + name)
				.isNotEmpty();
		}
		JsonNode health = services.get("app1").get("healthcheck").get("test");
		assertThat(health.toString()).contains("/actuator/health/liveness");
		Map<String, Object> env = JSON.convertValue(services.get("app2").get("environment"), Map.class);
		assertThat(env).containsKey("SPRING_DATASOURCE_URL");
	}

}
