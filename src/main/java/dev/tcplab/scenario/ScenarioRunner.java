package dev.tcplab.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.InlineTrace;
import dev.tcplab.simulation.Job;
import dev.tcplab.simulation.JobBudget;
import dev.tcplab.simulation.SimulationKind;
import dev.tcplab.simulation.JournalReplayer;
import dev.tcplab.simulation.SimulationJournal;
import dev.tcplab.simulation.SimulationKind;
import dev.tcplab.simulation.SimulationService;
import dev.tcplab.simulation.SimulationSpec;

import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * Runs a scenario on a new live simulation (manual clock, so the UI can open it by id
 * afterwards and keep driving it). Each step's narration is tied to the half-open trace
 * range {@code [fromSeq, toSeq)} that the step produced, and each of the step's
 * expectations is checked against that range. A run is a job of the simulation service
 * (budgeted while it runs, refused or stopped runs leave nothing behind), journaled so a
 * rebuild replays it: a built-in scenario by its name, an author's document by the
 * document itself.
 */
@Service
public class ScenarioRunner {

	/**
	 * Journal entry kind of a built-in scenario run: one entry (after the creation entry)
	 * that replays every step of the named scenario.
	 */
	static final String JOURNAL_KIND = "scenario";

	/**
	 * Journal entry kind of a run of an author's document: the document itself, since it
	 * cannot be found again by name.
	 */
	static final String DOCUMENT_KIND = "document";

	/**
	 * Payload of a {@code scenario} journal entry: the scenario and how far it ran
	 * ({@code untilStep} null = every step).
	 */
	record JournaledRun(String name, Integer untilStep) {
	}

	/** Payload of a {@code document} journal entry: the document (JSON) and untilStep. */
	record JournaledDocument(JsonNode document, Integer untilStep) {
	}

	private final SimulationService simulations;

	private final List<Scenario> scenarios = BuiltInScenarios.all();

	public ScenarioRunner(SimulationService simulations) {
		this.simulations = simulations;
	}

	/** Replays {@code scenario} entries: the named scenario, as far as it ran. */
	@Bean
	static JournalReplayer scenarioReplayer(ScenarioRunner runner, SimulationJournal journal) {
		return JournalReplayer.of(JOURNAL_KIND, JournaledRun.class, journal, (simulation, run,
				budget) -> play(runner.scenario(run.name()), simulation.engine(), run.untilStep(), budget));
	}

	/** Replays {@code document} entries: the author's document, as far as it ran. */
	@Bean
	static JournalReplayer documentReplayer(SimulationJournal journal) {
		return JournalReplayer.of(DOCUMENT_KIND, JournaledDocument.class, journal,
				(simulation, run, budget) -> play(ScenarioDocuments.read(run.document(), "document", null),
						simulation.engine(), run.untilStep(), budget));
	}

	/**
	 * One narrated step of a run; {@code fromSeq ≤ seq < toSeq} are the trace events it
	 * produced.
	 *
	 * @param neutral the narration with the profile's constants left as placeholders
	 * (what must read the same on every profile unless the step is written per profile);
	 * null for a step written per profile
	 */
	public record NarrationStep(int step, long fromSeq, long toSeq, @Schema(
			description = "The virtual time when the step ended (ms); the clock may stand after its last event") double endMs,
			Text title, Text text,
			@Schema(description = "The step only explains; it may produce no events") boolean pause,
			@Schema(description = "What the step claims about its range, each checked") List<Expectation.Checked> expectations,
			@JsonIgnore Text neutral) {
	}

	/** A finished run. */
	public record Run(String simulationId, String name, Text title, String profile, long seed, List<TraceEvent> trace,
			List<NarrationStep> narration) {
	}

