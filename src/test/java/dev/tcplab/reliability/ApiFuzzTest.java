package dev.tcplab.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Sends up to 2000 random and malformed requests (seeded, so a failure reproduces) and
 * asserts: no 5xx, every API error is problem+json, a rejected request leaves its
 * simulation's trace exactly as it was, and a simulation nobody touched keeps a
 * byte-identical trace.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=1000000", "tcplab.request-burst=1000000",
				"tcplab.max-simulations=60", "tcplab.max-pairs=8", "tcplab.budget.max-simulations-per-client=1000",
				"logging.level.org.springframework.web.servlet.PageNotFound=ERROR" })
class ApiFuzzTest {

	static final int REQUESTS = 2000;

	/**
	 * Bounded in time too, so a loaded machine cannot make it drag on; it still must get
	 * through most requests.
	 */
	static final java.time.Duration BUDGET = java.time.Duration.ofSeconds(25);

	static final String[] TYPES = { "close", "shutdown", "send", "recv", "abort", "setsockopt", "lose", "duplicate",
			"delay", "hold", "release", "resend-fin", "inject", "CLOSE", "explode", "", "null" };

	static final String[] WORDS = { "client", "server", "listener", "CLIENT", "", "SHUT_WR", "SHUT_RD", "SHUT_RDWR",
			"SHUT_UP", "ACK", "FIN", "SYN", "RST", "DATA", "ANY", "ack", "SO_LINGER", "SO_REUSEADDR", "SO_KEEPALIVE",
			"linux", "rfc9293", "bsd", "windows", "solaris", "manual", "realtime", "full", "states", "none", "10.0.0.1",
			"999.1.1.1", "☃", "\\u0000" };

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	final Random rnd = new Random(20261125);

	String number() {
		return switch (rnd.nextInt(12)) {
			case 0 -> "-1";
			case 1 -> "0";
			case 2 -> "1";
			case 3 -> "99999999999999999999999";
			case 4 -> "1e308";
			case 5 -> "-1e308";
			case 6 -> "3.5";
			case 7 -> "\"12\"";
			case 8 -> "null";
			case 9 -> "true";
			case 10 -> "[]";
			default -> Integer.toString(rnd.nextInt(70000) - 100);
		};
	}

	String word() {
		return "\"" + WORDS[rnd.nextInt(WORDS.length)] + "\"";
	}

	String value() {
		return switch (rnd.nextInt(5)) {
			case 0 -> word();
			case 1 -> "{\"a\":" + number() + "}";
			case 2 -> "[" + word() + "," + word() + "]";
			default -> number();
		};
	}

	String object(String... keys) {
		StringBuilder b = new StringBuilder("{");
		int n = rnd.nextInt(keys.length + 1);
		for (int i = 0; i < n; i++) {
			if (i > 0) {
				b.append(',');
			}
			String key = keys[rnd.nextInt(keys.length)];
			b.append('"').append(key).append("\":").append(value());
		}
		return b.append('}').toString();
	}

	String eventBody() {
		String base = "{\"type\":\"" + TYPES[rnd.nextInt(TYPES.length)] + "\",\"side\":"
				+ (rnd.nextInt(5) == 0 ? word() : rnd.nextBoolean() ? "\"client\"" : "\"server\"");
		String extra = object("how", "bytes", "max", "option", "onoff", "seconds", "value", "segment", "count", "nth",
				"ms", "flags", "seq", "ack", "len");
		return extra.length() > 2 ? base + "," + extra.substring(1) : base + "}";
	}

	String garbage() {
		return switch (rnd.nextInt(8)) {
			case 0 -> "";
			case 1 -> "{";
			case 2 -> "not json";
			case 3 -> "[1,2,3]";
			case 4 -> "null";
			case 5 -> "{\"type\":\"close\",\"side\":\"client\"";
			case 6 -> "\"" + "x".repeat(rnd.nextInt(20000)) + "\"";
			default -> new String(randomBytes(), StandardCharsets.ISO_8859_1);
		};
	}

	byte[] randomBytes() {
		byte[] b = new byte[rnd.nextInt(64)];
		rnd.nextBytes(b);
		return b;
	}

	static String query(String v) {
		return java.net.URLEncoder.encode(v.replace("\"", ""), StandardCharsets.UTF_8);
	}

	long nextSeq(HttpJson http, String id) {
		Answer a = http.get("/api/simulations/" + id + "/trace?since=999999999999");
		return a.status() == 200 ? a.json().get("nextSeq").asLong() : -1;
	}

