package dev.tcplab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tcplab.testing.ApiTest;
import dev.tcplab.testing.HttpJson.Answer;
import dev.tcplab.testing.ServerTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every built-in scenario run end to end over HTTP on the {@code linux} and
 * {@code rfc9293} profiles, asserting the state sequence of both endpoints of pair 1, the
 * flags of every segment pair 1 sent, and the narration contract.
 */
@ServerTest
class ScenarioRunTest extends ApiTest {

	static final List<String> CLIENT_ACTIVE = List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
			"TIME_WAIT", "CLOSED");

	static final List<String> SERVER_PASSIVE = List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT",
			"LAST_ACK", "CLOSED");

	static final List<String> HANDSHAKE = List.of("C:SYN", "S:SYN,ACK", "C:ACK");

	/**
	 * What pair 1 must show: client states, server states, segment flags (null = only
	 * control segments checked).
	 */
	record Expect(List<String> client, List<String> server, List<String> flags, List<String> controlFlags) {
	}

	static List<String> hs(String... rest) {
		List<String> l = new ArrayList<>(HANDSHAKE);
		l.addAll(List.of(rest));
		return l;
	}

	static Expect expect(String scenario, String profile) {
		boolean linux = profile.equals("linux");
		return switch (scenario) {
			case "active-close", "rebind-time-wait" ->
				new Expect(CLIENT_ACTIVE, SERVER_PASSIVE, hs("C:FIN,ACK", "S:ACK", "S:FIN,ACK", "C:ACK"), null);
			case "server-active-close" -> new Expect(
					List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"),
					List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"),
					hs("S:FIN,ACK", "C:ACK", "C:FIN,ACK", "S:ACK"), null);
			// the last ACK is dropped, the FIN comes again, TIME_WAIT ACKs it again
			case "lost-last-ack" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE,
					hs("C:FIN,ACK", "S:ACK", "S:FIN,ACK", "C:ACK", "S:FIN,ACK", "C:ACK"), null);
			// no TIME_WAIT: the retransmitted FIN draws a RST (RFC 9293 §3.10.7.1)
			case "no-time-wait" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE,
					hs("C:FIN,ACK", "S:ACK", "S:FIN,ACK", "C:ACK", "S:FIN,ACK", "C:RST"), null);
			// held data, its retransmission, the close; the old duplicate is ACKed by
			// TIME_WAIT; that ACK meets a CLOSED server
			case "old-duplicate" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE,
					hs("S:PSH,ACK", "S:PSH,ACK", "C:ACK", "C:FIN,ACK", "S:ACK", "S:FIN,ACK", "C:ACK", "C:ACK", "S:RST"),
					null);
			// without TIME_WAIT pair 1 closes at once; the old duplicate meets pair 2
			case "paws-old-duplicate" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE, null,
					List.of("C:SYN", "S:SYN,ACK", "C:FIN,ACK", "S:FIN,ACK"));
			// pair 1's TIME_WAIT is taken over by tcp_tw_reuse only with timestamps
			case "time-wait-reuse" -> new Expect(linux ? CLIENT_ACTIVE : CLIENT_ACTIVE.subList(0, 6), SERVER_PASSIVE,
					null, List.of("C:SYN", "S:SYN,ACK", "C:FIN,ACK", "S:FIN,ACK"));
			case "lost-fin" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE,
					hs("C:FIN,ACK", "C:FIN,ACK", "S:ACK", "S:FIN,ACK", "C:ACK"), null);
			case "simultaneous-close" -> new Expect(
					List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT", "CLOSED"),
					List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT", "CLOSED"),
					hs("C:FIN,ACK", "S:FIN,ACK", "S:ACK", "C:ACK"), null);
			// no separate ACK of the client's FIN: it rides on the server's FIN
			case "three-segment-close" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE,
					hs("C:PSH,ACK", "S:ACK", "C:FIN,ACK", "S:FIN,ACK", "C:ACK"), null);
			case "linger-default" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE, null,
					List.of("C:SYN", "S:SYN,ACK", "C:FIN,ACK", "S:FIN,ACK"));
			case "linger-abort" -> new Expect(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED"),
					List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSED"), hs("C:PSH,ACK", "S:ACK", "C:RST,ACK"),
					null);
			case "linger-timeout" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE, null, linux
					// linux: the FIN, the tail loss probe clamped to the RTO at +220, and
					// RTOs at +440, +880, +1760 ms, within the 2 s linger (SACK
					// negotiated)
					? List.of("C:SYN", "S:SYN,ACK", "C:FIN,ACK", "C:FIN,ACK", "C:FIN,ACK", "C:FIN,ACK", "C:FIN,ACK",
							"S:FIN,ACK")
					: List.of("C:SYN", "S:SYN,ACK", "C:FIN,ACK", "C:FIN,ACK", "S:FIN,ACK"));
			case "close-unread-data" -> new Expect(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED"),
					List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSED"), hs("C:PSH,ACK", "S:ACK", "S:RST,ACK"),
					null);
			case "half-close" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE,
					hs("C:FIN,ACK", "S:ACK", "S:PSH,ACK", "C:ACK", "S:FIN,ACK", "C:ACK"), null);
			case "graceful-close" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE, null,
					List.of("C:SYN", "S:SYN,ACK", "C:FIN,ACK", "S:FIN,ACK"));
			// the server never leaves CLOSE_WAIT; the orphaned client times out only
			// where the profile has a timeout
			case "close-wait-leak" -> new Expect(
					linux ? List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSED")
							: List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2"),
					List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT"), hs("C:FIN,ACK", "S:ACK"), null);
			// linux: the client's TCB is gone, a bare RST answers (RFC 9293 §3.10.7.1);
			// rfc9293: the orphan answers data with the bare <SEQ=SEG.ACK><CTL=RST> too
			// (issue 14 #7)
			case "fin-wait-2-timeout" ->
				new Expect(List.of("CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSED"),
						List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "CLOSED"),
						hs("C:FIN,ACK", "S:ACK", "S:PSH,ACK", "C:RST"), null);
			// linux holds the FIN behind the zero window (probes, one FIN once it opens);
			// the others resend it at their own RTOs (the step expectations check that)
			case "fin-wait-1-zero-window" -> new Expect(CLIENT_ACTIVE, SERVER_PASSIVE, null,
					linux ? List.of("C:SYN", "S:SYN,ACK", "C:FIN,ACK", "S:FIN,ACK") : null);
			case "busy-server-time-wait" -> new Expect(null, null, null, null);
			default -> throw new IllegalArgumentException(scenario);
		};
	}

	static Stream<Arguments> runs() {
		List<Arguments> args = new ArrayList<>();
		for (Scenario s : BuiltInScenarios.all()) {
			for (String profile : List.of("linux", "rfc9293")) {
				args.add(Arguments.of(s.name(), profile));
			}
		}
		return args.stream();
	}

	static List<String> states(JsonNode trace, String endpoint) {
		List<String> out = new ArrayList<>();
		for (JsonNode e : trace) {
			if (e.get("type").asString().equals("state") && e.get("pair").asInt() == 1
					&& e.get("endpoint").asString().equals(endpoint)) {
				if (out.isEmpty()) {
					out.add(e.get("from").asString());
				}
				out.add(e.get("to").asString());
			}
		}
		return out;
	}

	static List<String> flags(JsonNode trace, boolean controlOnly) {
		List<String> out = new ArrayList<>();
		for (JsonNode e : trace) {
			if (e.get("type").asString().equals("segment") && e.get("pair").asInt() == 1
					&& e.get("event").asString().equals("sent")) {
				List<String> f = new ArrayList<>();
				e.get("flags").forEach(x -> f.add(x.asString()));
				if (controlOnly && !(f.contains("SYN") || f.contains("FIN") || f.contains("RST"))) {
					continue;
				}
				out.add(e.get("from").asString().substring(0, 1).toUpperCase() + ":" + String.join(",", f));
			}
		}
		return out;
	}

	/**
	 * The run's trace: the events its answer carries (at most
	 * tcplab.budget.max-inline-trace-events) and, when it says where the rest continues,
	 * the rest read from the simulation's trace route.
	 */
	JsonNode wholeTrace(JsonNode run) {
		tools.jackson.databind.node.ArrayNode all = json.createArrayNode();
		run.get("trace").forEach(all::add);
		if (run.has("traceContinuesAt")) {
			assertThat(run.get("trace").size()).isEqualTo(1000);
			long since = run.get("traceContinuesAt").asLong();
			while (true) {
				JsonNode page = http
					.get("/api/simulations/" + run.get("simulationId").asString() + "/trace?since=" + since)
					.json();
				if (page.get("events").isEmpty()) {
					break;
				}
				page.get("events").forEach(all::add);
				since = page.get("nextSeq").asLong();
			}
		}
		return all;
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("runs")
	void shouldRunEveryScenarioToItsDocumentedEnd(String name, String profile) {
		Answer a = http.post("/api/scenarios/" + name + "/runs", "{\"profile\":\"" + profile + "\",\"seed\":1}");
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		JsonNode run = a.json();
		String id = run.get("simulationId").asString();
		assertThat(a.raw().headers().firstValue("Location")).hasValue("/api/simulations/" + id);
		assertThat(run.get("name").asString()).isEqualTo(name);
		assertThat(run.get("profile").asString()).isEqualTo(profile);
		JsonNode trace = wholeTrace(run);
		JsonNode narration = run.get("narration");

		// narration: one entry per step, contiguous seq ranges covering the trace, both
		// languages, no unfilled {placeholder}
		Scenario scenario = BuiltInScenarios.all()
			.stream()
			.filter(s -> s.name().equals(name))
			.findFirst()
			.orElseThrow();
		assertThat(narration.size()).isEqualTo(scenario.steps().size());
		long expectedFrom = 0;
		for (int i = 0; i < narration.size(); i++) {
			JsonNode n = narration.get(i);
			assertThat(n.get("step").asInt()).isEqualTo(i + 1);
			assertThat(n.get("fromSeq").asLong()).isEqualTo(expectedFrom);
			assertThat(n.get("toSeq").asLong()).isGreaterThanOrEqualTo(n.get("fromSeq").asLong());
			expectedFrom = n.get("toSeq").asLong();
			for (String part : List.of("title", "text")) {
				for (String lang : List.of("en", "ko")) {
					String t = n.get(part).get(lang).asString();
					assertThat(t).as("%s.%s of step %d", part, lang, i + 1)
						.isNotBlank()
						.doesNotContainPattern("\\{[A-Za-z0-9_]+}");
				}
			}
			assertThat(n.get("text").get("ko").asString()).containsPattern("[가-힣]");
			// issue 14: each entry says whether it is
			// a pause and carries its checked claims
			assertThat(n.get("pause").isBoolean()).isTrue();
			assertThat(n.has("neutral")).isFalse();
			for (JsonNode x : n.get("expectations")) {
				assertThat(x.get("kind").asString()).isIn("state", "call", "segment", "timer", "note");
				assertThat(x.get("negate").isBoolean()).isTrue();
				assertThat(x.get("text").asString()).isNotBlank();
				assertThat(x.get("passed").asBoolean()).as(x.get("text").asString()).isTrue();
			}
		}
		assertThat(expectedFrom).isEqualTo(trace.size());
		for (int i = 0; i < trace.size(); i++) {
			assertThat(trace.get(i).get("seq").asLong()).isEqualTo(i);
		}

		Expect e = expect(name, profile);
		if (e.client() != null) {
			assertThat(states(trace, "client")).as("client states").isEqualTo(e.client());
			assertThat(states(trace, "server")).as("server states").isEqualTo(e.server());
		}
		if (e.flags() != null) {
			assertThat(flags(trace, false)).as("segment flags").isEqualTo(e.flags());
		}
		if (e.controlFlags() != null) {
			assertThat(flags(trace, true)).as("SYN/FIN/RST segments").isEqualTo(e.controlFlags());
		}
		specifics(name, profile, run, trace);

		// the simulation stays live under its id, with a manual clock
		Answer sim = http.get("/api/simulations/" + id);
		assertThat(sim.status()).isEqualTo(200);
		assertThat(sim.json().get("clock").asString()).isEqualTo("manual");
		assertThat(sim.json().get("nextSeq").asLong()).isEqualTo(trace.size());
		assertThat(http.delete("/api/simulations/" + id).status()).isEqualTo(204);
	}

	private void specifics(String name, String profile, JsonNode run, JsonNode trace) {
		String text = run.get("narration").toString();
		switch (name) {
			case "old-duplicate" -> {
				assertThat(text).contains("EADDRINUSE");
				assertThat(trace.toString()).contains("111.111.111.112:1501").contains("111.111.111.111:23");
			}
			case "rebind-time-wait" -> assertThat(text).contains("EADDRINUSE");
			case "linger-timeout" -> {
				JsonNode done = null;
				for (JsonNode e : trace) {
					if (e.get("type").asString().equals("call") && e.get("call").asString().equals("close")
							&& e.get("completed").asBoolean()) {
						done = e;
					}
				}
				assertThat(done).as("close() completed after the linger time").isNotNull();
				assertThat(done.get("result").asString()).isEqualTo(profile.equals("linux") ? "0" : "EWOULDBLOCK");
			}
			case "linger-abort", "close-unread-data" -> {
				assertThat(text).contains("ECONNRESET");
				assertThat(states(trace, "client")).doesNotContain("TIME_WAIT");
				assertThat(states(trace, "server")).doesNotContain("TIME_WAIT");
			}
			case "busy-server-time-wait" -> {
				long census = 0;
				int peakTimeWait = 0;
				for (JsonNode e : trace) {
					if (e.get("type").asString().equals("census")) {
						census++;
						JsonNode tw = e.get("counts").get("TIME_WAIT");
						peakTimeWait = Math.max(peakTimeWait, tw == null ? 0 : tw.asInt());
					}
				}
				assertThat(census).as("census events over time").isGreaterThan(5);
				assertThat(peakTimeWait).as("server TIME_WAITs pile up").isGreaterThanOrEqualTo(150);
				assertThat(text).contains("EADDRNOTAVAIL");
			}
			default -> {
			}
		}
	}

	@Autowired
	ScenarioRunner runner;

	/**
	 * untilStep: only steps 1..N run and the simulation stays live where step N left it
	 * (the UI branches a simulation from the step shown).
	 */
	@Test
	void shouldRunTheFirstStepsUntilStepAndLeaveTheSimulationLiveThere() {
		Answer a = http.post("/api/scenarios/active-close/runs", "{\"profile\":\"linux\",\"seed\":1,\"untilStep\":2}");
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		JsonNode narration = a.json().get("narration");
		assertThat(narration.size()).isEqualTo(2);
		assertThat(narration.get(1).get("toSeq").asLong()).isEqualTo(a.json().get("trace").size());
		String id = a.json().get("simulationId").asString();
		JsonNode pair = http.get("/api/simulations/" + id).json().get("pairs").get(0);
		assertThat(pair.get("client").get("state").asString()).isEqualTo("FIN_WAIT_2");
		assertThat(pair.get("server").get("state").asString()).isEqualTo("CLOSE_WAIT");
		// it goes on from there like any simulation
		assertThat(http.post("/api/simulations/" + id + "/pairs/1/events", "{\"type\":\"close\",\"side\":\"server\"}")
			.status()).isEqualTo(200);
		http.delete("/api/simulations/" + id);

		Answer tooFar = http.post("/api/scenarios/active-close/runs", "{\"untilStep\":6}");
		assertThat(tooFar.status()).isEqualTo(400);
		assertThat(tooFar.json().get("detail").asString()).contains("untilStep must be between 1 and 5");
	}

	@Test
	void shouldServeAScenarioAsItsDocument() {
		Answer a = http.get("/api/scenarios/old-duplicate");
		assertThat(a.status()).isEqualTo(200);
		JsonNode doc = a.json();
		assertThat(doc.get("name").asString()).isEqualTo("old-duplicate");
		assertThat(doc.get("title").get("ko").asString()).isNotBlank();
		assertThat(doc.get("summary").get("en").asString()).contains("RFC 1337");
		assertThat(doc.get("article").get("ko").asString()).contains("1501");
		assertThat(doc.get("setup").get("clientAddress").asString()).isEqualTo("111.111.111.112");
		JsonNode step4 = doc.get("steps").get(3);
		assertThat(step4.get("title").get("en").asString()).isNotBlank();
		assertThat(step4.get("expect").toString()).contains("call client bind → EADDRINUSE");
		assertThat(http.get("/api/scenarios/nope").status()).isEqualTo(404);
	}

	@Test
	void shouldRunAScenarioOnlyOnTheProfilesItIsOfferedFor() {
		Scenario linuxOnly = ScenarioDocuments.parse("""
				title: {en: Linux only, ko: 리눅스 전용}
				summary: {en: Only on linux, ko: 리눅스에서만}
				profiles: [linux]
				steps:
				  - title: {en: Open, ko: 연결}
				    text: {en: Connected, ko: 연결됨}
				    do: [open]
				    expect: ["call client connect → 0"]
				""", "linux-only.yaml", null);
		assertThatThrownBy(() -> runner.run(linuxOnly, "bsd", 1L, null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("offered for the profiles linux");
		assertThat(runner.run(linuxOnly, "linux", 1L, null).narration().get(0).expectations().get(0).passed()).isTrue();
	}

	@Test
	void shouldListEveryScenarioFromTheIssue() {
		Answer a = http.get("/api/scenarios");
		assertThat(a.status()).isEqualTo(200);
		List<String> names = new ArrayList<>();
		a.json().forEach(s -> names.add(s.get("name").asString()));
		assertThat(names).containsExactlyInAnyOrder("active-close", "server-active-close", "lost-last-ack",
				"no-time-wait", "old-duplicate", "paws-old-duplicate", "lost-fin", "simultaneous-close",
				"three-segment-close", "linger-default", "linger-abort", "linger-timeout", "close-unread-data",
				"half-close", "graceful-close", "close-wait-leak", "fin-wait-2-timeout", "fin-wait-1-zero-window",
				"rebind-time-wait", "time-wait-reuse", "busy-server-time-wait");
		JsonNode first = a.json().get(0);
		assertThat(first.get("title").get("ko").asString()).isNotBlank();
		assertThat(first.get("summary").get("en").asString()).isNotBlank();
		assertThat(first.get("article").get("ko").asString()).contains("FIN_WAIT_2");
		assertThat(first.get("steps").get(0).get("title").get("en").asString()).isNotBlank();
	}

	@Test
	void shouldRejectAnUnknownScenarioOrProfile() {
		Answer a = http.post("/api/scenarios/no-such-thing/runs", null);
		assertThat(a.status()).isEqualTo(404);
		assertThat(a.contentType()).startsWith("application/problem+json");
		assertThat(a.json().get("detail").asString()).contains("active-close");
		Answer b = http.post("/api/scenarios/active-close/runs", "{\"profile\":\"solaris\"}");
		assertThat(b.status()).isEqualTo(400);
		assertThat(b.json().get("detail").asString()).contains("solaris");
	}

	@Test
	void shouldGiveTheSameTraceForTheSameSeed() {
		Answer a = http.post("/api/scenarios/lost-last-ack/runs", "{\"seed\":99}");
		Answer b = http.post("/api/scenarios/lost-last-ack/runs", "{\"seed\":99}");
		assertThat(a.json().get("trace")).isEqualTo(b.json().get("trace"));
		assertThat(a.json().get("seed").asLong()).isEqualTo(99);
	}

	/**
	 * Stub of untilStep (the UI branches a simulation from the step shown): the run stops
	 * after that step, its trace is a prefix of the full run's, and an out-of-range step
	 * is a 400.
	 */
	@Test
	void shouldRunOnlyThePrefixUntilStepAndLeaveItLive() {
		Answer full = http.post("/api/scenarios/lost-last-ack/runs", "{\"seed\":5}");
		Answer part = http.post("/api/scenarios/lost-last-ack/runs", "{\"seed\":5,\"untilStep\":2}");
		assertThat(part.status()).isEqualTo(201);
		JsonNode narration = part.json().get("narration");
		assertThat(narration.size()).isEqualTo(2);
		long to = narration.get(1).get("toSeq").asLong();
		assertThat(part.json().get("trace").size()).isEqualTo((int) to);
		for (int i = 0; i < to; i++) {
			assertThat(part.json().get("trace").get(i)).isEqualTo(full.json().get("trace").get(i));
		}
		assertThat(narration.get(0).get("expectations").isArray()).isTrue();
		assertThat(http.get("/api/simulations/" + part.json().get("simulationId").asString()).status()).isEqualTo(200);
		Answer bad = http.post("/api/scenarios/lost-last-ack/runs", "{\"untilStep\":99}");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("detail").asString()).contains("untilStep");
	}

}
