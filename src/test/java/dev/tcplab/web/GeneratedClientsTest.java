package dev.tcplab.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.RequiredInCi;
import dev.tcplab.testing.ServerTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;

/**
 * Clients generated from the live OpenAPI document work: openapi-generator (Maven
 * Central, copied to target/tools by the build) makes a Java client (library native) and
 * a Python client in one run; openapi-typescript makes TypeScript types. One full flow
 * goes through each (src/test/openapi/flow): the Java client compiles and runs it, the
 * Python client imports and runs it, the TypeScript flow type-checks under --strict
 * without casts and runs with node.
 */
@ServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientsTest {

	static final Path GENERATOR = Path.of("target/tools/openapi-generator-cli.jar");

	static final Path TOOLS = Path.of("src/test/openapi").toAbsolutePath();

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	Path dir;

	String base;

	@AfterAll
	void clean() throws Exception {
		FileSystemUtils.deleteRecursively(this.dir);
	}

	@BeforeAll
	void generate() throws Exception {
		this.dir = Files.createTempDirectory("tcplab-clients");
		this.base = "http://127.0.0.1:" + port;
		Files.writeString(dir.resolve("openapi.json"), new HttpJson(port, json).get("/v3/api-docs").text());
		if (!Files.exists(GENERATOR)) {
			return;
		}
		String common = "inputSpec: " + dir.resolve("openapi.json") + "\n";
		Files.writeString(dir.resolve("java.yaml"), common + """
				generatorName: java
				library: native
				outputDir: %s
				apiPackage: dev.gen.api
				modelPackage: dev.gen.model
				invokerPackage: dev.gen
				additionalProperties:
				  hideGenerationTimestamp: true
				  useJakartaEe: true
				  openApiNullable: false
				""".formatted(dir.resolve("java")));
		Files.writeString(dir.resolve("python.yaml"), common + """
				generatorName: python
				outputDir: %s
				additionalProperties:
				  packageName: tcplab_api
				""".formatted(dir.resolve("python")));
		run(dir, Map.of(), List.of(javaBin(), "-jar", GENERATOR.toAbsolutePath().toString(), "batch", "--fail-fast",
				dir.resolve("java.yaml").toString(), dir.resolve("python.yaml").toString()));
	}

	static String javaBin() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	@Test
	void shouldCompileTheGeneratedJavaClientAndRunAFlowThroughIt() throws Exception {
		RequiredInCi.require(Files.exists(GENERATOR), "openapi-generator-cli (./mvnw copies it to target/tools)");
		Path src = dir.resolve("java/src/main/java");
		Files.copy(TOOLS.resolve("flow/Flow.java"), src.resolve("Flow.java"));
		List<String> sources;
		try (Stream<Path> files = Files.walk(src)) {
			sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
		}
		Path classes = Files.createDirectories(dir.resolve("java-classes"));
		String classpath = System.getProperty("java.class.path");
		java.io.StringWriter errors = new java.io.StringWriter();
		javax.tools.JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		boolean compiled = javac
			.getTask(errors, null, null, List.of("-nowarn", "-proc:none", "-d", classes.toString(), "-cp", classpath),
					null, javac.getStandardFileManager(null, null, null).getJavaFileObjectsFromStrings(sources))
			.call();
		int rc = compiled ? 0 : 1;
		assertThat(rc).as("the generated Java client compiles:\n" + errors).isZero();
		String out = run(dir, Map.of(),
				List.of(javaBin(), "-cp", classes + java.io.File.pathSeparator + classpath, "Flow", base));
		assertThat(out).contains("java flow ok");
		System.out.println(out.strip());
	}

	@Test
	void shouldImportTheGeneratedPythonClientAndRunAFlowThroughIt() throws Exception {
		RequiredInCi.require(Files.exists(GENERATOR), "openapi-generator-cli (./mvnw copies it to target/tools)");
		boolean pydantic2 = run(dir, Map.of(),
				List.of("python3", "-c", "import pydantic, sys; print('v' + pydantic.VERSION)"), false)
			.contains("v2");
		RequiredInCi.require(pydantic2,
				"python3 with pydantic 2, urllib3, python-dateutil (the generated client's needs)");
		String out = run(dir, Map.of("PYTHONPATH", dir.resolve("python").toString()),
				List.of("python3", TOOLS.resolve("flow/flow.py").toString(), base));
		assertThat(out).contains("python flow ok");
		System.out.println(out.strip());
	}

	@Test
	void shouldTypeCheckTheTypeScriptFlowUnderStrictWithoutCastsAndRunIt() throws Exception {
		Path bin = TOOLS.resolve("node_modules/.bin");
		RequiredInCi.require(
				Files.isExecutable(bin.resolve("openapi-typescript")) && Files.isExecutable(bin.resolve("tsc")),
				"openapi-typescript and typescript (cd src/test/openapi && npm ci; .ci/run does it)");
		Path ts = Files.createDirectories(dir.resolve("ts"));
		Files.createSymbolicLink(ts.resolve("node_modules"), TOOLS.resolve("node_modules"));
		String flow = Files.readString(TOOLS.resolve("flow/flow.ts"));
		assertThat(flow).as("no casts").doesNotContain(" as ").doesNotContain("<any>").doesNotContain("@ts-");
		Files.writeString(ts.resolve("flow.ts"), flow);
		Files.copy(TOOLS.resolve("flow/tsconfig.json"), ts.resolve("tsconfig.json"));
		// a field with a default may be left out of a request
		run(ts, Map.of(), List.of(bin.resolve("openapi-typescript").toString(), dir.resolve("openapi.json").toString(),
				"--default-non-nullable=false", "-o", ts.resolve("schema.d.ts").toString()));
		run(ts, Map.of(), List.of(bin.resolve("tsc").toString(), "-p", ts.resolve("tsconfig.json").toString()));
		String out = run(ts, Map.of(), List.of("node", ts.resolve("out/flow.js").toString(), base));
		assertThat(out).contains("typescript flow ok");
		System.out.println(out.strip());
	}

	static String run(Path dir, Map<String, String> env, List<String> command) throws Exception {
		return run(dir, env, command, true);
	}

	static String run(Path dir, Map<String, String> env, List<String> command, boolean mustSucceed) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
		pb.environment().putAll(env);
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("finished in time: " + command).isTrue();
		if (mustSucceed) {
			assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
		}
		return out;
	}

}
