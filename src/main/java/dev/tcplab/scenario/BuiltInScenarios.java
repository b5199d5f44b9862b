package dev.tcplab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the built-in scenarios from {@code src/main/resources/scenarios/NAME.yaml}, in
 * the order they are listed. A document with a problem stops the application at start
 * (every problem named with file, step and field).
 */
final class BuiltInScenarios {

	private BuiltInScenarios() {
	}

	/** The built-in scenarios, in the order the UI lists them. */
	static final List<String> NAMES = List.of("active-close", "server-active-close", "lost-last-ack", "no-time-wait",
			"old-duplicate", "paws-old-duplicate", "lost-fin", "simultaneous-close", "three-segment-close",
			"linger-default", "linger-abort", "linger-timeout", "close-unread-data", "half-close", "graceful-close",
			"close-wait-leak", "fin-wait-2-timeout", "fin-wait-1-zero-window", "rebind-time-wait", "time-wait-reuse",
			"busy-server-time-wait");

	static List<Scenario> all() {
		List<Scenario> out = new ArrayList<>();
		List<ScenarioDocuments.Problem> problems = new ArrayList<>();
		for (String name : NAMES) {
			try {
				out.add(ScenarioDocuments.parse(source(name), "scenarios/" + name + ".yaml", name));
			}
			catch (ScenarioDocuments.ScenarioDocumentException ex) {
				problems.addAll(ex.problems());
			}
		}
		if (!problems.isEmpty()) {
			throw new ScenarioDocuments.ScenarioDocumentException(problems);
		}
		return List.copyOf(out);
	}

	static String source(String name) {
		String path = "/scenarios/" + name + ".yaml";
		try (InputStream in = BuiltInScenarios.class.getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException("built-in scenario " + path + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
