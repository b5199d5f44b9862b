package dev.tcplab.scenario;

/**
 * One narrated step of a scenario: what the script does ({@code action}) and what to tell
 * the reader about it. The narration may contain {@code {name}} placeholders filled from
 * the script's variables after the action ran (e.g. the result of a call, which differs
 * between profiles).
 */
public record ScenarioStep(Text title, Text text, Action action) {

	/** The engine calls of one step. */
	@FunctionalInterface
	public interface Action {

		void run(ScenarioScript script);

	}
}
