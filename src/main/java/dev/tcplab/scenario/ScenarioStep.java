package dev.tcplab.scenario;

import java.util.List;
import java.util.Map;

/**
 * One narrated step of a scenario: what the script does ({@code action}), what to tell
 * the reader about it and what the step's trace range must show. The narration may
 * contain {@code {name}} placeholders filled from the script's variables after the action
 * ran (e.g. the result of a call) and {@code {const.NAME}} / {@code {const.NAME:s}}
 * placeholders filled from the profile's stack constants (ms, or seconds).
 *
 * @param text narration for every profile, or null when {@code textByProfile} gives it
 * @param textByProfile narration per profile (every offered profile present), or empty
 * @param profileVars placeholders of {@code text} whose values are declared to differ per
 * profile (e.g. a measured duration)
 * @param pause a step that only explains: it may produce no events
 * @param expect expectations on every profile
 * @param expectByProfile further expectations per profile
 */
public record ScenarioStep(Text title, Text text, Map<String, Text> textByProfile, java.util.Set<String> profileVars,
		boolean pause, Action action, List<Expectation> expect, Map<String, List<Expectation>> expectByProfile) {

	/** The narration on {@code profile}. */
	public Text text(String profile) {
		return text != null ? text : textByProfile.get(profile);
	}

	/** Whether the narration is written per profile. */
	public boolean perProfile() {
		return text == null;
	}

	/** Everything this step claims on {@code profile}. */
	public List<Expectation> expectations(String profile) {
		List<Expectation> more = expectByProfile.getOrDefault(profile, List.of());
		if (more.isEmpty()) {
			return expect;
		}
		List<Expectation> all = new java.util.ArrayList<>(expect);
		all.addAll(more);
		return List.copyOf(all);
	}

	/** The engine calls of one step. */
	@FunctionalInterface
	public interface Action {

		void run(ScenarioScript script);

	}
}
