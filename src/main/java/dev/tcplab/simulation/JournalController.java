package dev.tcplab.simulation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What is stored of a simulation (docs/api.md "Journal"). */
@RestController
@RequestMapping("/api/simulations")
@Tag(name = "simulations")
class JournalController {

	private final SimulationJournal journal;

	JournalController(SimulationJournal journal) {
		this.journal = journal;
	}

	/** One journal entry. */
	@Schema(description = "One journaled request: entry 0 creates the simulation, every further entry is an accepted mutating request")
	record EntryJson(@Schema(example = "3") long entry, @Schema(
			description = "Virtual time (ms) at which the request was applied; a rebuild advances the clock to it first",
			example = "50") double atMs,
			@Schema(description = "create, pair, event, clock or scenario", example = "event") String kind,
			@Schema(description = "The request as the service accepted it (a JSON object)",
					type = "object") @JsonRawValue String request,
			@Schema(description = "Wall-clock time of the entry (epoch ms)") long recordedAt) {
	}

	@GetMapping("/{id}/journal")
	@Operation(summary = "Read a simulation's journal",
			description = "The stored creation request and accepted mutating requests from which the simulation is rebuilt after a restart, an eviction or on another instance. 404 when journaling is off.")
	@ApiResponse(responseCode = "404", description = "Unknown simulation or journaling off",
			content = @Content(mediaType = "application/problem+json"))
	List<EntryJson> journal(@PathVariable String id) {
		if (!journal.enabled() || id.length() > 64) {
			throw new SimulationNotFoundException(id);
		}
		List<SimulationJournal.Entry> entries = journal.entries(id);
		if (entries.isEmpty()) {
			throw new SimulationNotFoundException(id);
		}
		return entries.stream()
			.map(e -> new EntryJson(e.entryNo(), e.virtualTimeMicros() / 1000.0, e.kind(), e.payload(),
					e.recordedAtMillis()))
			.toList();
	}

}
