package dev.tcplab.api;

import java.net.URI;
import java.util.NoSuchElementException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import dev.tcplab.engine.Side;
import dev.tcplab.packetdrill.PacketdrillExport;
import dev.tcplab.packetdrill.PacketdrillExport.NotExportableException;
import dev.tcplab.simulation.SimulationService;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** packetdrill interop (issue 15): export a pair as a script. */
@RestController
@Tag(name = "packetdrill", description = "Export a pair as a packetdrill script; run packetdrill scripts in the lab")
class PacketdrillController {

	private final SimulationService service;

	PacketdrillController(SimulationService service) {
		this.service = service;
	}

	@GetMapping("/api/simulations/{id}/pairs/{pairId}/packetdrill")
	@Operation(summary = "Export one side of a pair as a packetdrill script",
			description = "The chosen side plays the local kernel under test: what it sent are '>' lines, what the other side sent and reached it are '<' lines, its socket calls are system-call lines. Relative sequence numbers and times; run with packetdrill --tolerance_usecs=15000 file.pkt.")
	@ApiResponse(responseCode = "200", description = "The script", content = @Content(mediaType = "text/plain"))
	@ApiResponse(responseCode = "400", description = "side is not client or server",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "404", description = "Unknown simulation or pair",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "409", description = "The trace does not hold what a script needs",
			content = @Content(mediaType = "application/problem+json"))
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
