package dev.tcplab.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.stream.TraceStreamer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gauges of this instance's state, read when Prometheus scrapes (docs/operations.md
 * "Metrics"): live simulations held in memory, WebSocket viewers and viewers dropped for
 * being slow.
 */
@Configuration(proxyBeanMethods = false)
class OperationsMetrics {

	@Bean
	MeterBinder operationsMeters(SimulationRegistry registry, TraceStreamer streamer) {
		return meters -> {
			Gauge.builder("tcplab.simulations.live", registry, SimulationRegistry::size)
				.description("Simulations held in this instance's memory")
				.register(meters);
			Gauge.builder("tcplab.stream.viewers", streamer, TraceStreamer::viewerCount)
				.description("WebSocket viewers streaming from this instance")
				.register(meters);
			FunctionCounter.builder("tcplab.stream.viewers.dropped", streamer, TraceStreamer::droppedViewers)
				.description("Viewers closed for being too slow (4008)")
				.register(meters);
		};
	}

}
