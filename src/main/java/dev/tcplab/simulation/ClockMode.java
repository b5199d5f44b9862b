package dev.tcplab.simulation;

import java.util.Locale;

/**
 * How virtual time moves: only through the API ({@code manual}) or at speed × wall time
 * ({@code realtime}).
 */
public enum ClockMode {

	MANUAL, REALTIME;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static ClockMode parse(String s) {
		if (s == null) {
			return MANUAL;
		}
		for (ClockMode m : values()) {
			if (m.name().equalsIgnoreCase(s.trim())) {
				return m;
			}
		}
		throw new IllegalArgumentException("clock must be \"manual\" or \"realtime\", got \"" + s + "\"");
	}

}
