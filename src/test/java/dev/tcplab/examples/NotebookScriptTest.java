package dev.tcplab.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs {@code examples/notebook/tcplab_demo.py} and the code cells of
 * {@code tcplab_demo.ipynb} with python3 against the app on a random port. Skipped only
 * when python3 is missing outside CI.
 */
// every test client is 127.0.0.1: the per-client simulation cap would count them all as
// one
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "tcplab.budget.max-simulations-per-client=1000")
class NotebookScriptTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	static boolean python() {
		try {
			return new ProcessBuilder("python3", "--version").start().waitFor(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			return false;
		}
	}

	static String run(Path dir, String... command) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
		// the notebook imports tcplab_client; here it runs from a temporary folder, so
		// point at the repository's copy
		pb.environment().put("PYTHONPATH", Path.of("clients/python/src").toAbsolutePath().toString());
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(p.exitValue()).as(out).isZero();
		return out;
	}

	static void requirePython() {
		boolean have = python();
		assertThat(have || !"true".equals(System.getenv("CI"))).as("python3 must be installed under CI").isTrue();
		assumeTrue(have, "python3 not installed");
	}

	static void assertPcap(Path file) throws Exception {
		byte[] bytes = Files.readAllBytes(file);
		assertThat(bytes.length).isGreaterThan(24 + 16 + 40);
		assertThat(new byte[] { bytes[0], bytes[1], bytes[2], bytes[3] })
			.isEqualTo(new byte[] { (byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1 });
	}

	@Test
	void scriptCreatesLosesTheLastAckAndSavesThePcap(@TempDir Path dir) throws Exception {
		requirePython();
		Path script = Path.of("examples/notebook/tcplab_demo.py").toAbsolutePath();
		String out = run(dir, "python3", script.toString(), "--base-url", "http://127.0.0.1:" + port, "--out",
				dir.resolve("x.pcap").toString());
		assertThat(out).contains("# scenario lost-last-ack")
			.contains("client: CLOSED -> SYN_SENT -> ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT")
			.contains("server: LISTEN -> SYN_RECEIVED -> ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED")
			.contains("ACK lost")
			.contains("(RETRANSMISSION)")
			.contains(
					"client after TIME_WAIT: CLOSED -> SYN_SENT -> ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> CLOSED");
		assertPcap(dir.resolve("x.pcap"));
		String ko = run(dir, "python3", script.toString(), "--base-url", "http://127.0.0.1:" + port, "--lang", "ko",
				"--profile", "rfc9293", "--out", dir.resolve("y.pcap").toString());
		assertThat(ko).containsPattern("[가-힣]");
	}

	@Test
	void notebookCellsRunTheSameSteps(@TempDir Path dir) throws Exception {
		requirePython();
		JsonNode nb = json.readTree(Path.of("examples/notebook/tcplab_demo.ipynb").toFile());
		List<String> code = new ArrayList<>();
		for (JsonNode cell : nb.get("cells")) {
			if (cell.get("cell_type").asString().equals("code")) {
				StringBuilder b = new StringBuilder();
				cell.get("source").forEach(l -> b.append(l.asString()));
				code.add(b.toString());
			}
		}
		String program = String.join("\n\n", code)
			.replace("BASE_URL = \"http://localhost:8080\"", "BASE_URL = \"http://127.0.0.1:" + port + "\"");
		assertThat(program).contains("127.0.0.1:" + port);
		Files.writeString(dir.resolve("nb.py"), program);
		String out = run(dir, "python3", "nb.py");
		assertThat(out).contains("client: CLOSED -> SYN_SENT -> ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT");
		assertPcap(dir.resolve("lost-last-ack.pcap"));
	}

}
