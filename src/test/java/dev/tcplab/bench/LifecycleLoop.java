package dev.tcplab.bench;

import dev.tcplab.engine.Side;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.TraceLevel;

/**
 * A plain timed loop of engine lifecycle batches (no JMH): used for the side-by-side comparison with the kernel in
 * the same JVM and as the workload of a JFR profile. Arguments {@code key=value}: trace, seconds, closer.
 */
public final class LifecycleLoop {

	private LifecycleLoop() {
	}

	/** Lifecycles per second over about {@code seconds} of batches, after {@code warmupSeconds} of warm-up. */
	static double lifecyclesPerSecond(TraceLevel level, Side closer, double warmupSeconds, double seconds) {
		SimulationConfig config = EngineWorkloads.config(level);
		timedBatches(config, closer, warmupSeconds);
		return timedBatches(config, closer, seconds);
	}

	private static double timedBatches(SimulationConfig config, Side closer, double seconds) {
		long lifecycles = 0;
		long t0 = System.nanoTime();
		long end = t0 + (long) (seconds * 1e9);
		long now;
		do {
			lifecycles += EngineWorkloads.loadBatch(config, EngineWorkloads.BATCH, closer).completed();
			now = System.nanoTime();
		}
		while (now < end);
		return lifecycles / ((now - t0) / 1e9);
	}

	public static void main(String[] args) {
		TraceLevel level = TraceLevel.NONE;
		double seconds = 10;
		Side closer = Side.CLIENT;
		for (String arg : args) {
			String[] kv = arg.split("=", 2);
			switch (kv[0]) {
				case "trace" -> level = TraceLevel.valueOf(kv[1]);
				case "seconds" -> seconds = Double.parseDouble(kv[1]);
				case "closer" -> closer = Side.parse(kv[1]);
				default -> throw new IllegalArgumentException("unknown argument " + arg);
			}
		}
		double rate = lifecyclesPerSecond(level, closer, 2, seconds);
		System.out.printf("engine %s, %s closes: %,.0f lifecycles/s%n", level, closer, rate);
		ForkedJvm.result("lifecyclesPerSecond", String.format("%.0f", rate));
	}
}
