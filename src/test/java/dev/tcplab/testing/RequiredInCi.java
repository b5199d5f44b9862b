package dev.tcplab.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A test input that lives outside the repository (a browser, nginx, the packetdrill tool,
 * the article): missing locally, the test reports a skip with the reason; under
 * {@code CI=true} it fails, because CI installs everything and a silent skip there would
 * pass a check that never ran.
 */
public final class RequiredInCi {

	private RequiredInCi() {
	}

	/** True when the build runs under CI ({@code CI=true}). */
	public static boolean ci() {
		return "true".equals(System.getenv("CI"));
	}

	/**
	 * @param present whether the input is there
	 * @param what what is missing and how to get it, e.g. "nginx (apt-get install nginx)"
	 */
	public static void require(boolean present, String what) {
		if (present) {
			return;
		}
		if (ci()) {
			Assertions.fail("required under CI=true but missing: " + what);
		}
		Assumptions.abort("skipped, missing here: " + what + " (required under CI=true)");
	}

}
