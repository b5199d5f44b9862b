package dev.tcplab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a harness main class in a fresh JVM with its own heap limit (so a peak heap is
 * that run's alone), echoes its output and collects its {@code RESULT key=value} lines.
 */
final class ForkedJvm {

	private ForkedJvm() {
	}

	static Map<String, String> run(List<String> jvmArgs, Class<?> main, List<String> args)
			throws IOException, InterruptedException {
		return run(System.getProperty("java.class.path"), jvmArgs, main, args);
	}

	/** The same with another class path (for example another build's classes). */
	static Map<String, String> run(String classPath, List<String> jvmArgs, Class<?> main, List<String> args)
			throws IOException, InterruptedException {
		List<String> cmd = new ArrayList<>();
		cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		cmd.addAll(jvmArgs);
		cmd.add("-cp");
		cmd.add(classPath);
		cmd.add(main.getName());
		cmd.addAll(args);
		System.out.println(
				"  $ java " + String.join(" ", jvmArgs) + " " + main.getSimpleName() + " " + String.join(" ", args));
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		Map<String, String> results = new LinkedHashMap<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = r.readLine()) != null) {
				System.out.println("  | " + line);
				if (line.startsWith("RESULT ")) {
					String kv = line.substring(7);
					int eq = kv.indexOf('=');
					results.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
				}
			}
		}
		int exit = p.waitFor();
		results.put("exitCode", Integer.toString(exit));
		return results;
	}

	/** Prints one result line for the parent to collect. */
	static void result(String key, Object value) {
		System.out.println("RESULT " + key + "=" + value);
	}

}
