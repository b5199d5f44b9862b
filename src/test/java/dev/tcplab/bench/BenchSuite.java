package dev.tcplab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.tcplab.engine.Side;
import dev.tcplab.engine.TraceLevel;

/**
 * Entry point of {@code ./mvnw -Pbench verify}: runs the parts named in its one argument
 * (comma-separated; default {@code all} = compare, memory, scale, jmh; also
 * {@code loopback}, {@code profile}, {@code jmh:REGEX}) and prints a table of figures
 * against the targets of issue 7, also written to {@code target/bench/summary.md}.
 */
public final class BenchSuite {

	private static final Path OUT = Path.of("target", "bench");

	private final List<String[]> rows = new ArrayList<>();

	private BenchSuite() {
	}

	public static void main(String[] args) throws Exception {
		Set<String> parts = new LinkedHashSet<>(Arrays.asList((args.length == 0 ? "all" : args[0]).split(",")));
		if (parts.remove("all")) {
			parts.addAll(List.of("compare", "memory", "scale", "jmh"));
		}
		Files.createDirectories(OUT);
		BenchSuite suite = new BenchSuite();
		System.out.printf("tcplab bench: %s; %d cpus; java %s (%s)%n", parts,
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
				System.getProperty("java.vm.name"));
		for (String part : parts) {
			System.out.println();
			System.out.println("=== " + part + " ===");
			String name = part.contains(":") ? part.substring(0, part.indexOf(':')) : part;
			String arg = part.contains(":") ? part.substring(part.indexOf(':') + 1) : null;
			switch (name) {
				case "loopback" -> suite.loopback();
				case "compare" -> suite.compare();
				case "memory" -> suite.memory();
				case "scale" -> suite.scale();
				case "jmh" -> suite.jmh(arg);
				case "profile" -> suite.profile(arg);
				default -> throw new IllegalArgumentException("unknown part " + part);
			}
		}
		suite.printSummary();
	}

	private void row(String figure, String value, String target, String verdict) {
		rows.add(new String[] { figure, value, target, verdict });
	}

	private static String verdict(boolean met) {
		return met ? "met" : "missed";
	}

	// ---- real kernel ----

	private LoopbackLifecycles.Result[] loopback() throws IOException, InterruptedException {
		// 10,000 + 10,000 client TIME_WAITs stay below the 28,232-port ephemeral range of
		// the default Linux setup.
		LoopbackLifecycles.Result one = LoopbackLifecycles.run(10_000, 1, 20);
		print(one);
		LoopbackLifecycles.Result two = LoopbackLifecycles.run(10_000, 2, 20);
		print(two);
		row("real loopback lifecycles/s, 1 client thread: wall / per process CPU s",
				fmt(one.perSecond()) + " / " + fmt(one.perCpuSecond()), "", "");
		row("real loopback lifecycles/s, 2 client threads: wall / per process CPU s",
				fmt(two.perSecond()) + " / " + fmt(two.perCpuSecond()), "", "");
		return new LoopbackLifecycles.Result[] { one, two };
	}

	private static void print(LoopbackLifecycles.Result r) {
		System.out.printf(
				"real loopback, %d thread(s): %,d lifecycles in %.2f s = %,.0f/s (%,.0f per process CPU second); TIME_WAIT now: client side %d, server side %d; failures %d%n",
				r.threads(), r.lifecycles(), r.seconds(), r.perSecond(), r.perCpuSecond(), r.clientTimeWait(),
				r.serverTimeWait(), r.failures());
	}

	private void compare() throws IOException, InterruptedException {
		LoopbackLifecycles.Result[] real = loopback();
		LifecycleLoop.Rate none = LifecycleLoop.lifecyclesPerSecond(TraceLevel.NONE, Side.CLIENT, 2, 5);
		System.out.printf(
				"engine NONE, client closes: %,.0f lifecycles/s wall, %,.0f per CPU second (timed loop, same JVM)%n",
				none.perWallSecond(), none.perCpuSecond());
		LifecycleLoop.Rate states = LifecycleLoop.lifecyclesPerSecond(TraceLevel.STATES, Side.CLIENT, 1, 3);
		System.out.printf("engine STATES, client closes: %,.0f lifecycles/s wall, %,.0f per CPU second%n",
				states.perWallSecond(), states.perCpuSecond());
		double ratio1 = none.perWallSecond() / real[0].perSecond();
		double ratio2 = none.perWallSecond() / real[1].perSecond();
		System.out.printf("ratio engine NONE / real loopback: %.1fx (1 thread), %.1fx (2 threads)%n", ratio1, ratio2);
		row("engine lifecycles/s NONE, timed loop (same JVM as loopback): wall / per CPU s",
				fmt(none.perWallSecond()) + " / " + fmt(none.perCpuSecond()), "", "");
		row("engine lifecycles/s STATES, timed loop: wall / per CPU s",
				fmt(states.perWallSecond()) + " / " + fmt(states.perCpuSecond()), "", "");
		LifecycleLoop.Rate sparse = LifecycleLoop.lifecyclesPerSecond(TraceLevel.NONE, Side.CLIENT, 2, 5, 1_000);
		System.out.printf("engine NONE, 1,000 connections per simulated second: %,.0f lifecycles/s wall%n",
				sparse.perWallSecond());
		row("engine lifecycles/s NONE, batches at 1,000 conn/s simulated (~70 open at once): wall / per CPU s",
				fmt(sparse.perWallSecond()) + " / " + fmt(sparse.perCpuSecond()), "", "");
		row("engine NONE / real loopback (1 thread)", String.format("%.1fx", ratio1), ">= 10x", verdict(ratio1 >= 10));
		row("engine NONE / real loopback (2 threads)", String.format("%.1fx", ratio2), ">= 10x", verdict(ratio2 >= 10));
		double cpuRatio = none.perCpuSecond() / real[0].perCpuSecond();
		System.out.printf("ratio per CPU second (engine thread vs loopback process, 1 thread): %.1fx%n", cpuRatio);
		row("engine NONE / real loopback, per CPU second (1 thread)", String.format("%.1fx", cpuRatio), ">= 10x",
				verdict(cpuRatio >= 10));
	}

