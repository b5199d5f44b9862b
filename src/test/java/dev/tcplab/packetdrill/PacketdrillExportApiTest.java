package dev.tcplab.packetdrill;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tcplab.testing.ApiTest;
import dev.tcplab.testing.HttpJson;

import org.springframework.boot.test.context.SpringBootTest;

/** GET …/pairs/{pairId}/packetdrill: the script's form and the errors. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=100000", "tcplab.request-burst=100000",
				"tcplab.budget.max-simulations-per-client=1000" })
class PacketdrillExportApiTest extends ApiTest {

	String closedPair() {
		String sim = http.post("/api/simulations", "{\"profile\":\"linux\",\"seed\":42}").json().get("id").asString();
		http.post("/api/simulations/" + sim + "/pairs", "{}");
		event(sim, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":100}");
		http.post("/api/simulations/" + sim + "/clock", "{\"advanceMs\":50}");
		event(sim, "{\"type\":\"close\",\"side\":\"client\"}");
		http.post("/api/simulations/" + sim + "/clock", "{\"advanceMs\":50}");
		event(sim, "{\"type\":\"recv\",\"side\":\"server\"}");
		event(sim, "{\"type\":\"recv\",\"side\":\"server\"}");
		event(sim, "{\"type\":\"send\",\"side\":\"server\",\"bytes\":10}");
		event(sim, "{\"type\":\"close\",\"side\":\"server\"}");
		http.post("/api/simulations/" + sim + "/clock", "{\"advanceMs\":100}");
		return sim;
	}

	void event(String sim, String body) {
		assertThat(http.post("/api/simulations/" + sim + "/pairs/1/events", body).status()).isEqualTo(200);
	}

	@Test
	void shouldClientSideIsTheLocalKernelWithRelativeSeqsTimesAndErrnoForm() {
		String sim = closedPair();
		HttpJson.Answer a = http.get("/api/simulations/" + sim + "/pairs/1/packetdrill?side=client");
		assertThat(a.status()).isEqualTo(200);
		assertThat(a.contentType()).startsWith("text/plain");
		String s = a.text();
		assertThat(s).contains("// tcplab export: profile linux, seed 42, simulation " + sim + ", pair 1, side client")
			.contains("packetdrill --tolerance_usecs=15000 file.pkt");
		assertThat(s.lines().filter(l -> !l.startsWith("//") && !l.startsWith("`") && !l.isBlank()).toList())
			.containsExactly("0             socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
					"+0.000...0.020 connect(3, ..., ...) = 0",
					"+0.000        > S 0:0(0) <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 10>",
					"+0.020        < S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 11 ecr 1,nop,wscale 10>",
					"+0.000        > . 1:1(0) ack 1 <nop,nop,TS val 21 ecr 11>",
					"+0.010        write(3, ..., 100) = 100",
					"+0.000        > P. 1:101(100) ack 1 <nop,nop,TS val 31 ecr 11>",
					"+0.020        < . 1:1(0) ack 101 win 63 <nop,nop,TS val 41 ecr 31>", "+0.030        close(3) = 0",
					"+0.000        > F. 101:101(0) ack 1 <nop,nop,TS val 81 ecr 41>",
					"+0.060        < . 1:1(0) ack 102 win 63 <nop,nop,TS val 131 ecr 81>",
					"+0.000        < P. 1:11(10) ack 102 win 63 <nop,nop,TS val 131 ecr 81>",
					"+0.000        > R 102:102(0)",
					"+0.000        < F. 11:11(0) ack 102 win 63 <nop,nop,TS val 131 ecr 81>",
					"+0.000        > R 102:102(0)");
	}

	@Test
	void shouldPassBothSidesOnTheRealKernel() throws Exception {
		String sim = closedPair();
		java.nio.file.Path dir = java.nio.file.Files
			.createDirectories(java.nio.file.Path.of("target", "packetdrill-api"));
		java.util.List<java.nio.file.Path> files = new java.util.ArrayList<>();
		for (String side : new String[] { "client", "server" }) {
			java.nio.file.Path f = dir.resolve(side + ".pkt");
			java.nio.file.Files.writeString(f,
					http.get("/api/simulations/" + sim + "/pairs/1/packetdrill?side=" + side).text());
			files.add(f);
		}
		RunOnKernel.run(files).forEach((f, o) -> assertThat(o.passed()).as("%s: %s", f, o.detail()).isTrue());
	}

	// a read that reopens a closed window sends the window update (RFC 9293 §3.8.6.2.2):
	// the read goes before the ACK it caused, the delivery's own ACK stays before a read
	@Test
	void shouldPutTheReadBeforeTheWindowUpdateItCaused() {
		String sim = http
			.post("/api/simulations",
					"{\"profile\":\"linux\",\"seed\":42,"
							+ "\"overrides\":{\"windowBytes\":1000,\"mss\":1000,\"timestamps\":false}}")
			.json()
			.get("id")
			.asString();
		http.post("/api/simulations/" + sim + "/pairs", "{}");
		event(sim, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":1000}");
		http.post("/api/simulations/" + sim + "/clock", "{\"advanceMs\":100}");
		event(sim, "{\"type\":\"recv\",\"side\":\"server\"}");
		http.post("/api/simulations/" + sim + "/clock", "{\"advanceMs\":100}");
		java.util.List<String> lines = http.get("/api/simulations/" + sim + "/pairs/1/packetdrill?side=server")
			.text()
			.lines()
			.filter(l -> !l.startsWith("//") && !l.startsWith("`") && !l.isBlank())
			.map(l -> l.substring(14))
			.toList();
		assertThat(lines).containsSubsequence("< P. 1:1001(1000) ack 1 win 1000", "> . 1:1(0) ack 1001",
				"read(4, ..., 65536) = 1000", "> . 1:1(0) ack 1001");
		assertThat(lines.get(lines.size() - 2)).isEqualTo("read(4, ..., 65536) = 1000");
	}

	@Test
	void shouldServerSideListensAcceptsAndReadsWithItsOwnDescriptor() {
		String sim = closedPair();
		String s = http.get("/api/simulations/" + sim + "/pairs/1/packetdrill?side=server").text();
		assertThat(s).contains("setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0", "listen(3, 128) = 0",
				"< S 0:0(0) win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 10>",
				"> S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 11 ecr 1,nop,wscale 10>", "accept(3, ..., ...) = 4",
				"read(4, ..., 65536) = 100", "read(4, ..., 65536) = 0", "write(4, ..., 10) = 10", "close(4) = 0");
	}

	@Test
	void shouldUnknownSimulationOrPairIs404AndABadSideIs400() {
		String sim = closedPair();
		HttpJson.Answer noSim = http.get("/api/simulations/nope/pairs/1/packetdrill?side=client");
		assertThat(noSim.status()).isEqualTo(404);
		assertThat(noSim.contentType()).startsWith("application/problem+json");
		HttpJson.Answer noPair = http.get("/api/simulations/" + sim + "/pairs/9/packetdrill?side=client");
		assertThat(noPair.status()).isEqualTo(404);
		assertThat(noPair.json().get("detail").asString()).contains("no pair 9");
		for (String q : new String[] { "?side=both", "" }) {
			HttpJson.Answer bad = http.get("/api/simulations/" + sim + "/pairs/1/packetdrill" + q);
			assertThat(bad.status()).isEqualTo(400);
			assertThat(bad.contentType()).startsWith("application/problem+json");
			assertThat(bad.json().get("detail").asString()).contains("side must be \"client\" or \"server\"");
		}
	}

}