	/**
	 * The part of a run's trace an answer carries
	 * ({@code tcplab.budget.max-inline-trace-events}).
	 */
	public InlineTrace inline(List<TraceEvent> trace) {
		return InlineTrace.of(trace, simulations.budget().maxInlineTraceEvents());
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

	/** Runs every step of a built-in scenario. */
	public Run run(String name, String profile, Long seed) {
		return run(scenario(name), profile, seed, null);
	}

	/**
	 * Runs steps 1..{@code untilStep} (null = all) of a built-in scenario.
	 * @throws ScenarioNotFoundException for an unknown name
	 */
	public Run run(String name, String profile, Long seed, Integer untilStep) {
		return run(scenario(name), profile, seed, untilStep);
	}

	/**
	 * Creates a simulation and runs the steps of the scenario on it: all of them, or
	 * steps 1..{@code untilStep}, after which the simulation stays live where that step
	 * left it. A job of its own (a built-in scenario or an author's document).
	 * @throws IllegalArgumentException for an unknown profile, one the scenario is not
	 * offered for, or a step number outside 1..steps
	 * @throws dev.tcplab.simulation.LimitExceededException when the instance is full or
	 * the run's budget ran out (nothing is left behind)
	 */
	public Run run(Scenario scenario, String profile, Long seed, Integer untilStep) {
		try (Job job = simulations.job(builtIn(scenario) ? SimulationKind.SCENARIO : SimulationKind.AUTHORED)) {
			Run r = run(job, scenario, profile, seed, untilStep);
			job.commit();
			return r;
		}
	}

	/**
	 * Runs the scenario on a new simulation as part of {@code job} (e.g. one variant of a
	 * comparison), within the job's budget.
	 */
	public Run run(Job job, Scenario scenario, String profile, Long seed, Integer untilStep) {
		String p = profile == null ? "linux" : profile.trim().toLowerCase(java.util.Locale.ROOT);
		if (dev.tcplab.engine.StackConstants.PROFILES.contains(p) && !scenario.profiles().contains(p)) {
			throw new IllegalArgumentException("scenario \"" + scenario.name() + "\" is offered for the profiles "
					+ String.join(", ", scenario.profiles()) + ", not \"" + p + "\"");
		}
		if (untilStep != null && (untilStep < 1 || untilStep > scenario.steps().size())) {
			throw new IllegalArgumentException("untilStep must be between 1 and " + scenario.steps().size()
					+ " (the steps of \"" + scenario.name() + "\"), got " + untilStep);
		}
		Scenario.Setup setup = scenario.setup();
		SimulationSpec spec = new SimulationSpec(profile, seed, null, "manual", null, setup.overrides(),
				setup.traceLevel(), setup.clientAddress(), setup.serverAddress(), setup.pinnedIsn(),
				setup.retainClosed());
		boolean builtIn = builtIn(scenario);
		return job.run(spec, scenario.name(), builtIn ? JOURNAL_KIND : DOCUMENT_KIND, builtIn
				? new JournaledRun(scenario.name(), untilStep) : new JournaledDocument(scenario.document(), untilStep),
				(s, budget) -> {
					Simulation engine = s.engine();
					List<NarrationStep> narration = play(scenario, engine, untilStep, budget);
					return new Run(s.id(), scenario.name(), scenario.title(), s.profile(), s.seed(),
							engine.eventsSince(0), narration);
				});
	}

	/**
	 * Whether {@code scenario} runs the steps of a built-in one (it may carry other
	 * overrides, as a comparison's variant does): then its journal entry is the name.
	 */
	private boolean builtIn(Scenario scenario) {
		return scenarios.stream().anyMatch(b -> b.name().equals(scenario.name()) && b.steps() == scenario.steps());
	}

	/** {@link #play(Scenario, Simulation, Integer, JobBudget)} without limits. */
	public static List<NarrationStep> play(Scenario scenario, Simulation engine, Integer untilStep) {
		return play(scenario, engine, untilStep, JobBudget.unlimited());
	}

	/**
	 * Runs steps 1..{@code untilStep} (null = all) of {@code scenario} on {@code engine}
	 * and checks each step's expectations against the events it produced.
	 */
	public static List<NarrationStep> play(Scenario scenario, Simulation engine, Integer untilStep, JobBudget budget) {
		String profile = engine.constants().profile();
		ScenarioScript script = new ScenarioScript(engine, budget);
		List<NarrationStep> narration = new ArrayList<>();
		int last = untilStep == null ? scenario.steps().size() : untilStep;
		for (int n = 1; n <= last; n++) {
			ScenarioStep step = scenario.steps().get(n - 1);
			long from = engine.nextSeq();
			try {
				step.action().run(script);
			}
			catch (java.util.NoSuchElementException | IllegalArgumentException | IllegalStateException ex) {
				// an action the document got wrong in a way only running it shows (e.g.
				// use: 7 with two pairs): named like any other problem of the document
				throw new ScenarioDocuments.ScenarioDocumentException(
						List.of(new ScenarioDocuments.Problem(scenario.file(), n, "do", ex.getMessage())));
			}
			long to = engine.nextSeq();
			List<TraceEvent> events = engine.eventsSince(from);
			List<Expectation.Checked> checked = step.expectations(profile)
				.stream()
				.map(e -> e.checked(e.holds(events)))
				.toList();
			Map<String, String> vars = script.vars();
			Text text = step.text(profile);
			narration.add(new NarrationStep(n, from, to, engine.nowMs(),
					ScenarioDocuments.fill(step.title(), vars, engine.constants()),
					ScenarioDocuments.fill(text, vars, engine.constants()), step.pause(), checked,
					step.perProfile() ? null : ScenarioDocuments.fill(text, neutral(vars, step.profileVars()), null)));
		}
		return List.copyOf(narration);
	}

	private static Map<String, String> neutral(Map<String, String> vars, java.util.Set<String> profileVars) {
		if (profileVars.isEmpty()) {
			return vars;
		}
		Map<String, String> out = new java.util.HashMap<>(vars);
		profileVars.forEach(v -> out.put(v, "{" + v + "}"));
		return out;
	}

	static Text fill(Text t, Map<String, String> vars) {
		return ScenarioDocuments.fill(t, vars, null);
	}

}
