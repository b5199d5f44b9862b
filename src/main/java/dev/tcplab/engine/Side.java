package dev.tcplab.engine;

import java.util.Locale;

/**
 * Which endpoint of a pair an event concerns. The wire name is lower case ("client",
 * "server").
 */
public enum Side {

	CLIENT, SERVER;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public Side peer() {
		return this == CLIENT ? SERVER : CLIENT;
	}

	/**
	 * @throws IllegalArgumentException for anything but "client" or "server"
	 * (case-insensitive).
	 */
	public static Side parse(String s) {
		if (s != null) {
			for (Side side : values()) {
				if (side.name().equalsIgnoreCase(s.trim())) {
					return side;
				}
			}
		}
		throw new IllegalArgumentException(
				"side must be \"client\" or \"server\", got " + (s == null ? "nothing" : "\"" + s + "\""));
	}

}
