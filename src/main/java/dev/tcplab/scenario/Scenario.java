package dev.tcplab.scenario;

import java.util.List;
import java.util.Map;

/**
 * A built-in, narrated scenario: a scripted sequence of engine steps.
 *
 * @param name stable URL name, e.g. {@code lost-last-ack}
 * @param article the article's own Korean sentences for this situation and a faithful
 * English translation, or null when the article does not cover it
 * @param setup how the simulation is built besides profile and seed
 */
public record Scenario(String name, Text title, Text summary, Text article, Setup setup, List<ScenarioStep> steps) {

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

		public Setup withOverrides(Map<String, Object> o) {
			return new Setup(o, clientAddress, serverAddress, pinnedIsn, traceLevel, retainClosed);
		}

		public Setup withAddresses(String client, String server) {
			return new Setup(overrides, client, server, pinnedIsn, traceLevel, retainClosed);
		}

		/**
		 * Load runs: closed pairs are dropped and only states, calls, notes and census
		 * events are traced.
		 */
		public Setup forLoad() {
			return new Setup(overrides, clientAddress, serverAddress, pinnedIsn, "states", false);
		}
	}
}
