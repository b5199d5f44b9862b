package dev.tcplab.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The engine A/B of docs/performance.md: {@link LifecycleLoop} run in fresh JVMs on two
 * builds' main classes, old and new alternating (the order flips every round), and the
 * medians of lifecycles per CPU second compared. The machine's speed moves by ±30 % from
 * run to run, so only interleaved rounds of both builds are compared.
 * <p>
 * Arguments {@code key=value}: {@code before} (the old build's class path: its
 * {@code target/classes} and its dependencies; required), {@code rounds} (default 8),
 * {@code seconds} (measured seconds per run, default 10), {@code trace} (default NONE).
 * The new build is this JVM's class path; both run this build's bench classes, which use
 * only engine API that both builds have.
 */
public final class EngineAb {

	private EngineAb() {
	}

	public static void main(String[] args) throws Exception {
		String before = null;
		int rounds = 8;
		String seconds = "10";
		String trace = "NONE";
		for (String arg : args) {
			String[] kv = arg.split("=", 2);
			switch (kv[0]) {
				case "before" -> before = kv[1];
				case "rounds" -> rounds = Integer.parseInt(kv[1]);
				case "seconds" -> seconds = kv[1];
				case "trace" -> trace = kv[1];
				default -> throw new IllegalArgumentException("unknown argument " + arg);
			}
		}
		if (before == null) {
			throw new IllegalArgumentException("before=<class path of the old build> is required");
		}
		String after = System.getProperty("java.class.path");
		String benchClasses = LifecycleLoop.class.getProtectionDomain().getCodeSource().getLocation().getPath();
		String beforePath = benchClasses + File.pathSeparator + before;
		List<String> loopArgs = List.of("trace=" + trace, "seconds=" + seconds);
		List<String> jvm = List.of("-Xmx2g", "-XX:+UseG1GC");
		double[] old = new double[rounds];
		double[] neu = new double[rounds];
		for (int round = 0; round < rounds; round++) {
			boolean oldFirst = round % 2 == 0;
			for (int leg = 0; leg < 2; leg++) {
				boolean isOld = (leg == 0) == oldFirst;
				Map<String, String> r = ForkedJvm.run(isOld ? beforePath : after, jvm, LifecycleLoop.class, loopArgs);
				double perCpu = Double.parseDouble(r.getOrDefault("lifecyclesPerCpuSecond", "NaN"));
				(isOld ? old : neu)[round] = perCpu;
			}
			System.out.printf("round %d: old %,.0f  new %,.0f lifecycles per CPU s%n", round + 1, old[round],
					neu[round]);
		}
		double mo = median(old);
		double mn = median(neu);
		System.out.printf("old: %s  median %,.0f%n", list(old), mo);
		System.out.printf("new: %s  median %,.0f%n", list(neu), mn);
		System.out.printf("new/old (medians): %+.1f %%%n", (mn / mo - 1) * 100);
		ForkedJvm.result("oldMedian", String.format("%.0f", mo));
		ForkedJvm.result("newMedian", String.format("%.0f", mn));
	}

	private static double median(double[] values) {
		double[] v = values.clone();
		Arrays.sort(v);
		return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	}

	private static String list(double[] values) {
		List<String> out = new ArrayList<>();
		for (double v : values) {
			out.add(String.format("%.0fk", v / 1000));
		}
		return String.join(", ", out);
	}

}
