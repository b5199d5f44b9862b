package dev.tcplab.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.tcplab.testing.RequiredInCi;
import dev.tcplab.testing.ServerTest;

import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Docs that cannot drift: every shell, Python and console snippet of README.md, docs/*.md
 * and clients/python/README.md runs against the app
 * ({@code src/test/python/doc_snippets.py} says how: bash blocks of a file in one session
 * with {@code curl --fail-with-body}, console transcripts checked line by line, Python
 * blocks with the client on PYTHONPATH). A block that must not run carries
 * {@code <!-- not run: reason -->}; the test prints how many there are and why.
 */
@ServerTest
class DocSnippetsTest {

	@LocalServerPort
	int port;

	static boolean on(String command) {
		try {
			Process p = new ProcessBuilder("bash", "-c", "command -v " + command).start();
			return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

	@Test
	void shouldRunEveryShellAndPythonSnippetOfTheDocsAgainstTheApp() throws Exception {
		for (String tool : new String[] { "bash", "curl", "python3", "tshark" }) {
			RequiredInCi.require(on(tool), tool + " (the snippets use it; .ci/run installs it)");
		}
		String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
		Process p = new ProcessBuilder(python, "src/test/python/doc_snippets.py", "http://127.0.0.1:" + port)
			.redirectErrorStream(true)
			.start();
		String out = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("finished in time").isTrue();
		System.out.println(out);
		assertThat(p.exitValue()).as(out).isZero();
		Matcher m = Pattern
			.compile("snippets: (\\d+) run \\((\\d+) bash, (\\d+) python, (\\d+) console\\), (\\d+) not run")
			.matcher(out);
		assertThat(m.find()).as(out).isTrue();
		assertThat(Integer.parseInt(m.group(2))).as("bash snippets run").isGreaterThanOrEqualTo(5);
		assertThat(Integer.parseInt(m.group(3))).as("python snippets run").isGreaterThanOrEqualTo(2);
		assertThat(Integer.parseInt(m.group(4))).as("console transcripts run").isGreaterThanOrEqualTo(1);
		assertThat(out).doesNotContain("(no reason given)");
	}

}
