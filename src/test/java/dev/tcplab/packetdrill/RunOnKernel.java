package dev.tcplab.packetdrill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tcplab.testing.RequiredInCi;

/**
 * Runs packetdrill scripts against this machine's real kernel with
 * {@code ../shared/packetdrill/run-on-kernel} (one call for many scripts). Where the tool
 * is missing or the machine cannot run it (exit 77: no root, no unshare, no /dev/net/tun)
 * the calling test is skipped with a notice (a failure under {@code CI=true}), never
 * passed silently.
 */
final class RunOnKernel {

	/** One script's outcome: passed, and packetdrill's last lines when it failed. */
	record Outcome(boolean passed, String detail) {
	}

	private RunOnKernel() {
	}

	static Path tool() {
		Path p = Path.of(System.getProperty("tcplab.run-on-kernel", "../shared/packetdrill/run-on-kernel"));
		RequiredInCi.require(Files.isExecutable(p), p.toAbsolutePath().normalize()
				+ " (the packetdrill runner for the real kernel; set -Dtcplab.run-on-kernel=PATH)");
		return p;
	}

	/** Runs every script once; the key is the script's path as given. */
	static Map<Path, Outcome> run(List<Path> scripts) throws IOException, InterruptedException {
		Path tool = tool();
		List<String> cmd = new ArrayList<>();
		cmd.add(tool.toAbsolutePath().toString());
		for (Path s : scripts) {
			cmd.add(s.toAbsolutePath().toString());
		}
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		byte[] out = p.getInputStream().readAllBytes();
		if (!p.waitFor(10, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new IllegalStateException("run-on-kernel did not finish in 10 minutes");
		}
		String text = new String(out, StandardCharsets.UTF_8);
		RequiredInCi.require(p.exitValue() != 77,
				"a kernel packetdrill can run on (run-on-kernel exit 77: " + text.strip() + ")");
		Map<Path, Outcome> result = new LinkedHashMap<>();
		Path current = null;
		boolean passed = false;
		StringBuilder detail = new StringBuilder();
		for (String line : text.split("\n")) {
			if (line.startsWith("pass  ") || line.startsWith("FAIL  ")) {
				if (current != null) {
					result.put(current, new Outcome(passed, detail.toString().strip()));
				}
				current = Path.of(line.substring(6).strip());
				passed = line.startsWith("pass");
				detail.setLength(0);
			}
			else if (current != null) {
				detail.append(line.strip()).append('\n');
			}
		}
		if (current != null) {
			result.put(current, new Outcome(passed, detail.toString().strip()));
		}
		Map<Path, Outcome> byGiven = new LinkedHashMap<>();
		for (Path s : scripts) {
			Outcome o = result.get(s.toAbsolutePath());
			byGiven.put(s, o == null ? new Outcome(false, "no result from run-on-kernel; its output:\n" + text) : o);
		}
		return byGiven;
	}

}
