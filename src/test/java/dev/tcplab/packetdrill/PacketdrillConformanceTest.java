package dev.tcplab.packetdrill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.tcplab.testing.RequiredInCi;
import org.junit.jupiter.api.Test;

import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;

/**
 * Conformance of the runner (issue 15): the Linux TCP developers' close and shutdown
 * scripts (read from {@code ../shared/packetdrill/upstream} when present, never copied
 * into the project) and the project's own scripts
 * ({@code src/test/resources/packetdrill}, one per situation of tcp-facts.md) pass on the
 * {@code linux} profile; the project's own scripts also pass on the real kernel where
 * {@code run-on-kernel} can run.
 */
class PacketdrillConformanceTest {

	static final Path UPSTREAM = Path
		.of(System.getProperty("tcplab.packetdrill-upstream", "../shared/packetdrill/upstream"));

	static final Path OWN = Path.of("src", "test", "resources", "packetdrill");

	static Runner.Outcome runInLab(Path script) throws IOException {
		Simulation sim = new Simulation(SimulationConfig.of("linux", 1, Map.of()).withLatencyMs(0));
		return Runner.run(Parser.parse(Files.readString(script, StandardCharsets.UTF_8)), sim);
	}

	static List<Path> scripts(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.filter(p -> p.toString().endsWith(".pkt")).sorted().toList();
		}
	}

	static String describe(Runner.Outcome o) {
		if (o.failure() != null) {
			return "line " + o.failure().line() + ": " + o.failure().message() + " (expected " + o.failure().expected()
					+ ", actual " + o.failure().actual() + ")";
		}
		return o.lines()
			.stream()
			.filter(l -> !l.status().equals("ok") && !l.status().equals("skipped"))
			.map(l -> "line " + l.line() + " " + l.status() + ": " + l.message())
			.toList()
			.toString();
	}

	static Map<String, String> failures(List<Path> scripts) throws IOException {
		Map<String, String> failed = new LinkedHashMap<>();
		for (Path p : scripts) {
			Runner.Outcome o = runInLab(p);
			System.out.println((o.passed() ? "pass  " : "FAIL  ") + p + (o.passed() ? "" : "  " + describe(o)));
			if (!o.passed()) {
				failed.put(p.toString(), describe(o));
			}
		}
		return failed;
	}

	@Test
	void shouldUpstreamCloseAndShutdownScriptsPassOnTheLinuxProfile() throws IOException {
		RequiredInCi.require(Files.isDirectory(UPSTREAM),
				UPSTREAM.toAbsolutePath().normalize()
						+ " (the Linux developers' packetdrill scripts, read in place and never copied;"
						+ " set -Dtcplab.packetdrill-upstream=DIR)");
		List<Path> scripts = scripts(UPSTREAM);
		assertThat(scripts).isNotEmpty();
		assertThat(failures(scripts)).as("upstream scripts the runner does not pass on linux").isEmpty();
	}

	/**
	 * Own scripts (true on Linux) that the lab fails because of a known engine defect
	 * (none today); each must still fail, so a fix makes this test name the entry to
	 * remove.
	 */
	static final Map<String, String> KNOWN_ENGINE_DEFECTS = Map.of();

	@Test
	void shouldOwnScriptsPassOnTheLinuxProfile() throws IOException {
		List<Path> scripts = scripts(OWN);
		assertThat(scripts).as("the project's own scripts").hasSizeGreaterThanOrEqualTo(10);
		Map<String, String> failed = failures(scripts);
		Map<String, String> unexpected = new LinkedHashMap<>(failed);
		unexpected.keySet().removeIf(k -> KNOWN_ENGINE_DEFECTS.containsKey(Path.of(k).getFileName().toString()));
		assertThat(unexpected).as("own scripts the runner does not pass on linux").isEmpty();
		assertThat(KNOWN_ENGINE_DEFECTS.keySet())
			.as("known engine defects that now pass: remove them from KNOWN_ENGINE_DEFECTS")
			.allMatch(name -> failed.keySet().stream().anyMatch(k -> k.endsWith(name)));
	}

	@Test
	void shouldOwnScriptsPassOnTheRealKernel() throws Exception {
		List<Path> scripts = scripts(OWN);
		Map<Path, RunOnKernel.Outcome> outcomes = RunOnKernel.run(scripts);
		List<String> failed = new ArrayList<>();
		outcomes.forEach((p, o) -> {
			System.out.println((o.passed() ? "kernel pass  " : "kernel FAIL  ") + p);
			if (!o.passed()) {
				failed.add(p + ": " + o.detail());
			}
		});
		assertThat(failed).as("own scripts the real kernel does not pass").isEmpty();
	}

}
