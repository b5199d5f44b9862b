package dev.tcplab.packetdrill;

import dev.tcplab.packetdrill.PacketdrillExport.NotExportableException;

import java.net.URI;
import java.util.NoSuchElementException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import dev.tcplab.engine.Side;
import dev.tcplab.simulation.SimulationService;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** packetdrill interop (issue 15): export a pair as a script. */
@RestController
@Tag(name = "packetdrill", description = "Export a pair as a packetdrill script; run packetdrill scripts in the lab")
class PacketdrillController {

	private final SimulationService service;

	private final PacketdrillRunService runs;

	PacketdrillController(SimulationService service, PacketdrillRunService runs) {
		this.service = service;
		this.runs = runs;
	}

	/** A script larger than {@link PacketdrillRunService#MAX_SCRIPT_BYTES}. */
	static final class ScriptTooLargeException extends RuntimeException {

		ScriptTooLargeException(String message) {
			super(message);
		}

	}

	@PostMapping("/api/packetdrill/runs")
	@Operation(operationId = "runPacketdrill", summary = "Run a packetdrill script in the lab",
			description = "The body is the script (text/plain, at most 64 KiB). The local end is a tcplab endpoint on the chosen profile; the remote end is the script, with no TCP stack behind it. '<' lines are injected at their times, '>' lines are matched (flags, relative sequence range, ack; timing within --tolerance_usecs, default 15000), system calls run with socket semantics. Shell lines and options the lab does not model are 'skipped'; constructs it cannot run (code blocks, control messages, unknown calls or sysctls) are 'unsupported', listed in 'unsupported' and make passed false, and the rest of the script still runs. Leading sysctl lines set the run's constants. The run is an ordinary simulation (trace, pcap, WebSocket).")
	@ApiResponse(responseCode = "200",
			description = "The run: passed, the first failure, a verdict per line, the trace")
	@ApiResponse(responseCode = "400", description = "Syntax error (line and column) or unknown profile")
	@ApiResponse(responseCode = "413", description = "Script larger than 64 KiB")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(description = "A packetdrill script",
			content = @Content(mediaType = "text/plain", examples = @io.swagger.v3.oas.annotations.media.ExampleObject(
					value = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 65535 <mss 1460>\n+0 > S. 0:0(0) ack 1 <...>\n+.01 < . 1:1(0) ack 1 win 65535\n+0 accept(3, ..., ...) = 4\n+.01 < F. 1:1(0) ack 1 win 65535\n+0 > . 1:1(0) ack 2\n+0 read(4, ..., 1000) = 0\n+.01 close(4) = 0\n+0 > F. 1:1(0) ack 2\n+.01 < . 2:2(0) ack 2 win 65535\n")))
	PacketdrillRunService.RunResult run(
			@Parameter(description = "Stack profile of the local end",
					example = "linux") @RequestParam(defaultValue = "linux") String profile,
			@Parameter(description = "Seed of the simulation (ISNs); random when absent") @RequestParam(
					required = false) Long seed,
			HttpServletRequest request) throws java.io.IOException {
		byte[] body = request.getInputStream().readNBytes(PacketdrillRunService.MAX_SCRIPT_BYTES + 1);
		if (body.length > PacketdrillRunService.MAX_SCRIPT_BYTES) {
			throw new ScriptTooLargeException(
					"the script is larger than " + PacketdrillRunService.MAX_SCRIPT_BYTES + " bytes (64 KiB)");
		}
		return runs.run(profile, seed, new String(body, java.nio.charset.StandardCharsets.UTF_8));
	}

	@ExceptionHandler(ScriptTooLargeException.class)
	ResponseEntity<ProblemDetail> tooLarge(ScriptTooLargeException ex, HttpServletRequest request) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, ex.getMessage());
		pd.setTitle("Script too large");
		pd.setInstance(URI.create(request.getRequestURI()));
		pd.setProperty("limit", PacketdrillRunService.MAX_SCRIPT_BYTES);
		return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(pd);
	}

	@ExceptionHandler(Parser.SyntaxException.class)
	ResponseEntity<ProblemDetail> syntax(Parser.SyntaxException ex, HttpServletRequest request) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"packetdrill syntax error at " + ex.getMessage());
		pd.setTitle("Invalid packetdrill script");
		pd.setInstance(URI.create(request.getRequestURI()));
		pd.setProperty("line", ex.line());
		pd.setProperty("column", ex.column());
		pd.setProperty("excerpt", ex.excerpt());
		return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
	}

	@GetMapping("/api/simulations/{id}/pairs/{pairId}/packetdrill")
	@Operation(operationId = "exportPacketdrill", summary = "Export one side of a pair as a packetdrill script",
			description = "The chosen side plays the local kernel under test: what it sent are '>' lines, what the other side sent and reached it are '<' lines, its socket calls are system-call lines. Relative sequence numbers and times; run with packetdrill --tolerance_usecs=15000 file.pkt.")
	@ApiResponse(responseCode = "200", description = "The script", content = @Content(mediaType = "text/plain"))
	@ApiResponse(responseCode = "400", description = "side is not client or server")
	@ApiResponse(responseCode = "404", description = "Unknown simulation or pair")
	@ApiResponse(responseCode = "409", description = "The trace does not hold what a script needs")
	ResponseEntity<String> export(@PathVariable String id, @PathVariable int pairId,
			@Parameter(description = "client or server",
					example = "client") @RequestParam(required = false) String side) {
		Side s = Side.parse(side);
		PacketdrillExport.Source src = service.get(id).withLock(live -> {
			var engine = live.engine();
			if (!engine.hasPair(pairId)) {
				throw new NoSuchElementException("no pair " + pairId + " in simulation " + id);
			}
			return new PacketdrillExport.Source(id, live.profile(), live.seed(), engine.constants(), pairId, s,
					engine.eventsSince(0));
		});
		String script = PacketdrillExport.export(src);
		return ResponseEntity.ok()
			.contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
			.header(HttpHeaders.CONTENT_DISPOSITION,
					"inline; filename=\"tcplab-pair" + pairId + "-" + s.wireName() + ".pkt\"")
			.body(script);
	}

	@ExceptionHandler(NotExportableException.class)
	ResponseEntity<ProblemDetail> notExportable(NotExportableException ex, HttpServletRequest request) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		pd.setTitle("Cannot export this pair");
		pd.setInstance(URI.create(request.getRequestURI()));
		return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
	}

}
