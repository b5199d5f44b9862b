package dev.tcplab.simulation;

import dev.tcplab.simulation.SimulationService.ClockOutcome;
import dev.tcplab.simulation.SimulationService.TraceSlice;

import java.net.URI;
import java.util.Optional;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import dev.tcplab.engine.EventResult;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.export.PcapWriter;
import dev.tcplab.web.Created;
import dev.tcplab.web.UnknownPair;
import dev.tcplab.web.UnknownSimulation;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The simulation routes of the REST contract (docs/api.md). */
@RestController
@RequestMapping(path = "/api/simulations", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "simulations",
		description = "Create simulations, open pairs, drive socket calls and faults, move the clock, read the trace")
class SimulationController {

	/**
	 * The events' schemas in the OpenAPI document come from the scenario document
	 * schema's definitions (web.EventSchemas), as the events' JSON comes from
	 * json.VocabularyModule.
	 */
	static final String EVENT_SCHEMA = "#/components/schemas/PairEventRequest";

	private final SimulationService service;

	private final SimulationOwnership ownership;

	SimulationController(SimulationService service, SimulationOwnership ownership) {
		this.service = service;
		this.ownership = ownership;
	}

	@PostMapping
	@Operation(summary = "Create a simulation",
			description = "One virtual network with its own virtual clock. Answers 201 with a Location header. Unknown profile or overrides key: 400; instance full: 429.")
	@Created
	@ApiResponse(responseCode = "400", description = "Invalid request")
	@ApiResponse(responseCode = "429", description = "Too many simulations or requests")
	ResponseEntity<SimulationJson> create(@Valid @RequestBody(required = false) CreateSimulationRequest request) {
		CreateSimulationRequest r = Optional.ofNullable(request).orElseGet(CreateSimulationRequest::empty);
		SimulationJson body = SimulationJson.of(service.createSnapshot(r.toSpec()));
		return ResponseEntity.created(URI.create("/api/simulations/" + body.id())).body(body);
	}

	@GetMapping("/{id}")
	@Operation(summary = "Read a simulation",
			description = "Clock, constants, pairs with both endpoints' states, TCB variables, timers and ISNs, the state census.")
	@UnknownSimulation
	SimulationJson get(@PathVariable String id) {
		return SimulationJson.of(service.snapshot(id));
	}

