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

import dev.tcplab.testing.RequiredInCi;
import dev.tcplab.testing.ServerTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs {@code examples/notebook/tcplab_demo.py} with python3 and executes
 * {@code tcplab_demo.ipynb} headless with jupyter-nbconvert against the app on a random
 * port. Skipped only when python3 or nbconvert is missing outside CI.
 */
@ServerTest
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
	void shouldRunTheScriptThatLosesTheLastAckAndSavesThePcap(@TempDir Path dir) throws Exception {
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

	/**
	 * The notebook runs headless with Debian's jupyter-nbconvert (its python3 kernel),
	 * the server's URL from TCPLAB_URL; every cell succeeds, the ladder is shown exactly
	 * once, and what the cells print is what the notebook was saved with (ids and the
	 * server's address aside), so the saved outputs cannot drift from the code.
	 */
	@Test
	void shouldExecuteTheNotebookHeadlessAndPrintWhatItWasSavedWith(@TempDir Path dir) throws Exception {
		boolean nbconvert = Files.isExecutable(Path.of("/usr/bin/jupyter-nbconvert"));
		RequiredInCi.require(nbconvert, "jupyter-nbconvert (apt-get install jupyter-nbconvert python3-ipykernel)");
		Path notebook = Path.of("examples/notebook/tcplab_demo.ipynb").toAbsolutePath();
		Path out = dir.resolve("executed.ipynb");
		ProcessBuilder pb = new ProcessBuilder("/usr/bin/jupyter-nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.timeout=120", notebook.toString(), "--output", out.toString())
			.directory(dir.toFile())
			.redirectErrorStream(true);
		pb.environment().put("TCPLAB_URL", "http://127.0.0.1:" + port);
		pb.environment().put("PYTHONPATH", Path.of("clients/python/src").toAbsolutePath().toString());
		pb.environment().put("MPLBACKEND", "module://matplotlib_inline.backend_inline");
		Process p = pb.start();
		String log = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
		assertThat(p.exitValue()).as(log).isZero();
		List<JsonNode> fresh = codeCells(json.readTree(out.toFile()));
		List<JsonNode> saved = codeCells(json.readTree(notebook.toFile()));
		assertThat(fresh).hasSameSizeAs(saved);
		for (int i = 0; i < fresh.size(); i++) {
			String source = text(fresh.get(i).get("source"));
			assertThat(outputs(fresh.get(i), "error")).as("cell %d raised", i).isZero();
			assertThat(saved.get(i).get("outputs").size()).as("cell %d is saved with its outputs", i).isPositive();
			assertThat(normalised(printed(fresh.get(i)))).as("cell %d:\n%s", i, source)
				.isEqualTo(normalised(printed(saved.get(i))));
			if (source.strip().equals("sim.ladder()")) {
				assertThat(images(fresh.get(i))).as("the ladder is shown once").isEqualTo(1);
				assertThat(images(saved.get(i))).isEqualTo(1);
			}
		}
		String all = fresh.stream().map(NotebookScriptTest::printed).reduce("", String::concat);
		assertThat(all).contains("client: CLOSED -> SYN_SENT -> ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT")
			.contains("client FIN_WAIT_2 -> TIME_WAIT")
			.contains("PacketdrillRun(passed=True");
	}

	private static List<JsonNode> codeCells(JsonNode nb) {
		List<JsonNode> cells = new ArrayList<>();
		nb.get("cells").forEach(c -> {
			if (c.get("cell_type").asString().equals("code")) {
				cells.add(c);
			}
		});
		return cells;
	}

	private static String text(JsonNode node) {
		if (node == null) {
			return "";
		}
		if (node.isArray()) {
			StringBuilder b = new StringBuilder();
			node.forEach(l -> b.append(l.asString()));
			return b.toString();
		}
		return node.asString();
	}

	private static long outputs(JsonNode cell, String type) {
		long n = 0;
		for (JsonNode o : cell.get("outputs")) {
			n += o.get("output_type").asString().equals(type) ? 1 : 0;
		}
		return n;
	}

	private static long images(JsonNode cell) {
		long n = 0;
		for (JsonNode o : cell.get("outputs")) {
			n += o.has("data") && o.get("data").has("image/png") ? 1 : 0;
		}
		return n;
	}

	/** What a cell printed and answered, as text. */
	private static String printed(JsonNode cell) {
		StringBuilder b = new StringBuilder();
		for (JsonNode o : cell.get("outputs")) {
			if (o.has("text")) {
				b.append(text(o.get("text")));
			}
			if (o.has("data") && o.get("data").has("text/plain")) {
				b.append(text(o.get("data").get("text/plain"))).append('\n');
			}
		}
		return b.toString();
	}

	private static String normalised(String s) {
		return s.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
			.replaceAll("http://[A-Za-z0-9.:-]+", "<url>");
	}

}
