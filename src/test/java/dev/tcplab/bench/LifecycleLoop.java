package dev.tcplab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import dev.tcplab.engine.Side;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.TraceLevel;

/**
 * A plain timed loop of engine lifecycle batches (no JMH): used for the side-by-side
 * comparison with the kernel in the same JVM and as the workload of a JFR profile.
 * Arguments {@code key=value}: trace, seconds, closer.
 */
public final class LifecycleLoop {

	private LifecycleLoop() {
	}

	/**
	 * Lifecycles per second of wall time and per second of this thread's CPU time (the
	 * latter is steadier on a shared machine: time spent waiting for a core does not
	 * count) over about {@code seconds} of batches, after {@code warmupSeconds} of
	 * warm-up.
	 */
	record Rate(double perWallSecond, double perCpuSecond) {
	}

	static Rate lifecyclesPerSecond(TraceLevel level, Side closer, double warmupSeconds, double seconds) {
		return lifecyclesPerSecond(level, closer, warmupSeconds, seconds, EngineWorkloads.BATCH);
	}

	/**
	 * The same with batches opened at {@code rate} connections per simulated second
	 * (20,000 = the whole batch within one second, about 1,400 connections open at once;
	 * 1,000 = about 70).
	 */
	static Rate lifecyclesPerSecond(TraceLevel level, Side closer, double warmupSeconds, double seconds, int rate) {
		SimulationConfig config = EngineWorkloads.config(level);
		timedBatches(config, closer, warmupSeconds, rate);
		return timedBatches(config, closer, seconds, rate);
	}

	private static Rate timedBatches(SimulationConfig config, Side closer, double seconds, int rate) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long lifecycles = 0;
		long cpu0 = threads.getCurrentThreadCpuTime();
		long t0 = System.nanoTime();
		long end = t0 + (long) (seconds * 1e9);
		long now;
		do {
			lifecycles += EngineWorkloads.loadBatch(config, EngineWorkloads.BATCH, closer, rate).completed();
			now = System.nanoTime();
		}
		while (now < end);
		long cpu = threads.getCurrentThreadCpuTime() - cpu0;
		return new Rate(lifecycles / ((now - t0) / 1e9), lifecycles / (cpu / 1e9));
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
		Rate rate = lifecyclesPerSecond(level, closer, 2, seconds);
		System.out.printf("engine %s, %s closes: %,.0f lifecycles/s wall, %,.0f per CPU second%n", level, closer,
				rate.perWallSecond(), rate.perCpuSecond());
		ForkedJvm.result("lifecyclesPerSecond", String.format("%.0f", rate.perWallSecond()));
		ForkedJvm.result("lifecyclesPerCpuSecond", String.format("%.0f", rate.perCpuSecond()));
	}

}