	@Test
	void shouldNeitherFailTheServerNorTouchOtherSimulationsOnRandomAndMalformedRequests() {
		HttpJson http = new HttpJson(port, json);
		// the untouched simulation: a closed pair with a lost last ACK, some time passed
		String untouched = http.post("/api/simulations", "{\"seed\":5}").json().get("id").asString();
		assertThat(http.post("/api/simulations/" + untouched + "/pairs", null).status()).isEqualTo(201);
		http.post("/api/simulations/" + untouched + "/pairs/1/events", "{\"type\":\"close\",\"side\":\"client\"}");
		http.post("/api/simulations/" + untouched + "/clock", "{\"advanceMs\":100}");
		JsonNode before = http.get("/api/simulations/" + untouched + "/trace").json();
		JsonNode viewBefore = http.get("/api/simulations/" + untouched).json();

		String target = http.post("/api/simulations", "{\"seed\":6}").json().get("id").asString();
		http.post("/api/simulations/" + target + "/pairs", null);
		String[] ids = { target, target, target, "nope", "", "%2e%2e", "00000000-0000-0000-0000-000000000000",
				"x".repeat(300) };
		String[] methods = { "GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH" };
		int checkedRejections = 0;
		int[] byClass = new int[6];
		long scenarioRuns = 0;
		long deadline = System.nanoTime() + BUDGET.toNanos();
		int sent = 0;
		for (int i = 0; i < REQUESTS && System.nanoTime() < deadline; i++) {
			sent++;
			String id = ids[rnd.nextInt(ids.length)];
			String path;
			String body;
			String rightMethod = "POST";
			boolean mutatesTarget = false;
			switch (rnd.nextInt(10)) {
				case 0 -> {
					path = "/api/simulations";
					body = rnd.nextInt(4) == 0 ? garbage() : object("profile", "seed", "latencyMs", "clock", "speed",
							"overrides", "traceLevel", "clientAddress", "serverAddress", "pinnedIsn", "timeWaitMs");
				}
				case 1 -> {
					path = "/api/simulations/" + id + "/pairs";
					body = rnd.nextInt(4) == 0 ? garbage()
							: object("serverPort", "clientPort", "clientReuseAddr", "establish");
					mutatesTarget = id.equals(target);
				}
				case 2, 3, 4, 5 -> {
					String pair = List.of("1", "1", "1", "2", "0", "-1", "abc", "99999999999", "1.5")
						.get(rnd.nextInt(9));
					path = "/api/simulations/" + id + "/pairs/" + pair + "/events";
					body = rnd.nextInt(5) == 0 ? garbage() : eventBody();
					mutatesTarget = id.equals(target);
				}
				case 6 -> {
					path = "/api/simulations/" + id + "/clock";
					body = rnd.nextInt(4) == 0 ? garbage()
							: object("advanceMs", "runUntilIdle", "maxMs", "step", "paused", "speed", "clock");
					mutatesTarget = id.equals(target);
				}
				case 7 -> {
					path = "/api/simulations/" + id + "/trace"
							+ (rnd.nextBoolean() ? ".pcap" : "?since=" + query(number()))
							+ (rnd.nextInt(4) == 0 ? "&limit=" + query(number()) : "");
					body = null;
					rightMethod = "GET";
				}
				case 8 -> {
					boolean real = rnd.nextInt(40) == 0;
					path = "/api/scenarios/" + (real ? "lost-last-ack" : WORDS[rnd.nextInt(WORDS.length)]) + "/runs";
					body = rnd.nextBoolean() ? object("profile", "seed") : garbage();
					scenarioRuns += real ? 1 : 0;
				}
				default -> {
					path = "/api/simulations/" + id;
					body = rnd.nextInt(3) == 0 ? garbage() : null;
					rightMethod = rnd.nextInt(4) == 0 ? "DELETE" : "GET";
				}
			}
			String method = rnd.nextInt(6) == 0 ? methods[rnd.nextInt(methods.length)] : rightMethod;
			if (method.equals("DELETE") && id.equals(target)) {
				method = "GET"; // keep the target alive so later requests exercise it
			}
			String contentType = switch (rnd.nextInt(10)) {
				case 0 -> null;
				case 1 -> "text/plain";
				case 2 -> "application/xml";
				default -> "application/json";
			};
			long seqBefore = mutatesTarget ? nextSeq(http, target) : -1;
			Answer a;
			try {
				a = http.send(method, path.replace(" ", "%20"), contentType,
						body == null ? null : body.getBytes(StandardCharsets.UTF_8));
			}
			catch (IllegalArgumentException badUri) {
				continue;
			}
			byClass[a.status() / 100]++;
			assertThat(a.status()).as("%s %s %s -> %s", method, path, body, a.text()).isLessThan(500);
			if (a.status() >= 400 && path.startsWith("/api/")) {
				assertThat(a.contentType()).as("%s %s %s -> %d", method, path, body, a.status())
					.startsWith("application/problem+json");
				assertThat(a.json().get("detail")).isNotNull();
			}
			if (mutatesTarget && a.status() >= 400 && a.status() != 429) {
				assertThat(nextSeq(http, target)).as("rejected %s %s %s left the trace as it was", method, path, body)
					.isEqualTo(seqBefore);
				checkedRejections++;
			}
		}
		JsonNode after = http.get("/api/simulations/" + untouched + "/trace").json();
		assertThat(after).isEqualTo(before);
		assertThat(http.get("/api/simulations/" + untouched).json()).isEqualTo(viewBefore);
		assertThat(http.get("/api/simulations/" + target).status()).isEqualTo(200);
		assertThat(sent).as("requests sent within the time budget").isGreaterThanOrEqualTo(800);
		assertThat(checkedRejections).isGreaterThan(sent / 10);
		assertThat(byClass[2]).as("some requests succeed").isGreaterThan(sent / 40);
		System.out.printf(
				"fuzz: %d requests, 2xx=%d 4xx=%d, %d rejections checked for no side effect, %d scenario runs%n", sent,
				byClass[2], byClass[4], checkedRejections, scenarioRuns);
	}

}
