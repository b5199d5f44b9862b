package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tcplab.reliability.RawHttp;
import dev.tcplab.visitor.CurrentClient;
import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import dev.tcplab.testing.ServerTest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * docs/decisions.md "Creations land on their owner": nginx routes a request that names no
 * simulation by an id it makes and passes in {@code X-Simulation-Id}; the instance gives
 * that id to the first simulation the request creates, so the creation lands where the
 * consistent hash sends every later request about it. The id is taken only from a trusted
 * proxy (Tomcat's RemoteIpValve: the test client is 127.0.0.1, in
 * {@code internal-proxies}, and names a client in X-Forwarded-For), only in the UUID
 * form, and never when a copy with that id is held.
 */
@ServerTest
class ProxySuggestedIdTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	/**
	 * A creation from 127.0.0.1, a trusted proxy (naming a client when {@code viaProxy}).
	 */
	Answer create(String suggested, boolean viaProxy) {
		HttpJson http = new HttpJson(port, json);
		HttpRequest.Builder b = http.request("/api/simulations")
			.header("Content-Type", "application/json")
			.header(CurrentClient.PROXY_ID_HEADER, suggested)
			.POST(HttpRequest.BodyPublishers.ofString("{}"));
		if (viaProxy) {
			b.header("X-Forwarded-For", "198.51.100.7");
		}
		Answer a = http.send(b);
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		return a;
	}

	@Test
	void shouldNameTheNewSimulationWithTheProxysId() {
		String id = UUID.randomUUID().toString();
		Answer a = create(id, true);
		assertThat(a.json().get("id").asString()).isEqualTo(id);
		assertThat(a.raw().headers().firstValue("Location")).hasValue("/api/simulations/" + id);
		assertThat(new HttpJson(port, json).get("/api/simulations/" + id).status()).isEqualTo(200);
	}

	@Test
	void shouldNotLetAClientThatIsNotATrustedProxyChooseTheId() {
		String id = UUID.randomUUID().toString();
		// 127.0.0.2 is not in internal-proxies (127.0.0.1/32, ::1/128): its
		// X-Forwarded-For
		// and X-Simulation-Id are a client's own words
		RawHttp.Response r = new RawHttp("127.0.0.2", port)
			.send(("POST /api/simulations HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
					+ "Content-Type: application/json\r\nContent-Length: 2\r\nX-Forwarded-For: 198.51.100.7\r\n"
					+ CurrentClient.PROXY_ID_HEADER + ": " + id + "\r\n\r\n{}")
				.getBytes(StandardCharsets.ISO_8859_1));
		assertThat(r.status()).as(r.body()).isEqualTo(201);
		assertThat(json.readTree(r.body()).get("id").asString()).isNotEqualTo(id);
		assertThat(new HttpJson(port, json).get("/api/simulations/" + id).status()).isEqualTo(404);
	}

	@Test
	void shouldIgnoreAnIdNotInTheLowerCaseUuidForm() {
		for (String bad : new String[] { "0123456789abcdef0123456789abcdef", "01234567-89AB-CDEF-0123-456789ABCDEF",
				"../../etc", "01234567-89ab-cdef-0123-456789abcdef0" }) {
			String made = create(bad, true).json().get("id").asString();
			assertThat(made).isNotEqualTo(bad);
			assertThat(UUID.fromString(made).version()).as("a random UUID").isEqualTo(4);
		}
	}

	@Autowired
	SimulationRegistry registry;

	@Test
	void shouldNeverGiveAnIdThatOnlyTheJournalHoldsAgain() {
		// its in-memory copy dropped (evicted, or the instance restarted): only the
		// journal knows the id now
		assertTheIdIsNotGivenAgain(true);
	}

	@Test
	void shouldNeverGiveAnIdInUseAgain() {
		assertTheIdIsNotGivenAgain(false);
	}

	/**
	 * Makes a simulation under a proxy's id, with one pair, and asks for the same id
	 * again: the second creation gets a random id; the first is untouched (from its
	 * journal when {@code dropCopy}).
	 */
	void assertTheIdIsNotGivenAgain(boolean dropCopy) {
		String id = UUID.randomUUID().toString();
		assertThat(create(id, true).json().get("id").asString()).isEqualTo(id);
		HttpJson http = new HttpJson(port, json);
		assertThat(http.post("/api/simulations/" + id + "/pairs", "{}").status()).isEqualTo(201);
		if (dropCopy) {
			assertThat(registry.discard(id, "test")).isTrue();
		}
		assertThat(create(id, true).json().get("id").asString()).isNotEqualTo(id);
		assertThat(http.get("/api/simulations/" + id).json().get("pairs").size()).as("the first simulation, untouched")
			.isEqualTo(1);
	}

}
