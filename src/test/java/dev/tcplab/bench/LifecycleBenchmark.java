package dev.tcplab.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.SimulationConfig;
import dev.tcplab.engine.TraceLevel;

/**
 * Full simulated lifecycles per second (handshake, one request/response, four-way close,
 * TIME_WAIT expiry) at each trace level, one thread. {@code loadLifecycles}: the engine's
 * generated workload, {@value EngineWorkloads#BATCH} lifecycles per invocation, a fresh
 * simulation each time (its construction is included). {@code apiLifecycle}: one
 * lifecycle driven call by call through the public facade, as the REST API drives it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LifecycleBenchmark {

	@Param({ "NONE", "STATES", "FULL" })
	public TraceLevel traceLevel;

	private SimulationConfig config;

	private Simulation apiSimulation;

	@Setup(Level.Trial)
	public void configure() {
		config = EngineWorkloads.config(traceLevel);
	}

	@Setup(Level.Iteration)
	public void freshSimulation() {
		apiSimulation = new Simulation(config);
	}

	@Benchmark
	@OperationsPerInvocation(EngineWorkloads.BATCH)
	public long loadLifecycles() {
		return EngineWorkloads.loadBatch(config, EngineWorkloads.BATCH, Side.CLIENT).completed();
	}

	@Benchmark
	public int apiLifecycle() {
		return EngineWorkloads.apiLifecycle(apiSimulation);
	}

}
