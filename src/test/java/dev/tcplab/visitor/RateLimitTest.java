package dev.tcplab.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The per-client token bucket end to end: /api/** is limited with Retry-After, health is
 * not; simulations cap at 429.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=1", "tcplab.request-burst=6", "tcplab.max-simulations=2",
				// forwarded headers on, with the shipped trusted-proxy list (none)
				"server.forward-headers-strategy=native" })
// both tests spend the one bucket of 127.0.0.1: the burst is measured on a full bucket,
// before the X-Forwarded-For test drains it
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Test
	@Order(1)
	void shouldAnswer429WithRetryAfterAfterABurstAndAtTheInstanceLimit() {
		HttpJson http = new HttpJson(port, json);
		assertThat(http.post("/api/simulations", null).status()).isEqualTo(201);
		assertThat(http.post("/api/simulations", null).status()).isEqualTo(201);
		Answer full = http.post("/api/simulations", null);
		assertThat(full.status()).isEqualTo(429);
		assertThat(full.json().get("limit").asString()).isEqualTo("maxSimulations");
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
	 * .internal-proxies, empty by default): a client rotating it stays one client.
	 */
	@Test
	@Order(2)
	void shouldNotLetARotatingXForwardedForFromAnUntrustedClientBypassTheLimit() throws Exception {
		java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
		int limited = 0;
		for (int i = 0; i < 20; i++) {
			java.net.http.HttpRequest r = java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/scenarios"))
				.header("X-Forwarded-For", "198.51.100." + (i + 1))
				.build();
			if (client.send(r, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 429) {
				limited++;
			}
		}
		assertThat(limited).as("requests limited out of 20 with 20 different X-Forwarded-For")
			.isGreaterThanOrEqualTo(13);
	}

}
