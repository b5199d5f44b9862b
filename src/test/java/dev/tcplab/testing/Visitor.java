package dev.tcplab.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tcplab.reliability.RawHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One visitor of a site: its own client address (127.0.0.x, bound by {@link RawHttp}),
 * the cookies the site's answers set, and what it met. A 429 with a short
 * {@code Retry-After} is waited out and sent again, as a browser or a polite notebook
 * does; any other 429 is a lockout.
 */
public final class Visitor {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Longest Retry-After (s) that is waited out rather than counted as a lockout. */
	public static final int SHORT_WAIT_SECONDS = 5;

	/** What every visitor of a run met, summed. */
	public static final class Tally {

		public final AtomicInteger requests = new AtomicInteger();

		public final AtomicInteger shortWaits = new AtomicInteger();

		public final AtomicInteger serverErrors = new AtomicInteger();

		public final AtomicInteger failures = new AtomicInteger();

		/** Refusals that were not a short wait, by {@code limit}. */
		public final Map<String, AtomicInteger> lockouts = new ConcurrentHashMap<>();

		/** A few examples of what went wrong. */
		public final List<String> examples = java.util.Collections.synchronizedList(new ArrayList<>());

		/** Wall time of every answered request, µs. */
		public final List<Long> latenciesMicros = java.util.Collections.synchronizedList(new ArrayList<>());

		public int lockoutCount() {
			return lockouts.values().stream().mapToInt(AtomicInteger::get).sum();
		}

		void example(String s) {
			if (examples.size() < 20) {
				examples.add(s.length() > 400 ? s.substring(0, 400) + "…" : s);
			}
		}

	}

	private final RawHttp http;

	private final String address;

	private final Tally tally;

	private final Map<String, String> cookies = new LinkedHashMap<>();

	public Visitor(String address, int port, Tally tally) {
		this.address = address;
		this.http = new RawHttp(address, port, false);
		this.tally = tally;
	}

	public String address() {
		return address;
	}

	public RawHttp raw() {
		return http;
	}

	/**
	 * Sends one request with this visitor's cookies (and {@code extraHeaders}), waiting
	 * out short Retry-After refusals. Counts what it met in the tally.
	 */
	public RawHttp.Response send(String method, String path, String contentType, String body,
			Map<String, String> extraHeaders) {
		for (int attempt = 0;; attempt++) {
			Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
			synchronized (cookies) {
				if (!cookies.isEmpty()) {
					headers.put("Cookie", String.join("; ",
							cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
				}
			}
			long started = System.nanoTime();
			RawHttp.Response r = http.request(method, path, headers, contentType,
					body == null ? null : body.getBytes(StandardCharsets.UTF_8));
			tally.requests.incrementAndGet();
			if (r.status() > 0) {
				tally.latenciesMicros.add((System.nanoTime() - started) / 1000);
			}
			String set = r.header("set-cookie");
			if (set != null && set.contains("=")) {
				String pair = set.split(";", 2)[0];
				synchronized (cookies) {
					cookies.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1));
				}
			}
			if (r.status() == 429) {
				String retry = r.header("retry-after");
				int wait = retry == null ? -1 : parse(retry);
				if (wait >= 0 && wait <= SHORT_WAIT_SECONDS && attempt < 30) {
					tally.shortWaits.incrementAndGet();
					sleep(Math.max(200, wait * 1000L));
					continue;
				}
				String limit = limitOf(r.body());
				tally.lockouts.computeIfAbsent(limit, k -> new AtomicInteger()).incrementAndGet();
				tally.example(address + " " + method + " " + path + " → 429 " + r.body());
			}
			else if (r.status() >= 500) {
				tally.serverErrors.incrementAndGet();
				tally.example(address + " " + method + " " + path + " → " + r.status() + " " + r.body());
			}
			else if (r.status() < 0) {
				tally.failures.incrementAndGet();
				tally.example(address + " " + method + " " + path + " → no answer: " + r.body());
			}
			return r;
		}
	}

	public RawHttp.Response send(String method, String path, String json) {
		return send(method, path, json == null ? null : "application/json", json, Map.of());
	}

	/** The JSON answer of a request that must answer {@code status}; null otherwise. */
	public JsonNode json(String method, String path, String body, int status) {
		RawHttp.Response r = send(method, path, body);
		if (r.status() != status) {
			if (r.status() != 429 && r.status() < 500 && r.status() > 0) {
				tally.failures.incrementAndGet();
				tally.example(address + " " + method + " " + path + " → " + r.status() + " (expected " + status + ") "
						+ r.body());
			}
			return null;
		}
		return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
	}

	private static String limitOf(String body) {
		try {
			JsonNode n = JSON.readTree(body);
			return n.has("limit") ? n.get("limit").asString() : "unknown";
		}
		catch (RuntimeException ex) {
			return "unknown";
		}
	}

	private static int parse(String s) {
		try {
			return Integer.parseInt(s.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	public static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The p-th percentile (0..100) of some values. */
	public static long percentile(List<Long> values, double p) {
		List<Long> sorted = new ArrayList<>(values);
		if (sorted.isEmpty()) {
			return 0;
		}
		java.util.Collections.sort(sorted);
		int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
	}

}
