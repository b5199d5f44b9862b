package dev.tcplab.packetdrill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tcplab.testing.ApiTest;
import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.PacketdrillScripts;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * POST /api/packetdrill/runs: verdicts, failures, errors, and the simulation it leaves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=100000", "tcplab.request-burst=100000",
				"tcplab.budget.max-simulations-per-client=1000" })
class PacketdrillRunApiTest extends ApiTest {

	/**
	 * The page's example script (the lab is the server, the script closes first) after a
	 * tolerance and a shell command line.
	 */
	static final String SERVER = "--tolerance_usecs=20000\n`../common/defaults.sh`\n" + PacketdrillScripts.EXAMPLE;

	@Autowired
	SimulationRegistry registry;

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
		assertThat(r.get("unsupported")).hasSize(1);
		assertThat(r.get("unsupported").get(0).get("line").asInt()).isEqualTo(17);
		assertThat(r.get("unsupported").get(0).get("reason").asString()).contains("udp");
	}

	/**
	 * A line the lab cannot model in the middle of the script (a code block, recvmsg with
	 * control messages, an unknown sysctl) is listed, not a 400, and the lines after it
	 * still run and match: the peer's FIN is ACKed and the close sends FIN.
	 */
	@Test
	void shouldUnmodelledLinesMidScriptAreListedAndTheRestRuns() {
		String script = SERVER.replace("+.01 < F. 1:1(0) ack 1 win 65535\n",
				"""
						+0 %{ assert tcpi_state == 1 }%
						+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 10}], msg_flags=0, msg_control(32)=[{cmsg_level=SOL_IP, cmsg_type=IP_TOS, cmsg_data=0}]}, 0) = -1 EAGAIN
						+0 `sysctl -q net.core.somaxconn=10`
						+.01 < F. 1:1(0) ack 1 win 65535
						""");
		HttpJson.Answer a = run(script);
		assertThat(a.status()).as(a.text()).isEqualTo(200);
		JsonNode r = a.json();
		assertThat(r.get("failure").isNull()).as(a.text()).isTrue();
		assertThat(r.get("unsupported")).hasSize(3);
		assertThat(r.get("unsupported").get(1).get("reason").asString()).contains("msg_control");
		assertThat(r.get("unsupported").get(2).get("reason").asString()).contains("net.core.somaxconn");
		JsonNode lines = r.get("lines");
		assertThat(lines.get(lines.size() - 1).get("status").asString()).isEqualTo("ok");
		assertThat(r.get("trace").toString()).contains("\"to\":\"CLOSED\"");
	}

	/** A leading sysctl sets the run's constants (GET /api/simulations/{id} shows it). */
	@Test
	void shouldLeadingSysctlSetsTheRunsConstants() {
		JsonNode r = run(SERVER.replace("`../common/defaults.sh`", "`sysctl -q net.ipv4.tcp_fin_timeout=7`")).json();
		assertThat(r.get("passed").asBoolean()).as(r.toString()).isTrue();
		assertThat(r.get("lines").get(1).get("status").asString()).isEqualTo("ok");
		JsonNode constants = http.get("/api/simulations/" + r.get("simulationId").asString()).json().get("constants");
		assertThat(constants.get("finWait2TimeoutMs").asLong()).isEqualTo(7000);
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
		assertThat(a.json().get("excerpt").asString()).isEqualTo("+0 > Q 0:0(0)");
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
