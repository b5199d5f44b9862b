package dev.tcplab.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceLevel;

/**
 * Memory per TIME_WAIT connection, measured two ways over {@code count} connections
 * (default 100,000): the heap used after full collections (several samples, smallest
 * kept) and JOL's walk of the simulation's object graph. Both are taken with the
 * simulation idle before the load, with every connection in TIME_WAIT, and idle again
 * after the TIME_WAITs expired; the per-connection figure divides by the census'
 * TIME_WAIT count. For comparison it also measures an ESTABLISHED pair (two full
 * endpoints). Linux: a full tcp_sock ~1.8 KB, a TIME_WAIT mini-socket 168 B. Arguments
 * {@code key=value}: count, closer, mode ({@code api}: socket calls, 100,000 distinct
 * 4-tuples; {@code load}: the generated workload, at most one ephemeral range of
 * connections), pairs, footprint (print JOL's class histogram), {@code const.NAME=value}.
 */
public final class TimeWaitFootprint {

	private TimeWaitFootprint() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> a = new LinkedHashMap<>();
		Map<String, Object> overrides = new LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			String k = arg.substring(0, eq);
			if (k.startsWith("const.")) {
				overrides.put(k.substring(6), arg.substring(eq + 1));
			}
			else {
				a.put(k, arg.substring(eq + 1));
			}
		}
		int count = Integer.parseInt(a.getOrDefault("count", "100000"));
		Side closer = Side.parse(a.getOrDefault("closer", "server"));
		int pairs = Integer.parseInt(a.getOrDefault("pairs", "10000"));
		System.out.printf(
				"TIME_WAIT footprint: %,d connections, %s closes first, overrides %s, heap max %d MB (%s), JOL %s%n",
				count, closer, overrides, HeapWatch.maxHeapBytes() >> 20, HeapWatch.collectorNames(),
				jolAvailable() ? "yes" : "no");

		String mode = a.getOrDefault("mode", "api");
		Simulation sim = new Simulation(EngineWorkloads.config(TraceLevel.NONE, overrides));
		if (mode.equals("api")) {
			// two listeners exist before the baseline
			sim.openPair(EngineWorkloads.SERVER_PORT, 65_000, true, true);
			sim.openPair(EngineWorkloads.SERVER_PORT + 1, 65_000, true, true);
			sim.runUntilIdle(24L * 3600 * 1000);
		}
		long heap0 = HeapWatch.usedAfterFullGc(5);
		long jol0 = jolTotalSize(sim);

		if (mode.equals("api")) {
			intoTimeWaitByCalls(sim, count, closer);
		}
		else {
			int rate = Math.min(count, 1_000_000);
			long durationMs = Math.max(1, count * 1000L / rate);
			sim.startLoad(new LoadSpec(rate, durationMs, closer, EngineWorkloads.REQUEST_BYTES,
					EngineWorkloads.RESPONSE_BYTES, 0, EngineWorkloads.SERVER_PORT, 0, 0));
			// all closes done, no TIME_WAIT expired yet (60 s)
			sim.advance(durationMs + 5_000);
		}
		Map<TcpState, Integer> census = sim.census();
		int tw = census.getOrDefault(TcpState.TIME_WAIT, 0);
		System.out.printf("  mode %s at %.0f ms: census %s, load %s%n", mode, sim.nowMs(), census, sim.loadStats());
		System.out.printf("  scheduler: %,d events pending (stale cancelled timers included)%n",
				EngineCounters.pendingEvents(sim));
		long heapTw = HeapWatch.usedAfterFullGc(5);
		long jolTw = jolTotalSize(sim);
		if (a.containsKey("footprint")) {
			jolFootprint(sim);
		}

		sim.runUntilIdle(24L * 3600 * 1000);
		System.out.printf("  idle at %.0f ms: census %s%n", sim.nowMs(), sim.census());
		long heap1 = HeapWatch.usedAfterFullGc(5);
		long jol1 = jolTotalSize(sim);
		if (a.containsKey("footprint")) {
			jolFootprint(sim);
		}

		System.out.printf("  heap after GC: before %,d B, with %,d TIME_WAIT %,d B, after expiry %,d B%n", heap0, tw,
				heapTw, heap1);
		System.out.printf("  JOL graph:     before %,d B, with %,d TIME_WAIT %,d B, after expiry %,d B%n", jol0, tw,
				jolTw, jol1);
		ForkedJvm.result("timeWaitCount", tw);
		ForkedJvm.result("heapPerTimeWaitVsIdleAfter", perItem(heapTw - heap1, tw));
		ForkedJvm.result("heapPerTimeWaitVsBefore", perItem(heapTw - heap0, tw));
		if (jol0 >= 0) {
			ForkedJvm.result("jolPerTimeWaitVsIdleAfter", perItem(jolTw - jol1, tw));
			ForkedJvm.result("jolPerTimeWaitVsBefore", perItem(jolTw - jol0, tw));
		}

		if (pairs > 0) {
			Simulation est = new Simulation(EngineWorkloads.config(TraceLevel.NONE, overrides));
			// the listener exists before the baseline
			est.openPair(EngineWorkloads.SERVER_PORT, null, false, true);
			long e0 = HeapWatch.usedAfterFullGc(5);
			long j0 = jolTotalSize(est);
			for (int i = 1; i < pairs; i++) {
				est.openPair(EngineWorkloads.SERVER_PORT, null, false, true);
			}
			long e1 = HeapWatch.usedAfterFullGc(5);
			long j1 = jolTotalSize(est);
			System.out.printf("  %,d ESTABLISHED pairs: census %s%n", pairs, est.census());
			ForkedJvm.result("heapPerEstablishedPair", perItem(e1 - e0, pairs - 1));
			if (j0 >= 0) {
				ForkedJvm.result("jolPerEstablishedPair", perItem(j1 - j0, pairs - 1));
			}
		}
	}

	/**
	 * Brings {@code count} connections into TIME_WAIT through socket calls: pinned client
	 * ports 1024.. with SO_REUSEADDR against two server ports (a client host has only 64k
	 * ports; a 4-tuple only needs to be unique), 1,000 connects every 50 ms, then the
	 * closer's close(), then the other side's close() on EOF — about 5.3 simulated s in
	 * all, far inside the 60 s of TIME_WAIT.
	 */
	private static void intoTimeWaitByCalls(Simulation sim, int count, Side closer) {
		int perPort = 50_000;
		int[] ids = new int[count];
		for (int i = 0; i < count; i++) {
			ids[i] = sim.openPair(EngineWorkloads.SERVER_PORT + i / perPort, 1024 + i % perPort, true, false).id();
			if (i % 1000 == 999) {
				// handshakes done and accepted, so the listen backlog never overflows
				sim.advance(50);
			}
		}
		sim.advance(100);
		for (int id : ids) {
			sim.apply(id, new PairEvent.Close(closer));
		}
		sim.advance(100);
		for (int id : ids) {
			sim.apply(id, new PairEvent.Close(closer.peer()));
		}
		sim.advance(100);
	}

	/** JOL's class histogram of the simulation (bench profile only). */
	private static void jolFootprint(Object root) {
		try {
			Class<?> layoutClass = Class.forName("org.openjdk.jol.info.GraphLayout");
			Object layout = layoutClass.getMethod("parseInstance", Object[].class)
				.invoke(null, (Object) new Object[] { root });
			System.out.println(layoutClass.getMethod("toFootprint").invoke(layout));
		}
		catch (ReflectiveOperationException ex) {
			System.out.println("  JOL failed: " + ex.getCause());
		}
	}

	private static String perItem(long bytes, long n) {
		return n <= 0 ? "n/a" : String.format("%.1f", (double) bytes / n);
	}

	private static boolean jolAvailable() {
		try {
			Class.forName("org.openjdk.jol.info.GraphLayout");
			return true;
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

	/**
	 * Total bytes of the object graph reachable from {@code root} according to JOL
	 * (org.openjdk.jol:jol-core, on the classpath only in the bench profile, hence
	 * reflection), or -1 without JOL.
	 */
	static long jolTotalSize(Object root) {
		if (!jolAvailable()) {
			return -1;
		}
		try {
			Class<?> layoutClass = Class.forName("org.openjdk.jol.info.GraphLayout");
			Object layout = layoutClass.getMethod("parseInstance", Object[].class)
				.invoke(null, (Object) new Object[] { root });
			return (long) layoutClass.getMethod("totalSize").invoke(layout);
		}
		catch (ReflectiveOperationException ex) {
			System.out.println("  JOL failed: " + ex.getCause());
			return -1;
		}
	}

}
