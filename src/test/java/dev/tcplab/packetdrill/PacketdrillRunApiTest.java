package dev.tcplab.packetdrill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.PacketdrillScripts;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * POST /api/packetdrill/runs: verdicts, failures, errors, and the simulation it leaves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=100000", "tcplab.request-burst=100000",
				"tcplab.budget.max-simulations-per-client=1000" })
class PacketdrillRunApiTest {

	static final String SERVER = """
			--tolerance_usecs=20000
			`../common/defaults.sh`
			0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
			+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
			+0 bind(3, ..., ...) = 0
			+0 listen(3, 1) = 0
			+0 < S 0:0(0) win 65535 <mss 1460>
			+0 > S. 0:0(0) ack 1 <...>
			+.01 < . 1:1(0) ack 1 win 65535
			+0 accept(3, ..., ...) = 4
			+.01 < F. 1:1(0) ack 1 win 65535
			+0 > . 1:1(0) ack 2
			+0 read(4, ..., 1000) = 0
			+.01 close(4) = 0
			+0 > F. 1:1(0) ack 2
			+.01 < . 2:2(0) ack 2 win 65535
			""";

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	SimulationRegistry registry;

	HttpJson http;

	@BeforeEach
	void client() {
		http = new HttpJson(port, json);
	}

	HttpJson.Answer run(String script) {
		return http.send("POST", "/api/packetdrill/runs?profile=linux", "text/plain",
				script.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void shouldPassingScriptGivesVerdictsPerLineAndAnOrdinarySimulation() {
		HttpJson.Answer a = run(SERVER);
		assertThat(a.status()).as(a.text()).isEqualTo(200);
		JsonNode r = a.json();
		assertThat(r.get("passed").asBoolean()).as(a.text()).isTrue();
		assertThat(r.get("failure").isNull()).isTrue();
		assertThat(r.get("lines").get(0).get("line").asInt()).isEqualTo(1);
		assertThat(r.get("lines").get(0).get("status").asString()).isEqualTo("ok");
		assertThat(r.get("lines").get(1).get("status").asString()).isEqualTo("skipped");
		assertThat(r.get("lines").get(1).get("message").asString()).contains("shell command");
		assertThat(r.get("lines")).hasSize(16);
		String sim = r.get("simulationId").asString();
		assertThat(http.get("/api/simulations/" + sim).status()).isEqualTo(200);
		assertThat(http.get("/api/simulations/" + sim + "/trace.pcap").status()).isEqualTo(200);
		JsonNode trace = http.get("/api/simulations/" + sim + "/trace?since=0").json().get("events");
		assertThat(trace.size()).isEqualTo(r.get("trace").size());
		assertThat(r.get("trace").toString()).contains("\"LAST_ACK\"", "\"to\":\"CLOSED\"");
	}

	@Test
	void shouldFirstFailingLineStopsTheRunWithExpectedAndActual() {
		HttpJson.Answer a = run(SERVER.replace("+0 > . 1:1(0) ack 2", "+0 > . 1:1(0) ack 5"));
		JsonNode r = a.json();
		assertThat(r.get("passed").asBoolean()).isFalse();
		assertThat(r.get("failure").get("line").asInt()).isEqualTo(12);
		assertThat(r.get("failure").get("expected").asString()).isEqualTo(". 1:1(0) ack 5");
		assertThat(r.get("failure").get("actual").asString()).startsWith(". 1:1(0) ack 2");
		assertThat(r.get("lines").get(r.get("lines").size() - 1).get("status").asString()).isEqualTo("failed");
	}

	@Test
	void shouldUnsupportedConstructsAreReportedAndFailTheRun() {
		JsonNode r = run(SERVER + "+0 < udp (1000)\n").json();
		assertThat(r.get("passed").asBoolean()).isFalse();
		assertThat(r.get("failure").isNull()).isTrue();
		JsonNode last = r.get("lines").get(r.get("lines").size() - 1);
		assertThat(last.get("status").asString()).isEqualTo("unsupported");
		assertThat(last.get("line").asInt()).isEqualTo(17);
	}

	@Test
	void shouldSyntaxErrorIs400NamingLineAndColumnAndCreatesNothing() {
		int before = registry.size();
		HttpJson.Answer a = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > Q 0:0(0)\n");
		assertThat(a.status()).isEqualTo(400);
		assertThat(a.contentType()).startsWith("application/problem+json");
		assertThat(a.json().get("line").asInt()).isEqualTo(2);
		assertThat(a.json().get("column").asInt()).isEqualTo(6);
		assertThat(a.json().get("detail").asString()).contains("line 2, column 6");
		assertThat(registry.size()).isEqualTo(before);
	}

	@Test
	void shouldScriptOver64KiBIs413AndAnUnknownProfile400() {
		HttpJson.Answer big = run("// " + "x".repeat(64 * 1024) + "\n");
		assertThat(big.status()).isEqualTo(413);
		assertThat(big.contentType()).startsWith("application/problem+json");
		HttpJson.Answer p = http.send("POST", "/api/packetdrill/runs?profile=solaris", "text/plain",
				SERVER.getBytes(StandardCharsets.UTF_8));
		assertThat(p.status()).isEqualTo(400);
		assertThat(p.contentType()).startsWith("application/problem+json");
	}

}
