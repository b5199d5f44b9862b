package dev.tcplab.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Installs {@code clients/python} offline the way its README says for Debian's python3
 * (PEP 668: a venv with {@code --system-site-packages}, then
 * {@code pip install --no-build-isolation --no-deps}) and runs its pytest suite against
 * the app on a random port with the app's default limits (the suite's rate-limit test
 * needs them). Debian's python3-pytest, -requests, -websocket, -pandas, -matplotlib and
 * -venv come from {@code .ci/run}. Locally, without pytest, the test reports a skip;
 * under {@code CI=true} it fails instead, and no pytest test may be skipped there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PythonClientTest {

	@LocalServerPort
	int port;

	static final boolean CI = "true".equals(System.getenv("CI"));

	/**
	 * The first python3 that has pytest: Debian's (where its python3-* packages live)
	 * first.
	 */
	static String pythonWithPytest() {
		for (String candidate : List.of("/usr/bin/python3", "python3")) {
			try {
				Process p = new ProcessBuilder(candidate, "-c", "import pytest").redirectErrorStream(true).start();
				if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
					return candidate;
				}
			}
			catch (Exception ex) {
				// try the next one
			}
		}
		return null;
	}

	static String run(Path dir, Map<String, String> env, List<String> command) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
		pb.environment().putAll(env);
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished in time").isTrue();
		assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
		return out;
	}

	@Test
	void shouldInstallOfflineAndPassItsPytestSuiteAgainstTheApp(@TempDir Path tmp) throws Exception {
		String python = pythonWithPytest();
		assertThat(python != null || !CI).as("python3 with pytest (python3-pytest) must be installed under CI")
			.isTrue();
		assumeTrue(python != null, "no python3 with pytest here (apt-get install python3-pytest)");
		Path client = Path.of("clients/python").toAbsolutePath();
		Path venv = tmp.resolve("venv");
		run(tmp, Map.of(), List.of(python, "-m", "venv", "--system-site-packages", venv.toString()));
		String venvPython = venv.resolve("bin/python").toString();
		run(tmp, Map.of(), List.of(venvPython, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps",
				"--no-index", client.toString()));
		// the installed copy, not the sources, is what the suite imports (it also checks
		// py.typed is in it)
		assertThat(run(tmp, Map.of(), List.of(venvPython, "-c", "import tcplab_client; print(tcplab_client.__file__)")))
			.contains(venv.toString());
		List<String> pytest = new ArrayList<>(List.of(venvPython, "-m", "pytest", "-q", "-rs", "--durations=5", "-p",
				"no:cacheprovider", client.resolve("tests").toString()));
		String out = run(tmp, Map.of("TCPLAB_URL", "http://127.0.0.1:" + port, "MPLBACKEND", "Agg"), pytest);
		System.out.println(out);
		assertThat(out).containsPattern("\\d+ passed").doesNotContain("failed");
		if (CI) {
			assertThat(out).as("under CI pandas and matplotlib are installed: nothing may be skipped")
				.doesNotContain("skipped");
		}
	}

}
