package dev.tcplab.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value} arguments of a harness's {@code main}. */
public final class HarnessOptions {

	private final Map<String, String> values;

	private HarnessOptions(Map<String, String> values) {
		this.values = Collections.unmodifiableMap(values);
	}

	/** Each {@code key=value} argument, in order; an argument without '=' is ignored. */
	public static HarnessOptions parse(String[] args) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String a : args) {
			int eq = a.indexOf('=');
			if (eq > 0) {
				values.put(a.substring(0, eq), a.substring(eq + 1));
			}
		}
		return new HarnessOptions(values);
	}

	/** Every option, in the order given. */
	public Map<String, String> asMap() {
		return this.values;
	}

	public boolean has(String key) {
		return this.values.containsKey(key);
	}

	/** The option's text, or {@code orElse} when it was not given. */
	public String text(String key, String orElse) {
		return this.values.getOrDefault(key, orElse);
	}

	/** The option as an int, or {@code orElse} when it was not given. */
	public int integer(String key, int orElse) {
		return has(key) ? Integer.parseInt(this.values.get(key)) : orElse;
	}

	/** The option as a long, or {@code orElse} when it was not given. */
	public long whole(String key, long orElse) {
		return has(key) ? Long.parseLong(this.values.get(key)) : orElse;
	}

}
