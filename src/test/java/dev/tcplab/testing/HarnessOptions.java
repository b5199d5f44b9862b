package dev.tcplab.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value} arguments of a harness's {@code main}. */
public final class HarnessOptions {

	private HarnessOptions() {
	}

	/** Each {@code key=value} argument, in order; an argument without '=' is ignored. */
	public static Map<String, String> parse(String[] args) {
		Map<String, String> opts = new LinkedHashMap<>();
		for (String a : args) {
			int eq = a.indexOf('=');
			if (eq > 0) {
				opts.put(a.substring(0, eq), a.substring(eq + 1));
			}
		}
		return opts;
	}

}
