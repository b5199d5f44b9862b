package dev.tcplab.scenario;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A narrated scenario read from a scenario document
 * ({@code src/main/resources/scenarios/}, format in {@link ScenarioDocuments}).
 *
 * @param name stable URL name, e.g. {@code lost-last-ack}
 * @param file where the document came from (named in problems)
 * @param article the article's own Korean sentences for this situation and a faithful
 * English translation, or null when the article does not cover it
 * @param profiles the stack profiles it is offered for (its narration and expectations
 * hold on each of them)
 * @param setup how the simulation is built besides profile and seed
 * @param document the document as written (JSON tree), for {@code GET
 * /api/scenarios/{name}}
 */
public record Scenario(String name, String file, Text title, Text summary, Text article, List<String> profiles,
		Setup setup, List<ScenarioStep> steps, JsonNode document) {

	/**
	 * Simulation settings of a scenario.
	 *
	 * @param overrides stack constants to override (e.g. {@code timeWaitMs: 0})
	 * @param clientAddress null = default
	 * @param serverAddress null = default
	 * @param pinnedIsn teaching ISNs 1000/5000
	 * @param traceLevel "full" or "states"
	 * @param retainClosed keep closed pairs in snapshots
	 */
	public record Setup(Map<String, Object> overrides, String clientAddress, String serverAddress, boolean pinnedIsn,
			String traceLevel, boolean retainClosed) {

		public static Setup standard() {
			return new Setup(Map.of(), null, null, true, "full", true);
		}
	}
}
