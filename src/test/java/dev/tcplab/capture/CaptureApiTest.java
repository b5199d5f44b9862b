package dev.tcplab.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tcplab.testing.HttpJson;
import dev.tcplab.testing.HttpJson.Answer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The capture routes end to end (docs/captures.md): import kernel-made captures, read the
 * document, a trace, a replay; refuse bad files and uploads past the limits with
 * problem+json, and leave nothing behind when refusing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=100000", "tcplab.request-burst=100000",
				"tcplab.captures.max-upload=200KB", "tcplab.captures.max-per-client=3" })
class CaptureApiTest {

	static final Path KERNEL = Path.of("src/test/resources/captures/kernel");

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	CaptureService service;

	HttpJson http;

	final List<String> made = new ArrayList<>();

	@BeforeEach
	void client() {
		http = new HttpJson(port, json);
	}

	@org.junit.jupiter.api.AfterEach
	void cleanUp() {
		made.forEach(id -> http.delete("/api/captures/" + id));
	}

	Answer upload(String query, String contentType, byte[] body) {
		Answer a = http.send("POST", "/api/captures" + query, contentType, body);
		if (a.status() == 201) {
			made.add(a.json().get("id").asString());
		}
		return a;
	}

	static byte[] file(String name) throws IOException {
		return Files.readAllBytes(KERNEL.resolve(name));
	}

