package dev.tcplab.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import dev.tcplab.testing.ServerTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.CorsFilter;

/**
 * CORS for pages on other sites (docs/api.md "CORS"): by default any origin may read and
 * drive the API from a browser, errors included; configured origins restrict reads and
 * writes separately.
 */
@ServerTest
class CorsTest {

	static final String BLOG = "https://blog.example.org";

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Test
	void shouldLetAPageOnAnotherSiteReadTheApiAndItsErrors() {
		HttpJson http = new HttpJson(port, json);
		Answer list = http.send(http.request("/api/scenarios").header("Origin", BLOG).GET());
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue(BLOG);
		assertThat(list.raw().headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
		Answer missing = http
			.send(http.request("/api/simulations/00000000-0000-0000-0000-000000000000").header("Origin", BLOG).GET());
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.contentType()).startsWith("application/problem+json");
		assertThat(missing.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue(BLOG);
		Answer docs = http.send(http.request("/v3/api-docs").header("Origin", BLOG).GET());
		assertThat(docs.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue(BLOG);
	}

	@Test
	void shouldLetAPageOnAnotherSiteRunAScenarioAfterAPreflight() {
		HttpJson http = new HttpJson(port, json);
		Answer preflight = http.send(http.request("/api/scenarios/lost-last-ack/runs")
			.header("Origin", BLOG)
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "content-type")
			.method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
		assertThat(preflight.status()).isEqualTo(200);
		assertThat(preflight.raw().headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
		assertThat(preflight.raw().headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
			.contains("content-type");
		assertThat(preflight.raw().headers().firstValue("Access-Control-Max-Age")).hasValue("3600");
		Answer run = http.send(http.request("/api/scenarios/lost-last-ack/runs")
			.header("Origin", BLOG)
			.header("Content-Type", "application/json")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"profile\":\"linux\"}")));
		assertThat(run.status()).isEqualTo(201);
		assertThat(run.raw().headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Location")
			.contains("Retry-After");
		http.delete("/api/simulations/" + run.json().get("simulationId").asString());
	}

	@Test
	void shouldRestrictReadsAndWritesToTheConfiguredOrigins() throws Exception {
		CorsFilter filter = new CorsConfiguration()
			.corsFilter(new CorsProperties(List.of(BLOG, "https://*.school.example"), List.of(BLOG),
					Duration.ofMinutes(10)))
			.getFilter();
		assertThat(call(filter, "GET", null, BLOG)).isEqualTo(200);
		assertThat(call(filter, "GET", null, "https://class1.school.example")).isEqualTo(200);
		assertThat(call(filter, "GET", null, "https://evil.example")).isEqualTo(403);
		assertThat(call(filter, "OPTIONS", "POST", BLOG)).isEqualTo(200);
		assertThat(call(filter, "OPTIONS", "POST", "https://class1.school.example")).isEqualTo(403);
		assertThat(call(filter, "DELETE", null, "https://class1.school.example")).isEqualTo(403);
		CorsFilter none = new CorsConfiguration()
			.corsFilter(new CorsProperties(List.of(), List.of(), Duration.ofMinutes(10)))
			.getFilter();
		assertThat(call(none, "GET", null, BLOG)).isEqualTo(403);
		assertThat(call(none, "GET", null, null)).as("same-site requests carry no Origin and are not CORS")
			.isEqualTo(200);
	}

	private static int call(CorsFilter filter, String method, String preflightMethod, String origin) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/scenarios/lost-last-ack/runs");
		request.setServerName("tcplab.example");
		if (origin != null) {
			request.addHeader("Origin", origin);
		}
		if (preflightMethod != null) {
			request.addHeader("Access-Control-Request-Method", preflightMethod);
		}
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, response, chain);
		if (response.getStatus() == HttpServletResponse.SC_OK && chain.getRequest() == null
				&& preflightMethod == null) {
			return 500;
		}
		return response.getStatus();
	}

}
