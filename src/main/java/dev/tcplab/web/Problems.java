package dev.tcplab.web;

/** Small helpers for problem details that quote client input. */
public final class Problems {

	private Problems() {
	}

	/**
	 * The status a client should see for an error status: CONNECT (Tomcat: 501) is a
	 * method this server does not allow (405); any other 501 and an HTTP version it does
	 * not speak (505) are malformed requests (400). Other statuses stay as they are.
	 */
	public static int forClient(int status, String method) {
		if (status == 501 && "CONNECT".equalsIgnoreCase(method)) {
			return 405;
		}
		if (status == 501 || status == 505) {
			return 400;
		}
		return status;
	}

	/**
	 * At most {@code max} characters of {@code s} (then "…" and the full length), so a
	 * rejected value is never echoed back whole; control characters become spaces.
	 */
	public static String shorten(String s, int max) {
		if (s == null) {
			return null;
		}
		String cut = s.length() <= max ? s : s.substring(0, max) + "… (" + s.length() + " characters)";
		StringBuilder b = null;
		for (int i = 0; i < cut.length(); i++) {
			char c = cut.charAt(i);
			if (Character.isISOControl(c)) {
				if (b == null) {
					b = new StringBuilder(cut);
				}
				b.setCharAt(i, ' ');
			}
		}
		return b == null ? cut : b.toString();
	}

}
