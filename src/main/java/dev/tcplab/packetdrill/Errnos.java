package dev.tcplab.packetdrill;

import java.util.Map;

/**
 * errno names as packetdrill writes them ({@code = -1 EPIPE (Broken pipe)}), with glibc's
 * strerror text.
 */
final class Errnos {

	private static final Map<String, String> TEXT = Map.ofEntries(Map.entry("EADDRINUSE", "Address already in use"),
			Map.entry("EADDRNOTAVAIL", "Cannot assign requested address"),
			Map.entry("ENOTCONN", "Transport endpoint is not connected"), Map.entry("EPIPE", "Broken pipe"),
			Map.entry("ECONNRESET", "Connection reset by peer"), Map.entry("ETIMEDOUT", "Connection timed out"),
			Map.entry("EAGAIN", "Resource temporarily unavailable"),
			Map.entry("EWOULDBLOCK", "Resource temporarily unavailable"), Map.entry("EBADF", "Bad file descriptor"),
			Map.entry("ECONNREFUSED", "Connection refused"), Map.entry("EINVAL", "Invalid argument"),
			Map.entry("EISCONN", "Transport endpoint is already connected"),
			Map.entry("EALREADY", "Operation already in progress"),
			Map.entry("EINPROGRESS", "Operation now in progress"),
			Map.entry("ECONNABORTED", "Software caused connection abort"),
			Map.entry("EHOSTUNREACH", "No route to host"));

	private Errnos() {
	}

	static boolean known(String name) {
		return TEXT.containsKey(name);
	}

	/**
	 * The result part of a system-call line: {@code 0}, {@code 1000} or
	 * {@code -1 EPIPE (Broken pipe)}.
	 */
	static String result(Object result) {
		if (result instanceof Number n) {
			return Long.toString(n.longValue());
		}
		String s = String.valueOf(result);
		if (s.matches("-?\\d+")) {
			return s;
		}
		String name = "EWOULDBLOCK".equals(s) ? "EAGAIN" : s;
		String text = TEXT.get(name);
		return "-1 " + name + (text == null ? "" : " (" + text + ")");
	}

}
