package dev.tcplab.bench;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tcplab.engine.EventResult;
import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.LoadSpec.LoadStats;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceLevel;

/**
 * The busy-server scale run (article situation 4): a server receiving {@code rate} new
 * connections per second for {@code durationMs} of simulated time, with {@code closer}
 * closing first, STATES tracing and a census every simulated second. Run in its own JVM
 * (see {@link BenchSuite}) so its peak heap is its own. Arguments are {@code key=value}:
 * closer, rate, durationMs, censusMs, trace, clients (client hosts, default 64), label
 * and {@code const.NAME=value} stack-constant overrides (e.g.
 * {@code const.ephemeralLow=1024}).
 */
public final class BusyServerRun {

	private BusyServerRun() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> a = new LinkedHashMap<>();
		Map<String, Object> overrides = new LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			String k = arg.substring(0, eq);
			String v = arg.substring(eq + 1);
			if (k.startsWith("const.")) {
				overrides.put(k.substring(6), v);
			}
			else {
				a.put(k, v);
			}
		}
		Side closer = Side.parse(a.getOrDefault("closer", "server"));
		int rate = Integer.parseInt(a.getOrDefault("rate", "10000"));
		long durationMs = Long.parseLong(a.getOrDefault("durationMs", "60000"));
		long censusMs = Long.parseLong(a.getOrDefault("censusMs", "1000"));
		TraceLevel trace = TraceLevel.valueOf(a.getOrDefault("trace", "STATES"));
		int clients = Integer.parseInt(a.getOrDefault("clients", "64"));
		SimulationConfig config = EngineWorkloads.config(trace, overrides).withRetainClosedPairs(false);

		System.out.printf(
				"busy server: %,d conn/s from %d client hosts for %,d ms, %s closes first, trace %s, overrides %s, heap max %d MB (%s)%n",
				rate, clients, durationMs, closer, trace, overrides, HeapWatch.maxHeapBytes() >> 20,
				HeapWatch.collectorNames());
		long t0;
		long tLoad;
		long tIdle;
		long retainedAtEnd;
		LoadStats atEnd;
		Simulation sim;
		Map<TcpState, Integer> maxCensus = new EnumMap<>(TcpState.class);
		long warmupMs = Long.parseLong(a.getOrDefault("warmupMs", "0"));
		if (warmupMs > 0) {
			long w0 = System.nanoTime();
			Simulation warm = new Simulation(config);
			warm.startLoad(new LoadSpec(rate, warmupMs, closer, EngineWorkloads.REQUEST_BYTES,
					EngineWorkloads.RESPONSE_BYTES, censusMs, EngineWorkloads.SERVER_PORT, 0, 0, clients));
			warm.runUntilIdle(24L * 3600 * 1000);
			warm = null;
			System.gc();
			System.out.printf("  warm-up: %,d simulated ms of the same load in %.0f ms%n", warmupMs,
					(System.nanoTime() - w0) / 1e6);
		}
		try (HeapWatch watch = HeapWatch.start()) {
			t0 = System.nanoTime();
			sim = new Simulation(config);
			sim.startLoad(new LoadSpec(rate, durationMs, closer, EngineWorkloads.REQUEST_BYTES,
					EngineWorkloads.RESPONSE_BYTES, censusMs, EngineWorkloads.SERVER_PORT, 0, 0, clients));
			long step = censusMs > 0 ? censusMs : 1000;
			for (long t = step; t <= durationMs; t += step) {
				sim.advanceSilently(step);
				Map<TcpState, Integer> census = sim.census();
				census.forEach((s, n) -> maxCensus.merge(s, n, Math::max));
				if (t % 10_000 == 0 || t == step) {
					System.out.printf("  t=%3ds census %s%n", t / 1000, nonZero(census));
				}
			}
			tLoad = System.nanoTime();
			atEnd = sim.loadStats();
			// Outside the timed part: the live heap with every TIME_WAIT of the last
			// minute still held.
			retainedAtEnd = HeapWatch.usedAfterFullGc(3);
			long tDrain0 = System.nanoTime();
			EventResult idle = sim.runUntilIdle(24L * 3600 * 1000);
			tIdle = System.nanoTime() - tDrain0 + (tLoad - t0);
			LoadStats end = sim.loadStats();
			System.out.printf("  drained: %s at %.0f ms, census %s%n", idle.result(), sim.nowMs(),
					nonZero(sim.census()));
			ForkedJvm.result("label", a.getOrDefault("label", closer.wireName() + "-closes"));
			ForkedJvm.result("wallLoadMs", String.format("%.0f", (tLoad - t0) / 1e6));
			ForkedJvm.result("wallTotalMs", String.format("%.0f", tIdle / 1e6));
			ForkedJvm.result("started", end.started());
			ForkedJvm.result("completed", end.completed());
			ForkedJvm.result("connectFailures", end.connectFailures());
			ForkedJvm.result("startedAtLoadEnd", atEnd.started());
			ForkedJvm.result("peakTimeWait", end.peakTimeWait());
			ForkedJvm.result("maxCensusTimeWait", maxCensus.getOrDefault(TcpState.TIME_WAIT, 0));
			ForkedJvm.result("peakUsedMB", watch.peakUsedBytes() >> 20);
			ForkedJvm.result("peakAfterGcMB", watch.peakAfterGcBytes() >> 20);
			ForkedJvm.result("retainedAtLoadEndMB", retainedAtEnd >> 20);
			ForkedJvm.result("maxHeapMB", HeapWatch.maxHeapBytes() >> 20);
			ForkedJvm.result("gcCount", watch.collections());
			ForkedJvm.result("gcMs", watch.collectionMillis());
			ForkedJvm.result("traceEvents", sim.nextSeq());
			ForkedJvm.result("simulatedMs", String.format("%.0f", sim.nowMs()));
		}
	}

	private static Map<TcpState, Integer> nonZero(Map<TcpState, Integer> census) {
		Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
		census.forEach((s, n) -> {
			if (n != null && n != 0) {
				m.put(s, n);
			}
		});
		return m;
	}

}
