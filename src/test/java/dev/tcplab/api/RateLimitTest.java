package dev.tcplab.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
		properties = { "tcplab.requests-per-second=1", "tcplab.request-burst=6", "tcplab.max-simulations=2" })
class RateLimitTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Test
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

}
