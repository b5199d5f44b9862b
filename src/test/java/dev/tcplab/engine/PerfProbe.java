package dev.tcplab.engine;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Prints lifecycles/s and busy-server CPU time and allocation (thread CPU time, not
 * wall). Not a test (no Test suffix). Run:
 * {@code java -Dclients=64 -cp target/test-classes:target/classes:<deps> dev.tcplab.engine.PerfProbe}
 */
class PerfProbe {

	static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	static long cpu() {
		return MX.getCurrentThreadCpuTime();
	}

	static long alloc() {
		return MX.getThreadAllocatedBytes(Thread.currentThread().getId());
	}

	static LoadSpec spec(int cps, long ms, Side closer, int req, int resp, long census, int clients) {
		return new LoadSpec(cps, ms, closer, req, resp, census, 80, 0, 0, clients);
	}

	public static void main(String[] a) {
		int clients = Integer.getInteger("clients", 1);
		for (int round = 0; round < Integer.getInteger("lifecycleRounds", 5); round++) {
			long c0 = cpu();
			long a0 = alloc();
			long n = 0;
			for (int b = 0; b < 10; b++) {
				Simulation sim = new Simulation(SimulationConfig.of("linux", 1, Map.of())
					.withTraceLevel(TraceLevel.NONE, 100_000)
					.withRetainClosedPairs(false));
				sim.startLoad(new LoadSpec(20_000, 1000, Side.CLIENT, 100, 100, 0, 80, 0, 0));
				sim.runUntilIdle(24L * 3600 * 1000);
				n += sim.loadStats().completed();
			}
			long c1 = cpu();
			long a1 = alloc();
			System.out.printf("lifecycles NONE: %d in %.3f s cpu = %.0f /s, %d B alloc/lifecycle%n", n, (c1 - c0) / 1e9,
					n / ((c1 - c0) / 1e9), (a1 - a0) / n);
		}
		for (int round = 0; round < Integer.getInteger("busyRounds", 3); round++) {
			for (Side closer : new Side[] { Side.SERVER, Side.CLIENT }) {
				System.gc();
				long c0 = cpu();
				long a0 = alloc();
				Simulation sim = new Simulation(SimulationConfig.of("linux", 1, Map.of())
					.withTraceLevel(TraceLevel.STATES, 100_000)
					.withRetainClosedPairs(false));
				sim.startLoad(spec(10_000, 60_000, closer, 100, 100, 1000, clients));
				sim.advance(60_000);
				var mid = sim.loadStats();
				long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
				sim.runUntilIdle(24L * 3600 * 1000);
				var st = sim.loadStats();
				long c1 = cpu();
				long a1 = alloc();
				System.out.printf(
						"busy %s closes, clients=%d: started %d completed %d fail %d peakTW %d, cpu %.3f s, alloc %d MB (%d B/lc), heap@60s %d MB%n",
						closer, clients, st.started(), st.completed(), st.connectFailures(), st.peakTimeWait(),
						(c1 - c0) / 1e9, (a1 - a0) >> 20, (a1 - a0) / Math.max(1, st.completed()), used >> 20);
			}
		}
	}

}
