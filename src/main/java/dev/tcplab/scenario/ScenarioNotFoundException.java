package dev.tcplab.scenario;

/** No built-in scenario has this name. */
public class ScenarioNotFoundException extends RuntimeException {

	public ScenarioNotFoundException(String name, java.util.Collection<String> known) {
		super("no scenario named \"" + name + "\"; known scenarios: " + String.join(", ", known));
	}

}
