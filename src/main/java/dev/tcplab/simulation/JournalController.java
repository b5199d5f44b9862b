package dev.tcplab.simulation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What is stored of a simulation (docs/api.md "Journal"). */
@RestController
@RequestMapping("/api/simulations")
@Tag(name = "simulations")
class JournalController {

	/** Most entries one answer carries. */
	static final int MAX_ENTRIES = 1000;

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
			@Schema(description = "Wall-clock time of the entry (epoch ms)") long recordedAt,
			@Schema(description = "Behaviour version of the engine that applied the request (0: not recorded, before versions were kept)",
					example = "1") int engineVersion) {
	}

	@GetMapping("/{id}/journal")
	@Operation(summary = "Read a simulation's journal",
			description = "The stored creation request and accepted mutating requests from which the simulation is rebuilt after a restart, an eviction or on another instance: the entries from `since` on, at most `limit` (≤ 1000; read on with since = the last entry + 1). 404 when journaling is off.")
	@ApiResponse(responseCode = "404", description = "Unknown simulation or journaling off")
	List<EntryJson> journal(@PathVariable String id,
			@Parameter(description = "First entry number wanted") @RequestParam(defaultValue = "0") long since,
			@Parameter(description = "Most entries (1–1000)") @RequestParam(
					defaultValue = "" + MAX_ENTRIES) int limit) {
		if (since < 0 || limit < 1 || limit > MAX_ENTRIES) {
			throw new IllegalArgumentException(
					"since must not be negative and limit must be between 1 and " + MAX_ENTRIES);
		}
		if (!journal.enabled() || id.length() > 64) {
			throw new SimulationNotFoundException(id);
		}
		List<SimulationJournal.Entry> entries = journal.entries(id);
		if (entries.isEmpty()) {
			throw new SimulationNotFoundException(id);
		}
		return entries.stream()
			.filter(e -> e.entryNo() >= since)
			.limit(limit)
			.map(e -> new EntryJson(e.entryNo(), e.virtualTimeMicros() / 1000.0, e.kind(), e.payload(),
					e.recordedAtMillis(), e.engineVersion()))
			.toList();
	}

}
