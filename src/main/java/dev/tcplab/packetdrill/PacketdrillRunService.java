package dev.tcplab.packetdrill;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.InlineTrace;
import dev.tcplab.simulation.Job;
import dev.tcplab.simulation.SimulationKind;
import dev.tcplab.simulation.JournalReplayer;
import dev.tcplab.simulation.SimulationJournal;
import dev.tcplab.simulation.SimulationService;
import dev.tcplab.simulation.SimulationSpec;

import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * Runs a packetdrill script in a new, ordinary simulation (manual clock, 0 ms latency:
 * the script's own times are the arrival times), whose trace, pcap and WebSocket stream
 * work as for any other. A run is a job of the simulation service: budgeted while it runs
 * (a stopped run leaves nothing behind) and journaled with the script itself
 * ({@code packetdrill} entry), so a rebuild runs the script again to the same trace.
 */
@Service
public class PacketdrillRunService {

	/** Largest script accepted (64 KiB). */
	public static final int MAX_SCRIPT_BYTES = 64 * 1024;

	/** Journal entry kind of a script run. */
	static final String JOURNAL_KIND = "packetdrill";

	/** Payload of a {@code packetdrill} journal entry: the script as submitted. */
	record JournaledScript(String script) {
	}

	private final SimulationService simulations;

	public PacketdrillRunService(SimulationService simulations) {
		this.simulations = simulations;
	}

	/** Replays {@code packetdrill} entries: the script again, to its end. */
	@Bean
	static JournalReplayer packetdrillReplayer(SimulationJournal journal) {
		return JournalReplayer.of(JOURNAL_KIND, JournaledScript.class, journal,
				(simulation, entry, budget) -> Runner.run(Parser.parse(entry.script()), simulation.engine(), budget));
	}

	/**
	 * A finished run; {@code trace} holds at most
	 * {@code tcplab.budget.max-inline-trace-events} events, the rest is read with
	 * {@code GET …/trace?since=traceContinuesAt}.
	 */
	public record RunResult(String simulationId, String profile, boolean passed, long toleranceUsecs,
			Runner.Failure failure, List<Runner.LineResult> lines, List<Runner.UnsupportedLine> unsupported,
			List<TraceEvent> trace, @JsonInclude(JsonInclude.Include.NON_NULL) Long traceContinuesAt) {
	}

	/**
	 * Parses first (a syntax error changes nothing), then creates the simulation and runs
	 * the script to its end or its first failing line.
	 * @throws Parser.SyntaxException for a malformed script
	 * @throws IllegalArgumentException for an unknown profile
	 * @throws dev.tcplab.simulation.LimitExceededException when the instance is full or
	 * the run's budget ran out (nothing is left behind)
	 */
	public RunResult run(String profile, Long seed, String text) {
		Script script = Parser.parse(text);
		// the script's leading sysctls set the simulation's constants (journaled with it)
		Map<String, Object> overrides = Sysctl.overrides(script);
		try (Job job = simulations.job(SimulationKind.PACKETDRILL)) {
			RunResult r = job.run(
					new SimulationSpec(profile, seed, 0.0, null, null, overrides.isEmpty() ? null : overrides, null,
							null, null, null, null),
					label(text), JOURNAL_KIND, new JournaledScript(text), (l, budget) -> {
						Runner.Outcome o = Runner.run(script, l.engine(), budget);
						InlineTrace t = InlineTrace.of(l.engine().eventsSince(0),
								simulations.budget().maxInlineTraceEvents());
						return new RunResult(l.id(), l.profile(), o.passed(), o.toleranceUs(), o.failure(), o.lines(),
								o.unsupported(), t.events(), t.continuesAt());
					});
			job.commit();
			return r;
		}
	}

	/** A label for the owner's list: the script's first comment, if any. */
	static String label(String text) {
		for (String line : text.split("\n", 50)) {
			String l = line.strip();
			if (l.startsWith("//") && !l.substring(2).isBlank()) {
				String c = l.substring(2).strip();
				return c.length() > 80 ? c.substring(0, 80) + "…" : c;
			}
		}
		return "packetdrill script";
	}

}
