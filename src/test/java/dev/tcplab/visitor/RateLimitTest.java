package dev.tcplab.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.tcplab.reliability.RawHttp;
import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The per-client token bucket end to end: /api/** is limited with Retry-After, health is
 * not; the instance limit drops the least recently used copy instead of refusing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=1", "tcplab.request-burst=6", "tcplab.max-simulations=2" })
// both tests spend the one bucket of 127.0.0.1: the burst is measured on a full bucket,
// before the X-Forwarded-For test drains another client's
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Test
	@Order(1)
	void shouldAnswer429WithRetryAfterAfterABurstAndMakeRoomAtTheInstanceLimit() {
		HttpJson http = new HttpJson(port, json);
		String first = http.post("/api/simulations", null).json().get("id").asString();
		assertThat(http.post("/api/simulations", null).status()).isEqualTo(201);
		Answer third = http.post("/api/simulations", null);
		assertThat(third.status()).as("the instance limit drops the least recently used copy").isEqualTo(201);
		assertThat(http.get("/api/simulations/" + first).status()).as("it comes back from the journal").isEqualTo(200);
		Answer last = null;
		for (int i = 0; i < 10; i++) {
			last = http.get("/api/scenarios");
			if (last.status() == 429) {
				break;
			}
		}
		assertThat(last.status()).isEqualTo(429);
		assertThat(last.contentType()).startsWith("application/problem+json");
		assertThat(last.raw().headers().firstValue("Retry-After"))
			.hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
		assertThat(last.json().get("limit").asString()).isEqualTo("requestsPerSecond");
		assertThat(http.get("/actuator/health").status()).as("health is not rate limited").isEqualTo(200);
	}

	/**
	 * X-Forwarded-For counts only from a trusted proxy (server.tomcat.remoteip
	 * .internal-proxies, the shipped list is loopback 127.0.0.1 and ::1): a client at
	 * another address rotating it stays one client.
	 */
	@Test
	@Order(2)
	void shouldNotLetARotatingXForwardedForFromAnUntrustedClientBypassTheLimit() {
		RawHttp client = new RawHttp("127.0.0.2", port);
		int passed = 0;
		long started = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			RawHttp.Response r = client.request("GET", "/api/scenarios",
					java.util.Map.of("X-Forwarded-For", "198.51.100." + (i + 1)), null, null);
			if (r.status() != 429) {
				passed++;
			}
		}
		// one client's bucket: the burst (6) plus 1 per second of the loop
		long seconds = (System.nanoTime() - started) / 1_000_000_000L + 1;
		assertThat(passed).as("requests passed out of 20 with 20 different X-Forwarded-For in %d s", seconds)
			.isLessThanOrEqualTo((int) Math.min(19, 6 + seconds));
	}

	/** From the trusted proxy (loopback), the forwarded address is the client. */
	@Test
	@Order(3)
	void shouldTakeTheClientFromXForwardedForSentByTheTrustedProxy() {
		RawHttp proxy = new RawHttp("127.0.0.1", port);
		int limited = 0;
		for (int i = 0; i < 20; i++) {
			RawHttp.Response r = proxy.request("GET", "/api/scenarios",
					java.util.Map.of("X-Forwarded-For", "198.51.100." + (i + 1)), null, null);
			if (r.status() == 429) {
				limited++;
			}
		}
		assertThat(limited).as("requests of 20 different forwarded clients limited").isZero();
	}

}
