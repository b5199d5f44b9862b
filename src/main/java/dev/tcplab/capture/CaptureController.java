package dev.tcplab.capture;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import dev.tcplab.capture.CaptureJson.Capture;
import dev.tcplab.capture.CaptureJson.Held;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bring your own capture: import a pcap/pcapng, read its connections, their traces and
 * replays.
 */
@RestController
@Tag(name = "captures", description = "A real capture explained by the model: both ends' states, diagnostics, replay")
class CaptureController {

	/** Media types a capture body may be sent as. */
	static final String PCAP = "application/vnd.tcpdump.pcap", PCAPNG = "application/x-pcapng";

	private final CaptureService captures;

	private final CaptureReplays replays;

	CaptureController(CaptureService captures, CaptureReplays replays) {
		this.captures = captures;
		this.replays = replays;
	}

	@PostMapping(path = "/api/captures", consumes = { PCAP, PCAPNG, MediaType.APPLICATION_OCTET_STREAM_VALUE },
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Import a pcap or pcapng file",
			description = "The body is the file (Ethernet, Linux cooked v1/v2, raw IP, BSD loopback; IPv4 and IPv6). Answers 201 with Location and the connections found, each with both endpoints' inferred states, a summary and diagnostics. Truncated, corrupt or unsupported files: 422; too large (bytes, connections, CPU): 413; too many captures held: 429.")
	@ApiResponse(responseCode = "201", description = "Imported")
	@ApiResponse(responseCode = "413", description = "Past a limit")
	@ApiResponse(responseCode = "422", description = "Not a readable capture")
	@ApiResponse(responseCode = "429", description = "Too many captures held")
	ResponseEntity<Capture> importCapture(HttpServletRequest request,
			@Parameter(description = "Profile to infer the states with",
					example = "linux") @RequestParam(defaultValue = "linux") String profile,
			@Parameter(
					description = "Read a file cut short up to its last whole packet instead of refusing it") @RequestParam(
							defaultValue = "false") boolean allowTruncated)
			throws IOException {
		CaptureService.Imported imported = this.captures.importCapture(request.getInputStream(),
				request.getRemoteAddr(), profile, allowTruncated);
		return ResponseEntity.created(URI.create("/api/captures/" + imported.id())).body(imported.capture());
	}

	@GetMapping(path = "/api/captures/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "An imported capture", description = "The same document as the import answered.")
	ResponseEntity<byte[]> capture(@PathVariable String id) throws IOException {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.captures.document(id));
	}

	@GetMapping(path = "/api/captures", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "The captures this client holds",
			description = "Only `mine=true` is supported: captures are private to whoever knows the id.")
	List<Held> held(HttpServletRequest request, @RequestParam(defaultValue = "false") boolean mine) {
		if (!mine) {
			throw new IllegalArgumentException(
					"only GET /api/captures?mine=true is supported: captures are listed to the client that imported them");
		}
		return this.captures.held(request.getRemoteAddr());
	}

	@DeleteMapping("/api/captures/{id}")
	@Operation(summary = "Delete a capture and its file")
	ResponseEntity<Void> delete(@PathVariable String id) {
		this.captures.delete(id);
		return ResponseEntity.noContent().build();
	}

	@GetMapping(path = "/api/captures/{id}/connections/{n}/trace", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "One connection as a trace",
			description = "Segment events with the capture's times (ms after the first packet) and packet numbers, and the state, timer and note events inferred with the profile; inferred ones carry \"inferred\": true.")
	Map<String, Object> trace(@PathVariable String id, @PathVariable int n,
			@Parameter(description = "Profile to infer with (default: the import's)") @RequestParam(
					required = false) String profile)
			throws IOException {
		CaptureTrace.Trace t = this.captures.trace(id, n, profile);
		return CaptureTrace.ordered("connection", t.connection(), "profile", t.profile(), "capturePoint",
				t.capturePoint(), "truncated", t.truncated(), "events", t.events());
	}

	@PostMapping(path = "/api/captures/{id}/connections/{n}/replays", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Replay a connection in the lab",
			description = "Makes a simulation that replays the connection: the socket calls inferred from the capture, and its losses and delays. Answers 201 with the simulation, the calls and faults used, and the segment-by-segment comparison of the capture with the profile's replay.")
	ResponseEntity<CaptureReplays.Replay> replay(@PathVariable String id, @PathVariable int n,
			@RequestParam(required = false) String profile) throws IOException {
		CaptureReplays.Replay r = this.replays.replay(id, n, profile);
		return ResponseEntity.status(HttpStatus.CREATED)
			.location(URI.create("/api/simulations/" + r.simulationId()))
			.body(r);
	}

}
