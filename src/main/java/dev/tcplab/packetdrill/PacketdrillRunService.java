package dev.tcplab.packetdrill;

import java.util.List;
import java.util.Map;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationService;
import dev.tcplab.simulation.SimulationSpec;

import org.springframework.stereotype.Service;

/**
 * Runs a packetdrill script in a new, ordinary simulation (manual clock, 0 ms latency:
 * the script's own times are the arrival times), whose trace, pcap and WebSocket stream
 * work as for any other.
 */
@Service
public class PacketdrillRunService {

	/** Largest script accepted (64 KiB). */
	public static final int MAX_SCRIPT_BYTES = 64 * 1024;

	private final SimulationService simulations;

	public PacketdrillRunService(SimulationService simulations) {
		this.simulations = simulations;
	}

	/** A finished run. */
	public record RunResult(String simulationId, String profile, boolean passed, long toleranceUsecs,
			Runner.Failure failure, List<Runner.LineResult> lines, List<Runner.UnsupportedLine> unsupported,
			List<TraceEvent> trace) {
	}

	/**
	 * Parses first (a syntax error changes nothing), then creates the simulation and runs
	 * the script to its end or its first failing line.
	 * @throws Parser.SyntaxException for a malformed script
	 * @throws IllegalArgumentException for an unknown profile
	 */
	public RunResult run(String profile, Long seed, String text) {
		Script script = Parser.parse(text);
		// the script's leading sysctls set the simulation's constants
		Map<String, Object> overrides = Sysctl.overrides(script);
		LiveSimulation live = simulations.create(new SimulationSpec(profile, seed, 0.0, null, null,
				overrides.isEmpty() ? null : overrides, null, null, null, null, null));
		return live.withLock(l -> {
			Runner.Outcome o = Runner.run(script, l.engine());
			return new RunResult(l.id(), l.profile(), o.passed(), o.toleranceUs(), o.failure(), o.lines(),
					o.unsupported(), l.engine().eventsSince(0));
		});
	}

}