	@Test
	void shouldImportAKernelCaptureWithLocationAndBothEndsStates() throws IOException {
		Answer a = upload("", "application/vnd.tcpdump.pcap", file("active-close.pcap"));
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		String id = a.json().get("id").asString();
		assertThat(a.raw().headers().firstValue("Location")).hasValue("/api/captures/" + id);
		JsonNode conns = a.json().get("connections");
		assertThat(conns.size()).isEqualTo(1);
		JsonNode c = conns.get(0);
		assertThat(c.get("id").asInt()).isEqualTo(1);
		assertThat(c.get("client").get("addr").asString()).isEqualTo("127.0.0.2");
		assertThat(c.get("server").get("port").asInt()).isEqualTo(8080);
		assertThat(c.get("packets").asLong()).isPositive();
		assertThat(c.get("states").get("client").asString()).isEqualTo("TIME_WAIT");
		assertThat(c.get("states").get("server").asString()).isEqualTo("CLOSED");
		assertThat(c.get("summary").asString()).contains("client closed first");
		assertThat(c.get("handshake").asBoolean()).isTrue();
		assertThat(c.get("capturePoint").asString()).isEqualTo("both");

		Answer again = http.get("/api/captures/" + id);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("connections")).isEqualTo(conns);
	}

	@Test
	void shouldAnswerAConnectionTraceInTheSimulationTraceSchema() throws IOException {
		String id = upload("", "application/octet-stream", file("lost-last-ack.pcapng")).json().get("id").asString();
		Answer t = http.get("/api/captures/" + id + "/connections/1/trace");
		assertThat(t.status()).as(t.text()).isEqualTo(200);
		JsonNode events = t.json().get("events");
		long seq = 0;
		List<String> clientStates = new ArrayList<>();
		boolean inferredTimer = false;
		int segments = 0;
		for (JsonNode e : events) {
			assertThat(e.get("seq").asLong()).isEqualTo(seq++);
			switch (e.get("type").asString()) {
				case "segment" -> {
					segments++;
					assertThat(e.get("packet").asLong()).isPositive();
					assertThat(e.has("relSeq") && e.has("relAck") && e.has("window") && e.has("flags")).isTrue();
				}
				case "state" -> {
					if (e.get("endpoint").asString().equals("client")) {
						clientStates.add(e.get("to").asString());
					}
				}
				case "timer" -> inferredTimer |= e.get("inferred").asBoolean();
				default -> {
				}
			}
		}
		assertThat(segments).isGreaterThanOrEqualTo(8);
		assertThat(clientStates).containsExactly("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT");
		assertThat(inferredTimer).isTrue();
		JsonNode diagnostics = http.get("/api/captures/" + id).json().get("connections").get(0).get("diagnostics");
		assertThat(diagnostics.toString()).contains("FIN_RETRANSMITTED");
	}

	@Test
	void shouldRefuseTruncatedCorruptAndUnsupportedFilesWithProblemJson() throws IOException {
		byte[] whole = file("active-close.pcap");
		int before = service.held("127.0.0.1").size();
		Answer cut = upload("", "application/vnd.tcpdump.pcap", Arrays.copyOf(whole, whole.length - 7));
		assertThat(cut.status()).isEqualTo(422);
		assertThat(cut.contentType()).startsWith("application/problem+json");
		assertThat(cut.json().get("kind").asString()).isEqualTo("truncated");
		assertThat(cut.json().get("detail").asString()).contains("allowTruncated");

		Answer text = upload("", "application/octet-stream", "GET / HTTP/1.1\r\n\r\n".getBytes());
		assertThat(text.status()).isEqualTo(422);
		assertThat(text.json().get("kind").asString()).isEqualTo("unsupported");

		byte[] corrupt = whole.clone();
		corrupt[24 + 8] = (byte) 0xFF; // the first record's captured length
		corrupt[24 + 9] = (byte) 0xFF;
		corrupt[24 + 10] = (byte) 0xFF;
		Answer bad = upload("", "application/octet-stream", corrupt);
		assertThat(bad.status()).isEqualTo(422);
		assertThat(bad.json().get("kind").asString()).isEqualTo("corrupt");
		assertThat(service.held("127.0.0.1")).hasSize(before);

		Answer lenient = upload("?allowTruncated=true", "application/vnd.tcpdump.pcap",
				Arrays.copyOf(whole, whole.length - 7));
		assertThat(lenient.status()).isEqualTo(201);
	}

	@Test
	void shouldRefuseAnUploadPastTheSizeLimitAndAFormBody() {
		Answer big = upload("", "application/octet-stream", new byte[300 * 1024]);
		assertThat(big.status()).isEqualTo(413);
		assertThat(big.contentType()).startsWith("application/problem+json");

		Answer form = upload("", "application/x-www-form-urlencoded", "a=b".getBytes());
		assertThat(form.status()).isEqualTo(415);
	}

	@Test
	void shouldLimitCapturesPerClientNamingWhatToDo() throws IOException {
		byte[] f = file("active-close.pcap");
		int held = service.held("127.0.0.1").size();
		Answer last = null;
		for (int i = held; i < 4; i++) {
			last = upload("", "application/octet-stream", f);
		}
		assertThat(last.status()).isEqualTo(429);
		assertThat(last.json().get("detail").asString()).contains("DELETE /api/captures/");
		Answer mine = http.get("/api/captures?mine=true");
		assertThat(mine.json().size()).isEqualTo(3);
	}

	@Test
	void shouldAnswer404ForAnUnknownCaptureOrConnection() throws IOException {
		assertThat(http.get("/api/captures/nope").status()).isEqualTo(404);
		String id = upload("", "application/octet-stream", file("active-close.pcap")).json().get("id").asString();
		Answer none = http.get("/api/captures/" + id + "/connections/2/trace");
		assertThat(none.status()).isEqualTo(404);
		assertThat(none.contentType()).startsWith("application/problem+json");
	}

	@Test
	void shouldReplayAConnectionAsASimulationAndCompareItSegmentBySegment() throws IOException {
		String id = upload("", "application/octet-stream", file("active-close.pcap")).json().get("id").asString();
		Answer r = http.post("/api/captures/" + id + "/connections/1/replays", "");
		assertThat(r.status()).as(r.text()).isEqualTo(201);
		String sim = r.json().get("simulationId").asString();
		assertThat(r.raw().headers().firstValue("Location")).hasValue("/api/simulations/" + sim);
		assertThat(http.get("/api/simulations/" + sim).status()).isEqualTo(200);
		JsonNode states = r.json().get("comparison").get("states");
		assertThat(states.get("client").get("capture").toString()).contains("TIME_WAIT");
		assertThat(states.get("client").get("replay").toString()).contains("TIME_WAIT");
		assertThat(states.get("server").get("same").asBoolean()).as(states.toString()).isTrue();
		assertThat(r.json().get("comparison").get("matched").asInt()).isPositive();
		assertThat(r.json().get("steps").toString()).contains("close");
		http.delete("/api/simulations/" + sim);
	}

}