	// ---- memory per TIME_WAIT ----

	private void memory() throws IOException, InterruptedException {
		List<String> jvm = List.of("-Xmx2g", "-XX:+UseSerialGC", "-Djdk.attach.allowAttachSelf=true");
		Map<String, String> client = ForkedJvm.run(jvm, TimeWaitFootprint.class,
				List.of("mode=api", "count=100000", "closer=client", "pairs=10000"));
		memoryRows("socket calls, client closes", client, true);
		row("bytes per ESTABLISHED pair (2 full endpoints), heap / JOL",
				client.getOrDefault("heapPerEstablishedPair", "n/a") + " / "
						+ client.getOrDefault("jolPerEstablishedPair", "n/a"),
				"", "");
		Map<String, String> server = ForkedJvm.run(jvm, TimeWaitFootprint.class,
				List.of("mode=api", "count=100000", "closer=server", "pairs=0"));
		memoryRows("socket calls, server closes", server, false);
		Map<String, String> load = ForkedJvm.run(jvm, TimeWaitFootprint.class, List.of("mode=load", "count=64512",
				"closer=client", "pairs=0", "const.ephemeralLow=1024", "const.ephemeralHigh=65535"));
		memoryRows("generated load, client closes", load, false);
	}

	private void memoryRows(String what, Map<String, String> r, boolean target) {
		check(r);
		String heap = r.getOrDefault("heapPerTimeWaitVsBefore", "n/a");
		String jol = r.getOrDefault("jolPerTimeWaitVsBefore", "n/a");
		row("B per TIME_WAIT (" + what + ", " + r.getOrDefault("timeWaitCount", "?")
				+ " TW): heap / JOL, vs idle before", heap + " / " + jol, target ? "<= 256 B" : "",
				!target || jol.equals("n/a") ? "" : verdict(Double.parseDouble(jol) <= 256));
		row("B per TIME_WAIT (" + what + "): heap / JOL, vs idle after expiry",
				r.getOrDefault("heapPerTimeWaitVsIdleAfter", "n/a") + " / "
						+ r.getOrDefault("jolPerTimeWaitVsIdleAfter", "n/a"),
				"", "");
	}

	// ---- busy server ----

	private void scale() throws IOException, InterruptedException {
		List<String> heap = List.of("-Xmx512m");
		List<String> minute = List.of("rate=10000", "durationMs=60000", "censusMs=1000", "trace=STATES");
		// 64 client hosts (the default): a busy server's TIME_WAITs pile up to ~600,000
		Map<String, String> server = ForkedJvm.run(heap, BusyServerRun.class, args(minute, "closer=server"));
		scaleRows("server closes, 64 client hosts, fresh JVM", server, true);
		if (!"0".equals(server.get("exitCode"))) {
			// What does it need? The same run with room to finish.
			Map<String, String> big = ForkedJvm.run(List.of("-Xmx4g"), BusyServerRun.class,
					args(minute, "closer=server", "label=server-closes-4g"));
			scaleRows("server closes, -Xmx4g", big, true);
		}
		// the headline: three runs (the machine is noisy), the median one reported
		List<Map<String, String>> warmRuns = new java.util.ArrayList<>();
		for (int i = 0; i < 3; i++) {
			warmRuns.add(ForkedJvm.run(heap, BusyServerRun.class,
					args(minute, "closer=server", "warmupMs=30000", "label=server-closes-warm")));
		}
		warmRuns.sort(java.util.Comparator
			.comparingLong(r -> Long.parseLong(r.getOrDefault("wallLoadMs", String.valueOf(Long.MAX_VALUE)))));
		row("busy server (server closes, 64 client hosts, after warm-up): wall of the simulated minute, 3 runs",
				String.join(" / ", warmRuns.stream().map(r -> r.getOrDefault("wallLoadMs", "failed") + " ms").toList()),
				"< 2000 ms", "");
		scaleRows("server closes, 64 client hosts, after 30 simulated s of warm-up, median run", warmRuns.get(1), true);
		Map<String, String> one = ForkedJvm.run(heap, BusyServerRun.class,
				args(minute, "closer=server", "clients=1", "label=server-closes-one-client"));
		scaleRows("server closes, 1 client host", one, false);
		Map<String, String> client = ForkedJvm.run(heap, BusyServerRun.class, args(minute, "closer=client"));
		scaleRows("client closes, 64 client hosts", client, false);
		Map<String, String> single = ForkedJvm.run(heap, BusyServerRun.class,
				args(minute, "closer=client", "clients=1", "label=client-closes-one-client"));
		scaleRows("client closes, 1 client host", single, false);
	}

