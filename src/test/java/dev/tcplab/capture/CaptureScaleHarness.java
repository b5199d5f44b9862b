package dev.tcplab.capture;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tcplab.capture.CaptureAnalyzer.Limits;
import dev.tcplab.engine.StackConstants;

/**
 * The capture scale harness (docs/performance.md, "Captures"); not run by {@code verify}.
 * It writes a ≈1 GB synthetic capture once ({@link ScaleCaptureGenerator}), then, in each
 * round, times the import (reader, decoder, connection tracker, state inference and
 * diagnostics, in a forked JVM) and {@code tshark -q -z conv,tcp} on the same file, one
 * after the other, each under {@code /usr/bin/time -v}: <pre>
 * ./mvnw -q test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.tcplab.capture.CaptureScaleHarness -Dexec.args="target/scale.pcap 3"
 * </pre> {@code --import FILE} is the forked side: it prints packets, connections,
 * seconds, packets/s and the peak heap (sum of the heap pools' peak usage).
 */
public final class CaptureScaleHarness {

	private CaptureScaleHarness() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("--import")) {
			importOnce(Path.of(args[1]));
			return;
		}
		Path file = Path.of(args.length > 0 ? args[0] : "target/scale.pcap");
		int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
		if (!Files.exists(file)) {
			long t0 = System.nanoTime();
			ScaleCaptureGenerator g = new ScaleCaptureGenerator(20261206);
			g.write(file, 1_000_000_000L, 100_000);
			System.out.printf("wrote %s: %d bytes, %d packets, %d connections in %.1f s%n", file, Files.size(file),
					g.packets(), g.connections(), (System.nanoTime() - t0) / 1e9);
		}
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String cp = System.getProperty("java.class.path");
		List<String> table = new ArrayList<>();
		for (int r = 1; r <= rounds; r++) {
			Map<String, String> ours = run(List.of("/usr/bin/time", "-v", java, "-Xmx1g", "-XX:+UseParallelGC", "-cp",
					cp, CaptureScaleHarness.class.getName(), "--import", file.toString()));
			Map<String, String> shark = run(
					List.of("/usr/bin/time", "-v", "tshark", "-q", "-z", "conv,tcp", "-r", file.toString()));
			table.add(String.format(
					"round %d | tcplab %s s, %s packets/s, peak heap %s MB, max RSS %s MB | tshark %s s, max RSS %s MB",
					r, ours.get("wall"), ours.get("pps"), ours.get("heapMB"), ours.get("rssMB"), shark.get("wall"),
					shark.get("rssMB")));
			System.out.println(table.get(table.size() - 1));
		}
		System.out.println();
		table.forEach(System.out::println);
	}

	private static Map<String, String> run(List<String> cmd) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes());
		p.waitFor();
		Map<String, String> m = new TreeMap<>();
		for (String line : out.split("\n")) {
			String l = line.trim();
			if (l.startsWith("Elapsed (wall clock) time")) {
				String v = l.substring(l.lastIndexOf(' ') + 1);
				String[] parts = v.split(":");
				double s = 0;
				for (String part : parts) {
					s = s * 60 + Double.parseDouble(part);
				}
				m.put("wall", String.format("%.1f", s));
			}
			else if (l.startsWith("Maximum resident set size")) {
				m.put("rssMB", String.valueOf(Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) / 1024));
			}
			else if (l.startsWith("import ")) {
				for (String kv : l.substring(7).split(" ")) {
					String[] e = kv.split("=");
					m.put(e[0], e[1]);
				}
			}
			else if (l.startsWith("| TCP") || l.contains("<->") && m.size() < 3) {
				m.putIfAbsent("tsharkFirst", l);
			}
		}
		if (!m.containsKey("wall")) {
			System.out.println(out);
		}
		return m;
	}

	private static void importOnce(Path file) throws IOException {
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			pool.resetPeakUsage();
		}
		long t0 = System.nanoTime();
		long[] diags = new long[1];
		StackConstants linux = StackConstants.forProfile("linux");
		CaptureImport.Stats s;
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
			s = CaptureImport.run(in, linux, new Limits(Integer.MAX_VALUE, 2048, 3_600_000), false, 0,
					c -> diags[0] += Diagnoser.diagnose(c, linux).size() + Diagnoser.summary(c).length() * 0);
		}
		double secs = (System.nanoTime() - t0) / 1e9;
		long peak = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				peak += pool.getPeakUsage().getUsed();
			}
		}
		System.out.printf("import packets=%d connections=%d diagnostics=%d held=%d secs=%.1f pps=%.0f heapMB=%d%n",
				s.frames(), s.connections(), diags[0], s.peakHeld(), secs, s.frames() / secs, peak >> 20);
	}

}
