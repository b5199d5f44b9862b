package dev.tcplab.simulation;

import dev.tcplab.simulation.SimulationOwnership.Mine;
import dev.tcplab.simulation.SimulationOwnership.Owned;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.tcplab.web.UnknownSimulation;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a visitor holds and keeps (docs/api.md, "Your simulations"): the owner's list and
 * keeping. Deleting is {@code DELETE /api/simulations/{id}}
 * ({@link SimulationController}).
 */
@RestController
@RequestMapping(path = "/api/simulations", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "simulations")
class OwnershipController {

	private final SimulationOwnership ownership;

	OwnershipController(SimulationOwnership ownership) {
		this.ownership = ownership;
	}

	@GetMapping
	@Operation(summary = "List your simulations",
			description = "The simulations created with your owner key (the tcplab_owner cookie the first creation gave you; without it the list is empty), newest first: kind (simulation, scenario, authored, comparison, packetdrill, replay), label, kept, durable (comes back after eviction or a restart), inMemory and viewers (on the instance that answered). Only your own can be listed: mine=true is required. Delete one with DELETE /api/simulations/{id}; keep one with POST /api/simulations/{id}/keep.")
	@ApiResponse(responseCode = "200", description = "Your simulations")
	@ApiResponse(responseCode = "400", description = "mine=true missing")
	Mine mine(@Parameter(description = "Must be true: only your own simulations can be listed",
			example = "true") @RequestParam(required = false) Boolean mine) {
		if (!Boolean.TRUE.equals(mine)) {
			throw new IllegalArgumentException(
					"only your own simulations can be listed: GET /api/simulations?mine=true (a simulation is reached by its id only)");
		}
		return ownership.mine();
	}

	@PostMapping("/{id}/keep")
	@Operation(summary = "Keep a simulation",
			description = "Marks it as wanted beyond this visit (a shared link): it leaves memory last, its journal is kept for the whole retention, and a page that leaves it does not delete it. 409 for a simulation that lives in memory only (an authored scenario run).")
	@ApiResponse(responseCode = "200", description = "Kept")
	@UnknownSimulation
	@ApiResponse(responseCode = "409", description = "Lives in memory only")
	Owned keep(@PathVariable String id) {
		return ownership.keep(id);
	}

}
