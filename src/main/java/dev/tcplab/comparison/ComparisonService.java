package dev.tcplab.comparison;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tcplab.scenario.Scenario;
import dev.tcplab.scenario.ScenarioRunner;
import dev.tcplab.scenario.ScenarioRunner.Run;
import dev.tcplab.simulation.Job;
import dev.tcplab.simulation.SimulationKind;
import dev.tcplab.simulation.SimulationService;

import org.springframework.stereotype.Service;

/**
 * What-if comparisons: one scenario run under 2–4 variants (profile and stack-constant
 * overrides), each on its own live simulation, and a summary of what differs between
 * them.
 */
@Service
public class ComparisonService {

	/** Fewest and most variants of one comparison. */
	public static final int MIN_VARIANTS = 2, MAX_VARIANTS = 4;

	private final ScenarioRunner runner;

	private final SimulationService simulations;

	public ComparisonService(ScenarioRunner runner, SimulationService simulations) {
		this.runner = runner;
		this.simulations = simulations;
	}

	/**
	 * One variant as asked for: a label, and optionally a profile, seed, overrides and a
	 * scenario of its own (null: the comparison's scenario).
	 */
	public record Variant(String label, String profile, Long seed, Map<String, Object> overrides, Scenario scenario) {

		public Variant(String label, String profile, Long seed, Map<String, Object> overrides) {
			this(label, profile, seed, overrides, null);
		}

	}

	/** One variant's run and what it did. */
	public record VariantRun(String label, String profile, long seed, Map<String, Object> overrides,
			String simulationId, Run run, TraceSummary summary, boolean expectationsPassed) {
	}

	/**
	 * One aspect in which the variants differ: {@code aspect} is states, wire, calls,
	 * held, misdelivered or expectations; {@code endpoint} names the endpoint where it
	 * applies; {@code values} maps each variant's label to its value.
	 */
	public record Difference(String aspect, String endpoint, Map<String, Object> values) {

		/** The same difference with list values cut to {@code max} entries. */
		public Difference capped(int max) {
			Map<String, Object> out = new LinkedHashMap<>();
			values.forEach((label, v) -> out.put(label, v instanceof List<?> l ? TraceSummary.cap(l, max) : v));
			return new Difference(aspect, endpoint, out);
		}

	}

	public record Comparison(String scenario, List<VariantRun> variants, List<Difference> differences) {
	}

	/**
	 * Runs every variant of {@code scenario}, as one job of the simulation service (one
	 * budget for all variants). A variant that cannot run (unknown profile, bad override,
	 * instance full, budget used up) fails the whole comparison, and the simulations
	 * already made for it are deleted: a rejected request leaves nothing behind.
	 * @throws IllegalArgumentException for a bad variant list
	 */
	public Comparison compare(Scenario scenario, List<Variant> variants) {
		check(variants);
		List<VariantRun> runs = new ArrayList<>();
		try (Job job = simulations.job(SimulationKind.COMPARISON)) {
			for (Variant v : variants) {
				Scenario base = v.scenario() != null ? v.scenario() : scenario;
				Map<String, Object> overrides = new LinkedHashMap<>(base.setup().overrides());
				if (v.overrides() != null) {
					overrides.putAll(v.overrides());
				}
				Scenario variant = withOverrides(base, overrides);
				Run run = runner.run(job, variant, v.profile(), v.seed(), null);
				boolean passed = run.narration()
					.stream()
					.flatMap(n -> n.expectations().stream())
					.allMatch(e -> e.passed() == null || e.passed());
				runs.add(new VariantRun(v.label().strip(), run.profile(), run.seed(),
						v.overrides() == null ? Map.of() : v.overrides(), run.simulationId(), run,
						TraceSummary.of(run.trace()), passed));
			}
			job.commit();
		}
		return new Comparison(scenario.name(), List.copyOf(runs), differences(runs));
	}

	static Scenario withOverrides(Scenario s, Map<String, Object> overrides) {
		Scenario.Setup u = s.setup();
		Scenario.Setup setup = new Scenario.Setup(Map.copyOf(overrides), u.clientAddress(), u.serverAddress(),
				u.pinnedIsn(), u.traceLevel(), u.retainClosed());
		return new Scenario(s.name(), s.file(), s.title(), s.summary(), s.article(), s.profiles(), setup, s.steps(),
				s.document());
	}

	private static void check(List<Variant> variants) {
		if (variants == null || variants.size() < MIN_VARIANTS || variants.size() > MAX_VARIANTS) {
			throw new IllegalArgumentException("variants: a comparison takes " + MIN_VARIANTS + " to " + MAX_VARIANTS
					+ " variants, got " + (variants == null ? 0 : variants.size()));
		}
		Set<String> labels = new HashSet<>();
		for (int i = 0; i < variants.size(); i++) {
			Variant v = variants.get(i);
			if (v == null || v.label() == null || v.label().isBlank()) {
				throw new IllegalArgumentException("variants[" + i + "].label: every variant needs a label");
			}
			if (v.label().length() > 60) {
				throw new IllegalArgumentException("variants[" + i + "].label: at most 60 characters");
			}
			if (!labels.add(v.label().strip())) {
				throw new IllegalArgumentException(
						"variants[" + i + "].label: \"" + v.label().strip() + "\" is used twice; labels must differ");
			}
		}
	}

	/** Every aspect whose value is not the same in all variants. */
	static List<Difference> differences(List<VariantRun> runs) {
		List<Difference> out = new ArrayList<>();
		Set<String> endpoints = new LinkedHashSet<>();
		runs.forEach(r -> endpoints.addAll(r.summary().states().keySet()));
		for (String ep : endpoints) {
			add(out, "states", ep, runs, r -> r.summary().states().getOrDefault(ep, List.of()));
		}
		Set<String> heldEndpoints = new LinkedHashSet<>();
		runs.forEach(r -> heldEndpoints.addAll(r.summary().held().keySet()));
		for (String ep : heldEndpoints) {
			add(out, "held", ep, runs, r -> heldMs(r.summary().held().getOrDefault(ep, Map.of())));
		}
		add(out, "wire", null, runs, r -> r.summary().wire());
		add(out, "calls", null, runs, r -> r.summary().calls());
		add(out, "misdelivered", null, runs, r -> r.summary().misdelivered().size());
		add(out, "expectations", null, runs, VariantRun::expectationsPassed);
		return List.copyOf(out);
	}

	private static Map<String, Double> heldMs(Map<String, TraceSummary.Held> held) {
		Map<String, Double> out = new LinkedHashMap<>();
		held.forEach((state, h) -> out.put(state, h.ms()));
		return out;
	}

	private static void add(List<Difference> out, String aspect, String endpoint, List<VariantRun> runs,
			java.util.function.Function<VariantRun, Object> value) {
		Map<String, Object> values = new LinkedHashMap<>();
		runs.forEach(r -> values.put(r.label(), value.apply(r)));
		if (new HashSet<>(values.values()).size() > 1) {
			out.add(new Difference(aspect, endpoint, values));
		}
	}

}
