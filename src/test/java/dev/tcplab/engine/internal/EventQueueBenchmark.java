package dev.tcplab.engine.internal;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second of the engine's discrete-event queue ({@link EventQueue}), in the
 * classic "hold" model: the queue holds {@code pending} events; each operation pops the
 * earliest and schedules a new one a random 0..60 s later (the spread of TIME_WAIT,
 * retransmission and delayed-ACK timers). 600,000 pending is the busy server's minute of
 * TIME_WAIT timers. Lives with the benchmarks of {@code dev.tcplab.bench}
 * (docs/performance.md) and, like them, runs only under {@code -Pbench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventQueueBenchmark {

	private static final int MASK = (1 << 16) - 1;

	private static final int KIND = 1;

	@Param({ "1000", "600000" })
	public int pending;

	private EventQueue scheduler;

	private final long[] delays = new long[MASK + 1];

	private int next;

	private final Object target = new Object();

	@Setup(Level.Trial)
	public void fill() {
		SplittableRandom rnd = new SplittableRandom(1);
		for (int i = 0; i < delays.length; i++) {
			delays[i] = rnd.nextLong(60_000_000L);
		}
		scheduler = new EventQueue();
		for (int i = 0; i < pending; i++) {
			scheduler.schedule(delays[i & MASK], KIND, target, i);
		}
	}

	/** One event out, one event in: the queue's size stays at {@code pending}. */
	@Benchmark
	public long holdEvent() {
		long now = scheduler.peekTime();
		long a = scheduler.peekArg();
		scheduler.pop();
		scheduler.schedule(now + delays[next++ & MASK], KIND, target, a);
		return a;
	}

}