	private static List<String> args(List<String> base, String... more) {
		List<String> all = new java.util.ArrayList<>(base);
		all.addAll(List.of(more));
		return all;
	}

	private void scaleRows(String what, Map<String, String> r, boolean withTargets) {
		if (!"0".equals(r.get("exitCode")) || !r.containsKey("wallLoadMs")) {
			row("busy server (" + what + ")", "failed, exit " + r.get("exitCode"), "", "missed");
			return;
		}
		long wall = Long.parseLong(r.get("wallLoadMs"));
		long peak = Long.parseLong(r.get("peakUsedMB"));
		row("busy server (" + what + "): wall, simulated minute / until idle",
				r.get("wallLoadMs") + " ms / " + r.get("wallTotalMs") + " ms", withTargets ? "< 2000 ms" : "",
				withTargets ? verdict(wall < 2000) : "");
		row("busy server (" + what + "): peak heap used / after GC / live at minute end",
				peak + " / " + r.get("peakAfterGcMB") + " / " + r.get("retainedAtLoadEndMB") + " MB (max "
						+ r.get("maxHeapMB") + ")",
				withTargets ? "< 512 MB" : "", withTargets ? verdict(peak < 512) : "");
		row("busy server (" + what + "): TIME_WAIT peak; started / completed / connect failures", r.get("peakTimeWait")
				+ "; " + r.get("started") + " / " + r.get("completed") + " / " + r.get("connectFailures"), "", "");
	}

	private static void check(Map<String, String> r) {
		if (!"0".equals(r.get("exitCode"))) {
			System.out.println("  (child JVM exited with " + r.get("exitCode") + ")");
		}
	}

	// ---- JMH ----

	private void jmh(String regex) throws Exception {
		Options opt = new OptionsBuilder()
			.include(regex == null
					? "dev\\.tcplab\\.(bench\\.LifecycleBenchmark|engine\\.internal\\.EventQueueBenchmark)" : regex)
			.forks(1)
			.warmupIterations(3)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(5)
			.measurementTime(TimeValue.seconds(1))
			.resultFormat(ResultFormatType.JSON)
			.result(OUT.resolve("jmh.json").toString())
			.build();
		Collection<RunResult> results = new Runner(opt).run();
		for (RunResult rr : results) {
			var bp = rr.getParams();
			String name = bp.getBenchmark().replaceFirst("^.*\\.", "");
			String params = String.join(",", bp.getParamsKeys().stream().map(k -> k + "=" + bp.getParam(k)).toList());
			var res = rr.getPrimaryResult();
			String value = String.format("%,.0f ± %,.0f %s", res.getScore(), res.getScoreError(), res.getScoreUnit());
			boolean headline = name.equals("loadLifecycles") && "NONE".equals(bp.getParam("traceLevel"));
			row("JMH " + bp.getBenchmark().replaceFirst("^.*\\.(\\w+\\.\\w+)$", "$1") + " " + params, value,
					headline ? ">= 500,000/s" : "", headline ? verdict(res.getScore() >= 500_000) : "");
		}
	}

	// ---- profiling ----

	private void profile(String what) throws IOException, InterruptedException {
		Path jfr = OUT.resolve("profile-" + (what == null ? "lifecycles" : what) + ".jfr").toAbsolutePath();
		String rec = "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile";
		if (what == null || what.equals("lifecycles")) {
			ForkedJvm.run(List.of("-Xmx1g", rec), LifecycleLoop.class, List.of("trace=NONE", "seconds=10"));
		}
		else if (what.equals("states")) {
			ForkedJvm.run(List.of("-Xmx1g", rec), LifecycleLoop.class, List.of("trace=STATES", "seconds=10"));
		}
		else {
			ForkedJvm.run(List.of("-Xmx512m", rec), BusyServerRun.class, List.of("closer=server"));
		}
		JfrHotspots.print(jfr, 20);
	}

	// ---- summary ----

	private static String fmt(double v) {
		return String.format("%,.0f", v);
	}

	private void printSummary() throws IOException {
		StringBuilder sb = new StringBuilder();
		sb.append("| figure | measured | target | |\n|---|---|---|---|\n");
		for (String[] r : rows) {
			sb.append("| ").append(String.join(" | ", r)).append(" |\n");
		}
		System.out.println();
		System.out.println("=== summary ===");
		System.out.print(sb);
		Files.writeString(OUT.resolve("summary.md"), sb.toString());
	}

}
