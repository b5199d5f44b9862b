package dev.tcplab.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationService;

import org.springframework.stereotype.Service;

/**
 * Runs a built-in scenario on a new live simulation (manual clock, so the UI can open it
 * by id afterwards and keep driving it). Each step's narration is tied to the half-open
 * trace range {@code [fromSeq, toSeq)} that the step produced.
 */
@Service
public class ScenarioRunner {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

	private final SimulationService simulations;

	private final List<Scenario> scenarios = BuiltInScenarios.all();

	public ScenarioRunner(SimulationService simulations) {
		this.simulations = simulations;
	}

	/**
	 * One narrated step of a run; {@code fromSeq ≤ seq < toSeq} are the trace events it
	 * produced.
	 */
	public record NarrationStep(int step, long fromSeq, long toSeq, Text title, Text text, boolean pause,
			List<Map<String, Object>> expectations) {

		public NarrationStep(int step, long fromSeq, long toSeq, Text title, Text text) {
			this(step, fromSeq, toSeq, title, text, false, List.of());
		}
	}

	/** A finished run. */
	public record Run(String simulationId, String name, Text title, String profile, long seed, List<TraceEvent> trace,
			List<NarrationStep> narration) {
	}

	public List<Scenario> scenarios() {
		return scenarios;
	}

	/**
	 * @throws ScenarioNotFoundException for an unknown name
	 */
	public Scenario scenario(String name) {
		return scenarios.stream()
			.filter(s -> s.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new ScenarioNotFoundException(name, scenarios.stream().map(Scenario::name).toList()));
	}

	/**
	 * Creates a simulation and runs every step of the scenario on it.
	 * @throws ScenarioNotFoundException for an unknown name
	 * @throws IllegalArgumentException for an unknown profile
	 * @throws dev.tcplab.simulation.LimitExceededException when the instance is full
	 */
	public Run run(String name, String profile, Long seed) {
		return run(name, profile, seed, null);
	}

	/**
	 * Runs steps 1..untilStep only (all when null) and leaves the simulation live there.
	 * @throws IllegalArgumentException for an untilStep outside 1..steps
	 */
	public Run run(String name, String profile, Long seed, Integer untilStep) {
		Scenario scenario = scenario(name);
		if (untilStep != null && (untilStep < 1 || untilStep > scenario.steps().size())) {
			throw new IllegalArgumentException(
					"untilStep must be between 1 and " + scenario.steps().size() + " for " + name);
		}
		Scenario.Setup setup = scenario.setup();
		LiveSimulation live = simulations.create(
				new SimulationService.Spec(profile, seed, null, "manual", null, setup.overrides(), setup.traceLevel(),
						setup.clientAddress(), setup.serverAddress(), setup.pinnedIsn(), setup.retainClosed()));
		try {
			return live.withLock(s -> {
				Simulation engine = s.engine();
				ScenarioScript script = new ScenarioScript(engine);
				List<NarrationStep> narration = new ArrayList<>();
				int n = 0;
				for (ScenarioStep step : scenario.steps()) {
					if (untilStep != null && n >= untilStep) {
						break;
					}
					long from = engine.nextSeq();
					step.action().run(script);
					long to = engine.nextSeq();
					narration.add(new NarrationStep(++n, from, to, fill(step.title(), script.vars()),
							fill(step.text(), script.vars()), false, stubExpectations(engine.eventsSince(from), to)));
				}
				return new Run(s.id(), scenario.name(), scenario.title(), s.profile(), s.seed(), engine.eventsSince(0),
						List.copyOf(narration));
			});
		}
		catch (RuntimeException ex) {
			simulations.delete(live.id());
			throw ex;
		}
	}

	/**
	 * Stub until the scenario documents carry their own expectations: what a step
	 * produced (its state changes, finished calls and the first segment it sent), in the
	 * shape of the real expectations.
	 */
	static List<Map<String, Object>> stubExpectations(List<TraceEvent> events, long toSeq) {
		List<Map<String, Object>> out = new ArrayList<>();
		boolean segment = false;
		for (TraceEvent e : events) {
			if (e.seq() >= toSeq) {
				break;
			}
			Map<String, Object> x = new java.util.LinkedHashMap<>();
			if (e instanceof TraceEvent.State st && !"listener".equals(st.endpoint())) {
				x.put("kind", "state");
				x.put("pair", st.pair());
				x.put("endpoint", st.endpoint());
				x.put("from", st.from().name());
				x.put("to", st.to().name());
				x.put("text", st.endpoint() + " " + st.from() + " -> " + st.to());
			}
			else if (e instanceof TraceEvent.Call c && (!c.blocking() || c.completed()) && c.result() != null) {
				x.put("kind", "call");
				x.put("pair", c.pair());
				x.put("endpoint", c.endpoint());
				x.put("call", c.call());
				x.put("result", String.valueOf(c.result()));
				x.put("text", c.endpoint() + " " + c.call() + "() = " + c.result());
			}
			else if (e instanceof TraceEvent.Segment sg && !segment && "sent".equals(sg.event())) {
				segment = true;
				x.put("kind", "segment");
				x.put("pair", sg.pair());
				x.put("from", sg.from());
				x.put("to", sg.to());
				x.put("flags", sg.flags());
				x.put("retransmission", sg.retransmission());
				x.put("text", sg.from() + " sends " + String.join(",", sg.flags()));
			}
			else {
				continue;
			}
			x.put("negate", false);
			x.put("passed", true);
			out.add(x);
		}
		return List.copyOf(out);
	}

	static Text fill(Text t, Map<String, String> vars) {
		return new Text(fill(t.en(), vars, "en"), fill(t.ko(), vars, "ko"));
	}

	private static String fill(String s, Map<String, String> vars, String lang) {
		Matcher m = PLACEHOLDER.matcher(s);
		StringBuilder out = new StringBuilder();
		while (m.find()) {
			String key = m.group(1);
			String v = vars.getOrDefault(key + "." + lang, vars.get(key));
			m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
		}
		m.appendTail(out);
		return out.toString();
	}

}
