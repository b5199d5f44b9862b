package dev.tcplab.simulation;

import dev.tcplab.simulation.SimulationService.ClockAction;
import dev.tcplab.simulation.SimulationService.ClockCommand;
import dev.tcplab.simulation.SimulationService.ClockOutcome;
import dev.tcplab.simulation.SimulationService.Snapshot;
import dev.tcplab.simulation.SimulationService.TraceSlice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;

import dev.tcplab.engine.EngineException;
import dev.tcplab.engine.Errno;
import dev.tcplab.engine.EventResult;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Snapshots.EndpointView;
import dev.tcplab.engine.Snapshots.ListenerView;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.SimulationView;
import dev.tcplab.engine.Snapshots.TimerView;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpFlag;
import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.engine.TraceLevel;
import dev.tcplab.visitor.ClientCpuBudget;
import dev.tcplab.visitor.ClientRateLimiter;
import dev.tcplab.visitor.RateLimitedException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Contract and every error of {@link SimulationController}, with the service mocked. */
@WebMvcTest(SimulationController.class)
class SimulationControllerTest {

	static final String ID = "3f1c2b9e-3a44-4a5e-9d2b-0c7f1f1b6a10";

	@Autowired
	MockMvc mvc;

	@MockitoBean
	SimulationService service;

	@MockitoBean
	SimulationOwnership ownership;

	@MockitoBean
	ClientRateLimiter limiter;

	@MockitoBean
	ClientCpuBudget cpu;

	@BeforeEach
	void properties() {
		when(service.properties())
			.thenReturn(new TcplabProperties(10, 4, 1000, 3_600_000, Duration.ofMinutes(30), 50, 200));
		when(service.budget()).thenReturn(new BudgetProperties(20, Duration.ofHours(4), 100_000, 5000, 1000, 250, 3000,
				200, 40960, null, 0.6, 0.9, 5000));
	}

	static EndpointView endpoint(String role, String address, int port, TcpState state) {
		return new EndpointView(role, address, port, state, 1000L, 5000L, 1001L, 1001L, 65535, 5001L, 65535, 0, 0,
				false, false, false, false, 0, 0, null, List.of(new TimerView("TIME_WAIT", 60_030.0)));
	}

	static PairView pair() {
		return new PairView(1, endpoint("client", "10.0.0.2", 40000, TcpState.ESTABLISHED),
				endpoint("server", "10.0.0.1", 80, TcpState.ESTABLISHED),
				new ListenerView("listener", "10.0.0.1", 80, TcpState.LISTEN, 128));
	}

	static Snapshot snapshot(List<PairView> pairs) {
		SimulationView view = new SimulationView(30.0, StackConstants.forProfile("linux").asMap(), pairs,
				Map.of(TcpState.ESTABLISHED, 2, TcpState.LISTEN, 1), 12, 0, null);
		return new Snapshot(ID, "linux", 42, ClockMode.MANUAL, 1.0, false, 10, TraceLevel.FULL, false, "10.0.0.2",
				"10.0.0.1", view, SimulationService.EngineInfo.current());
	}

	static TraceEvent.State state(long seq) {
		return new TraceEvent.State(seq, 30.0, 1, "client", TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, "close()");
	}

	ResultActions postJson(String url, String body) throws Exception {
		return mvc.perform(post(url).contentType(MediaType.APPLICATION_JSON).content(body));
	}