	// no body: any Accept will do (a client that
	// accepts only problem+json must not get 406)
	@DeleteMapping(path = "/{id}", produces = MediaType.ALL_VALUE)
	@Operation(summary = "Delete a simulation",
			description = "Its WebSocket viewers get a closed message. With graceMs (what a page sends when it is left) it is deleted that long from now unless it is used again meanwhile, so a reload finds it: 202.")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "202", description = "Will be deleted after graceMs unless used again")
	@UnknownSimulation
	@ApiResponse(responseCode = "409", description = "graceMs on a kept simulation")
	ResponseEntity<Void> delete(@PathVariable String id, @Parameter(
			description = "Delete only if nobody uses it for this long (ms, at most tcplab.ownership.max-release-grace)",
			example = "10000") @RequestParam(required = false) Long graceMs) {
		if (graceMs != null && graceMs != 0) {
			ownership.release(id, graceMs);
			return ResponseEntity.accepted().build();
		}
		service.delete(id);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/{id}/pairs")
	@Operation(operationId = "openPair", summary = "Open a client/server pair",
			description = "With establish (default) the handshake has already run on the virtual clock. A pinned clientPort that cannot be bound answers 409 with errno EADDRINUSE; too many pairs 429.")
	@Created
	@ApiResponse(responseCode = "409", description = "The port cannot be bound")
	@ApiResponse(responseCode = "429", description = "Pair limit")
	ResponseEntity<PairView> openPair(@PathVariable String id,
			@Valid @RequestBody(required = false) CreatePairRequest request) {
		CreatePairRequest r = Optional.ofNullable(request).orElseGet(CreatePairRequest::empty);
		PairView pair = service.openPair(id, r.serverPort() == null ? 80 : r.serverPort(), r.clientPort(),
				Boolean.TRUE.equals(r.clientReuseAddr()), !Boolean.FALSE.equals(r.establish()));
		return ResponseEntity.created(URI.create("/api/simulations/" + id + "/pairs/" + pair.id())).body(pair);
	}

	@GetMapping("/{id}/pairs/{pairId}")
	@Operation(summary = "Read one pair")
	@UnknownPair
	PairView pair(@PathVariable String id, @PathVariable int pairId) {
		return service.pair(id, pairId);
	}

	@PostMapping("/{id}/pairs/{pairId}/events")
	@Operation(operationId = "applyPairEvent", summary = "Apply a socket call, fault or poke to one side of a pair",
			description = "A call the TCP state forbids is not an HTTP error: 200 with the errno name as result (EPIPE, ENOTCONN, …).")
	@ApiResponse(responseCode = "200", description = "Applied; result and the trace events produced")
	@ApiResponse(responseCode = "400", description = "Malformed event")
	@UnknownPair
	EventResponse event(@PathVariable String id, @PathVariable int pairId,
			@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(schema = @Schema(ref = EVENT_SCHEMA))) @RequestBody PairEvent event) {
		EventResult r = service.apply(id, pairId, event);
		InlineTrace t = InlineTrace.of(r.trace(), service.budget().maxInlineTraceEvents());
		return new EventResponse(r.result(), t.events(), t.continuesAt());
	}

	@PostMapping("/{id}/clock")
	@Operation(operationId = "moveClock", summary = "Move or configure the virtual clock",
			description = "advanceMs (capped by tcplab.max-advance-ms), runUntilIdle (+maxMs), step (run the next pending instant), paused, speed, clock.")
	@ApiResponse(responseCode = "400", description = "Invalid or too large")
	ClockResponse clock(@PathVariable String id, @Valid @RequestBody ClockRequest request) {
		ClockOutcome o = service.clock(id, request.toCommand(service.properties().maxAdvanceMs()));
		InlineTrace t = InlineTrace.of(o.trace(), service.budget().maxInlineTraceEvents());
		return new ClockResponse(o.nowMs(), o.result(), t.events(), o.clock().wireName(), o.paused(), o.speed(),
				o.nextEventAtMs(), t.continuesAt());
	}

	@GetMapping("/{id}/trace")
	@Operation(summary = "Read the trace",
			description = "Kept events with seq ≥ since. Long traces are compacted: oldestSeq moves on, and asking for older events adds \"truncated\": true.")
	TraceResponse trace(@PathVariable String id,
			@Parameter(description = "First seq wanted", example = "0") @RequestParam(defaultValue = "0") long since,
			@Parameter(description = "Most events to return; nextSeq then points after the last one") @RequestParam(
					required = false) Integer limit) {
		TraceSlice t = service.trace(id, since, limit);
		return new TraceResponse(t.events(), t.nextSeq(), t.oldestSeq(), t.truncated() ? Boolean.TRUE : null,
				t.engineVersion());
	}

	@GetMapping(path = "/{id}/trace.pcap", produces = PcapWriter.MEDIA_TYPE)
	@Operation(operationId = "getPcap", summary = "Download the segments as a pcap file",
			description = "libpcap, LINKTYPE_RAW (IPv4), one record per sent segment, virtual timestamps, correct checksums; opens in Wireshark/tshark.")
	@ApiResponse(responseCode = "200",
			content = @Content(mediaType = PcapWriter.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
	ResponseEntity<byte[]> pcap(@PathVariable String id) {
		byte[] bytes = PcapWriter.write(service.allEvents(id));
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType(PcapWriter.MEDIA_TYPE))
			.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"tcplab-" + id + ".pcap\"")
			.body(bytes);
	}

}