	static void problem(ResultActions r, int status, String detailPart) throws Exception {
		r.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(status))
			.andExpect(jsonPath("$.title").isNotEmpty())
			.andExpect(jsonPath("$.detail", containsString(detailPart)));
	}

	// ---- create / read / delete ----

	@Test
	void shouldCreateSimulationWithDefaults() throws Exception {
		when(service.createSnapshot(any())).thenReturn(snapshot(List.of()));
		mvc.perform(post("/api/simulations"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/simulations/" + ID))
			.andExpect(jsonPath("$.id").value(ID))
			.andExpect(jsonPath("$.profile").value("linux"))
			.andExpect(jsonPath("$.seed").value(42))
			.andExpect(jsonPath("$.clock").value("manual"))
			.andExpect(jsonPath("$.speed").value(1.0))
			.andExpect(jsonPath("$.paused").value(false))
			.andExpect(jsonPath("$.nowMs").value(30.0))
			.andExpect(jsonPath("$.constants.timeWaitMs").value(60000))
			.andExpect(jsonPath("$.pairs").isArray())
			.andExpect(jsonPath("$.census.ESTABLISHED").value(2))
			.andExpect(jsonPath("$.nextSeq").value(12))
			.andExpect(jsonPath("$.oldestSeq").value(0));
		ArgumentCaptor<SimulationSpec> spec = ArgumentCaptor.forClass(SimulationSpec.class);
		verify(service).createSnapshot(spec.capture());
		assertThat(spec.getValue().profile()).isNull();
	}

	@Test
	void shouldPassEveryCreateFieldToTheService() throws Exception {
		when(service.createSnapshot(any())).thenReturn(snapshot(List.of()));
		postJson("/api/simulations",
				"""
						{"profile":"rfc9293","seed":7,"latencyMs":5,"clock":"realtime","speed":2,"overrides":{"timeWaitMs":0},
						 "traceLevel":"states","clientAddress":"111.111.111.112","serverAddress":"111.111.111.111","pinnedIsn":true}""")
			.andExpect(status().isCreated());
		ArgumentCaptor<SimulationSpec> spec = ArgumentCaptor.forClass(SimulationSpec.class);
		verify(service).createSnapshot(spec.capture());
		assertThat(spec.getValue()).isEqualTo(new SimulationSpec("rfc9293", 7L, 5.0, "realtime", 2.0,
				Map.of("timeWaitMs", 0), "states", "111.111.111.112", "111.111.111.111", true, null));
	}

	@Test
	void shouldIgnoreUnknownFields() throws Exception {
		when(service.createSnapshot(any())).thenReturn(snapshot(List.of()));
		postJson("/api/simulations", "{\"colour\":\"blue\"}").andExpect(status().isCreated());
	}

	@Test
	void shouldRejectUnknownProfile() throws Exception {
		when(service.createSnapshot(any()))
			.thenThrow(new IllegalArgumentException("unknown profile \"solaris\"; known profiles: rfc9293, linux"));
		problem(postJson("/api/simulations", "{\"profile\":\"solaris\"}"), 400, "solaris");
	}

	@Test
	void shouldRejectMalformedJson() throws Exception {
		problem(postJson("/api/simulations", "{\"profile\":"), 400, "JSON");
		problem(postJson("/api/simulations", "{\"seed\":\"abc\"}"), 400, "");
		postJson("/api/simulations", "{\"seed\":\"abc\"}")
			.andExpect(jsonPath("$.detail", org.hamcrest.Matchers.not(containsString("java.lang"))))
			.andExpect(jsonPath("$.detail", org.hamcrest.Matchers.not(containsString("dev.tcplab"))));
		problem(postJson("/api/simulations", "[1,2]"), 400, "");
		verify(service, org.mockito.Mockito.never()).createSnapshot(any());
	}

	@Test
	void shouldRejectNegativeAndAbsurdNumbers() throws Exception {
		problem(postJson("/api/simulations", "{\"latencyMs\":-1}"), 400, "latencyMs");
		problem(postJson("/api/simulations", "{\"latencyMs\":1e12}"), 400, "latencyMs");
		problem(postJson("/api/simulations", "{\"speed\":0}"), 400, "speed");
		problem(postJson("/api/simulations", "{\"seed\":-5}"), 400, "seed");
		postJson("/api/simulations", "{\"latencyMs\":-1}").andExpect(jsonPath("$.errors[0].field").value("latencyMs"));
	}

	@Test
	void shouldAnswer429WhenTheInstanceIsFull() throws Exception {
		when(service.createSnapshot(any()))
			.thenThrow(new LimitExceededException("maxSimulations", "this instance already runs 10 simulations"));
		problem(mvc.perform(post("/api/simulations")), 429, "10 simulations");
		mvc.perform(post("/api/simulations")).andExpect(jsonPath("$.limit").value("maxSimulations"));
	}

	@Test
	void shouldAnswer429WithRetryAfterWhenRateLimited() throws Exception {
		doThrow(new RateLimitedException(3, 50, 200)).when(limiter).check(anyString());
		problem(mvc.perform(get("/api/simulations/" + ID)), 429, "too many requests");
		mvc.perform(get("/api/simulations/" + ID))
			.andExpect(header().string("Retry-After", "3"))
			.andExpect(jsonPath("$.limit").value("requestsPerSecond"))
			.andExpect(jsonPath("$.retryAfterSeconds").value(3));
	}

	@Test
	void shouldReadSimulationWithPairs() throws Exception {
		when(service.snapshot(ID)).thenReturn(snapshot(List.of(pair())));
		mvc.perform(get("/api/simulations/" + ID))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.pairs[0].id").value(1))
			.andExpect(jsonPath("$.pairs[0].client.endpoint").value("client"))
			.andExpect(jsonPath("$.pairs[0].client.address").value("10.0.0.2"))
			.andExpect(jsonPath("$.pairs[0].client.port").value(40000))
			.andExpect(jsonPath("$.pairs[0].client.state").value("ESTABLISHED"))
			.andExpect(jsonPath("$.pairs[0].client.iss").value(1000))
			.andExpect(jsonPath("$.pairs[0].client.timers[0].timer").value("TIME_WAIT"))
			.andExpect(jsonPath("$.pairs[0].server.port").value(80))
			.andExpect(jsonPath("$.pairs[0].listener.state").value("LISTEN"));
	}

	@Test
	void shouldAnswer404ForUnknownSimulation() throws Exception {
		when(service.snapshot("nope")).thenThrow(new SimulationNotFoundException("nope"));
		problem(mvc.perform(get("/api/simulations/nope")), 404, "nope");
		doThrow(new SimulationNotFoundException("gone")).when(service).delete("gone");
		problem(mvc.perform(delete("/api/simulations/gone")), 404, "gone");
	}

	@Test
	void shouldDeleteSimulation() throws Exception {
		mvc.perform(delete("/api/simulations/" + ID)).andExpect(status().isNoContent());
		verify(service).delete(ID);
	}

	// ---- pairs ----

	@Test
	void shouldOpenPairWithDefaults() throws Exception {
		when(service.openPair(ID, 80, null, false, true)).thenReturn(pair());
		mvc.perform(post("/api/simulations/" + ID + "/pairs"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/simulations/" + ID + "/pairs/1"))
			.andExpect(jsonPath("$.id").value(1))
			.andExpect(jsonPath("$.client.state").value("ESTABLISHED"))
			.andExpect(jsonPath("$.server.state").value("ESTABLISHED"))
			.andExpect(jsonPath("$.listener.port").value(80));
	}

	@Test
	void shouldOpenPinnedPairWithoutHandshake() throws Exception {
		when(service.openPair(ID, 23, 1500, true, false)).thenReturn(pair());
		postJson("/api/simulations/" + ID + "/pairs",
				"{\"serverPort\":23,\"clientPort\":1500,\"clientReuseAddr\":true,\"establish\":false}")
			.andExpect(status().isCreated());
		verify(service).openPair(ID, 23, 1500, true, false);
	}

	@Test
	void shouldAnswer409WithErrnoWhenPortIsInUse() throws Exception {
		when(service.openPair(anyString(), anyInt(), any(), eq(false), eq(true)))
			.thenThrow(new EngineException(Errno.EADDRINUSE, "port 1500 is held by a connection in TIME_WAIT"));
		ResultActions r = postJson("/api/simulations/" + ID + "/pairs", "{\"clientPort\":1500}");
		problem(r, 409, "TIME_WAIT");
		r.andExpect(jsonPath("$.errno").value("EADDRINUSE"));
	}

	@Test
	void shouldRejectPortsOutOfRange() throws Exception {
		problem(postJson("/api/simulations/" + ID + "/pairs", "{\"clientPort\":70000}"), 400, "clientPort");
		problem(postJson("/api/simulations/" + ID + "/pairs", "{\"serverPort\":0}"), 400, "serverPort");
	}

	@Test
	void shouldAnswer429WhenPairLimitIsReached() throws Exception {
		when(service.openPair(anyString(), anyInt(), any(), eq(false), eq(true)))
			.thenThrow(new LimitExceededException("maxPairs", "this simulation already has 4 pairs"));
		ResultActions r = mvc.perform(post("/api/simulations/" + ID + "/pairs"));
		problem(r, 429, "4 pairs");
		r.andExpect(jsonPath("$.limit").value("maxPairs"));
	}

	@Test
	void shouldAnswer404ForUnknownPair() throws Exception {
		when(service.pair(ID, 9)).thenThrow(new NoSuchElementException("simulation has no pair 9"));
		problem(mvc.perform(get("/api/simulations/" + ID + "/pairs/9")), 404, "pair 9");
		problem(mvc.perform(get("/api/simulations/" + ID + "/pairs/x")), 400, "pairId");
	}

	// ---- events ----

	String events() {
		return "/api/simulations/" + ID + "/pairs/1/events";
	}

	@Test
	void shouldApplyCloseAndReturnResultAndTrace() throws Exception {
		when(service.apply(ID, 1, new PairEvent.Close(Side.CLIENT))).thenReturn(new EventResult(0, List.of(state(12))));
		postJson(events(), "{\"type\":\"close\",\"side\":\"client\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value(0))
			.andExpect(jsonPath("$.trace[0].type").value("state"))
			.andExpect(jsonPath("$.trace[0].seq").value(12))
			.andExpect(jsonPath("$.trace[0].from").value("ESTABLISHED"))
			.andExpect(jsonPath("$.trace[0].to").value("FIN_WAIT_1"));
	}

	@Test
	void shouldAnswer200WithErrnoForACallTheStateForbids() throws Exception {
		when(service.apply(ID, 1, new PairEvent.Send(Side.CLIENT, 10))).thenReturn(new EventResult("EPIPE", List.of()));
		postJson(events(), "{\"type\":\"send\",\"side\":\"client\",\"bytes\":10}").andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("EPIPE"));
	}

	@Test
	void shouldMapEveryEventType() throws Exception {
		when(service.apply(anyString(), anyInt(), any())).thenReturn(new EventResult("ok", List.of()));
		Map<String, PairEvent> cases = new java.util.LinkedHashMap<>();
		cases.put("{\"type\":\"shutdown\",\"side\":\"server\",\"how\":\"SHUT_WR\"}",
				new PairEvent.Shutdown(Side.SERVER, "SHUT_WR"));
		cases.put("{\"type\":\"recv\",\"side\":\"server\"}", new PairEvent.Recv(Side.SERVER, null));
		cases.put("{\"type\":\"recv\",\"side\":\"server\",\"max\":5}", new PairEvent.Recv(Side.SERVER, 5));
		cases.put("{\"type\":\"abort\",\"side\":\"client\"}", new PairEvent.Abort(Side.CLIENT));
		cases.put("{\"type\":\"setsockopt\",\"side\":\"client\",\"option\":\"SO_LINGER\",\"onoff\":1,\"seconds\":2}",
				new PairEvent.SetLinger(Side.CLIENT, 1, 2));
		cases.put("{\"type\":\"setsockopt\",\"side\":\"client\",\"option\":\"SO_REUSEADDR\",\"value\":true}",
				new PairEvent.SetReuseAddr(Side.CLIENT, true));
		cases.put("{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\"}",
				new PairEvent.Fault(Side.CLIENT, PairEvent.FaultAction.DROP, SegmentMatch.ACK, 1, 0, 0));
		cases.put("{\"type\":\"duplicate\",\"side\":\"server\",\"segment\":\"fin\",\"count\":2,\"nth\":3}",
				new PairEvent.Fault(Side.SERVER, PairEvent.FaultAction.DUPLICATE, SegmentMatch.FIN, 2, 3, 0));
		cases.put("{\"type\":\"delay\",\"side\":\"server\",\"segment\":\"DATA\",\"ms\":500}",
				new PairEvent.Fault(Side.SERVER, PairEvent.FaultAction.DELAY, SegmentMatch.DATA, 1, 0, 500));
		cases.put("{\"type\":\"hold\",\"side\":\"server\",\"segment\":\"ANY\"}",
				new PairEvent.Fault(Side.SERVER, PairEvent.FaultAction.HOLD, SegmentMatch.ANY, 1, 0, 0));
		cases.put("{\"type\":\"release\",\"side\":\"server\"}", new PairEvent.Release(Side.SERVER));
		cases.put("{\"type\":\"resend-fin\",\"side\":\"server\"}", new PairEvent.ResendFin(Side.SERVER));
		cases.put(
				"{\"type\":\"inject\",\"side\":\"server\",\"flags\":[\"FIN\",\"ACK\"],\"seq\":5001,\"ack\":1002,\"len\":0}",
				new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.FIN, TcpFlag.ACK), 5001L, 1002L, 0));
		cases.put("{\"type\":\"inject\",\"side\":\"client\",\"flags\":[\"RST\"]}",
				new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.RST), null, null, 0));
		for (var e : cases.entrySet()) {
			postJson(events(), e.getKey()).andExpect(status().isOk()).andExpect(jsonPath("$.result").value("ok"));
			verify(service).apply(ID, 1, e.getValue());
		}
	}

	/**
	 * Requests each endpoint rejects before the service sees them: the path, the body,
	 * and a part of the problem's detail.
	 */
	static Stream<Arguments> badRequests() {
		String events = "/api/simulations/" + ID + "/pairs/1/events";
		String clock = "/api/simulations/" + ID + "/clock";
		return Stream.of(Arguments.of(events, "{\"type\":\"explode\",\"side\":\"client\"}", "unknown event type"),
				Arguments.of(events, "{\"type\":\"close\",\"side\":\"middle\"}", "side"),
				Arguments.of(events, "{\"type\":\"close\"}", "side"),
				Arguments.of(events, "{\"side\":\"client\"}", "type"),
				Arguments.of(events, "{\"type\":\"send\",\"side\":\"client\"}", "bytes"),
				Arguments.of(events, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":-1}", "bytes"),
				Arguments.of(events, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":99999999999}", ""),
				Arguments.of(events, "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"SYNACK\"}", "segment"),
				Arguments.of(events, "{\"type\":\"lose\",\"side\":\"client\"}", "segment"),
				Arguments.of(events, "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\",\"count\":0}",
						"count"),
				Arguments.of(events, "{\"type\":\"delay\",\"side\":\"client\",\"segment\":\"ACK\"}", "ms"),
				Arguments.of(events, "{\"type\":\"shutdown\",\"side\":\"client\",\"how\":\"SHUT_UP\"}", "SHUT_WR"),
				Arguments.of(events, "{\"type\":\"setsockopt\",\"side\":\"client\",\"option\":\"SO_KEEPALIVE\"}",
						"option"),
				Arguments.of(events,
						"{\"type\":\"setsockopt\",\"side\":\"client\",\"option\":\"SO_LINGER\",\"onoff\":2,\"seconds\":1}",
						"onoff"),
				Arguments.of(events, "{\"type\":\"inject\",\"side\":\"client\",\"flags\":[\"XMAS\"]}", "flags"),
				Arguments.of(events, "{\"type\":\"inject\",\"side\":\"client\",\"flags\":[]}", "flag"),
				Arguments.of(events, "{\"type\":\"inject\",\"side\":\"client\",\"flags\":[\"ACK\"],\"seq\":-1}", "seq"),
				Arguments.of(events, "not json", ""), Arguments.of(events, "", ""),
				Arguments.of(clock, "{}", "nothing to do"),
				Arguments.of(clock, "{\"advanceMs\":10,\"step\":true}", "at most one"),
				Arguments.of(clock, "{\"advanceMs\":-10}", "advanceMs"), Arguments.of(clock, "{\"maxMs\":10}", "maxMs"),
				Arguments.of(clock, "{\"speed\":0}", "speed"), Arguments.of(clock, "{\"clock\":\"sundial\"}", "clock"),
				Arguments.of(clock, "{\"advanceMs\":\"soon\"}", ""));
	}

	@ParameterizedTest
	@MethodSource("badRequests")
	void shouldRejectABadEventOrClockRequestWithoutTouchingTheSimulation(String path, String body, String detailPart)
			throws Exception {
		problem(postJson(path, body), 400, detailPart);
		verify(service, org.mockito.Mockito.never()).apply(anyString(), anyInt(), any());
		verify(service, org.mockito.Mockito.never()).clock(anyString(), any());
	}

	@Test
	void shouldAnswer404ForEventOnUnknownPairOrSimulation() throws Exception {
		when(service.apply(ID, 7, new PairEvent.Close(Side.CLIENT))).thenThrow(new NoSuchElementException("no pair 7"));
		problem(postJson("/api/simulations/" + ID + "/pairs/7/events", "{\"type\":\"close\",\"side\":\"client\"}"), 404,
				"pair 7");
		when(service.apply("x", 1, new PairEvent.Close(Side.CLIENT))).thenThrow(new SimulationNotFoundException("x"));
		problem(postJson("/api/simulations/x/pairs/1/events", "{\"type\":\"close\",\"side\":\"client\"}"), 404, "x");
	}

	@Test
	void shouldMapEngineArgumentErrorsTo400() throws Exception {
		when(service.apply(ID, 1, new PairEvent.Send(Side.CLIENT, 5)))
			.thenThrow(new IllegalArgumentException("send buffer full"));
		problem(postJson(events(), "{\"type\":\"send\",\"side\":\"client\",\"bytes\":5}"), 400, "send buffer full");
	}

	// ---- clock ----

	String clock() {
		return "/api/simulations/" + ID + "/clock";
	}

	@Test
	void shouldAdvanceTheClock() throws Exception {
		when(service.clock(eq(ID), any()))
			.thenReturn(new ClockOutcome(280.0, "ok", List.of(state(3)), ClockMode.MANUAL, false, 1.0, null));
		postJson(clock(), "{\"advanceMs\":250}").andExpect(status().isOk())
			.andExpect(jsonPath("$.nowMs").value(280.0))
			.andExpect(jsonPath("$.trace[0].type").value("state"))
			.andExpect(jsonPath("$.clock").value("manual"));
		verify(service).clock(ID, new ClockCommand(null, null, null, new ClockAction.Advance(250)));
	}

	@Test
	void shouldTranslateEveryClockForm() throws Exception {
		when(service.clock(eq(ID), any()))
			.thenReturn(new ClockOutcome(0, "idle", List.of(), ClockMode.MANUAL, false, 1.0, null));
		postJson(clock(), "{\"runUntilIdle\":true}").andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("idle"));
		verify(service).clock(ID, new ClockCommand(null, null, null, new ClockAction.RunUntilIdle(3_600_000)));
		postJson(clock(), "{\"runUntilIdle\":true,\"maxMs\":1000}").andExpect(status().isOk());
		verify(service).clock(ID, new ClockCommand(null, null, null, new ClockAction.RunUntilIdle(1000)));
		postJson(clock(), "{\"step\":true}").andExpect(status().isOk());
		verify(service).clock(ID, new ClockCommand(null, null, null, new ClockAction.Step()));
		postJson(clock(), "{\"paused\":true}").andExpect(status().isOk());
		verify(service).clock(ID, new ClockCommand(null, true, null, null));
		postJson(clock(), "{\"speed\":4,\"clock\":\"realtime\"}").andExpect(status().isOk());
		verify(service).clock(ID, new ClockCommand(ClockMode.REALTIME, null, 4.0, null));
	}

	@Test
	void shouldRejectAClockRequestTheEngineRefuses() throws Exception {
		when(service.clock(eq(ID), any()))
			.thenThrow(new IllegalArgumentException("advanceMs must be between 0 and 3600000"));
		problem(postJson(clock(), "{\"advanceMs\":1e12}"), 400, "3600000");
	}

	// ---- trace ----

	@Test
	void shouldReadTraceSince() throws Exception {
		when(service.trace(ID, 5, null)).thenReturn(new TraceSlice(List.of(state(5)), 6, 0, false));
		mvc.perform(get("/api/simulations/" + ID + "/trace").param("since", "5"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.events[0].seq").value(5))
			.andExpect(jsonPath("$.events[0].type").value("state"))
			.andExpect(jsonPath("$.nextSeq").value(6))
			.andExpect(jsonPath("$.oldestSeq").value(0))
			.andExpect(jsonPath("$.truncated").doesNotExist());
	}

	@Test
	void shouldMarkTruncatedTrace() throws Exception {
		when(service.trace(ID, 0, null)).thenReturn(new TraceSlice(List.of(state(100)), 101, 100, true));
		mvc.perform(get("/api/simulations/" + ID + "/trace"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.truncated").value(true))
			.andExpect(jsonPath("$.oldestSeq").value(100));
	}

	@Test
	void shouldRejectBadSince() throws Exception {
		problem(mvc.perform(get("/api/simulations/" + ID + "/trace").param("since", "abc")), 400, "since");
		when(service.trace(ID, -1, null)).thenThrow(new IllegalArgumentException("since must not be negative, got -1"));
		problem(mvc.perform(get("/api/simulations/" + ID + "/trace").param("since", "-1")), 400, "since");
	}

	@Test
	void shouldServePcap() throws Exception {
		TraceEvent.Segment syn = new TraceEvent.Segment(0, 0.0, 1, "sent", 1, "client", "server", "10.0.0.2:40000",
				"10.0.0.1:80", List.of("SYN"), 1000, 0, 0, 65535, false, 0, 0, null);
		when(service.allEvents(ID)).thenReturn(List.of(syn));
		byte[] body = mvc.perform(get("/api/simulations/" + ID + "/trace.pcap"))
			.andExpect(status().isOk())
			.andExpect(content().contentType("application/vnd.tcpdump.pcap"))
			.andExpect(header().string("Content-Disposition", startsWith("attachment")))
			.andReturn()
			.getResponse()
			.getContentAsByteArray();
		assertThat(body).hasSize(24 + 16 + 40);
		when(service.allEvents("nope")).thenThrow(new SimulationNotFoundException("nope"));
		problem(mvc.perform(get("/api/simulations/nope/trace.pcap")), 404, "nope");
	}

	@Test
	void shouldAnswer405And415AsProblems() throws Exception {
		mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/simulations/" + ID))
			.andExpect(status().isMethodNotAllowed())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		mvc.perform(post(clock()).contentType(MediaType.TEXT_PLAIN).content("advance"))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
	}

}
