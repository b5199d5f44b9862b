package dev.tcplab.simulation;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a client may choose when creating a simulation; nulls mean "default". The
 * journal's first entry of every simulation is this record, resolved (seed chosen).
 *
 * @param kind what made it ({@link SimulationKind#wireName()}; null: a simulation created
 * by {@code POST /api/simulations})
 * @param label a short description for the owner's list (a scenario's name, …); null for
 * none
 */
public record SimulationSpec(String profile, Long seed, Double latencyMs, String clock, Double speed,
		Map<String, Object> overrides, String traceLevel, String clientAddress, String serverAddress, Boolean pinnedIsn,
		Boolean retainClosedPairs, @JsonInclude(JsonInclude.Include.NON_NULL) String kind,
		@JsonInclude(JsonInclude.Include.NON_NULL) String label) {

	@JsonCreator
	public SimulationSpec {
	}

	/** A spec of {@code POST /api/simulations} (kind and label unset). */
	public SimulationSpec(String profile, Long seed, Double latencyMs, String clock, Double speed,
			Map<String, Object> overrides, String traceLevel, String clientAddress, String serverAddress,
			Boolean pinnedIsn, Boolean retainClosedPairs) {
		this(profile, seed, latencyMs, clock, speed, overrides, traceLevel, clientAddress, serverAddress, pinnedIsn,
				retainClosedPairs, null, null);
	}

	/** This spec made by {@code kind}, described by {@code label}. */
	public SimulationSpec withOrigin(SimulationKind kind, String label) {
		return new SimulationSpec(profile, seed, latencyMs, clock, speed, overrides, traceLevel, clientAddress,
				serverAddress, pinnedIsn, retainClosedPairs, kind == null ? null : kind.wireName(), label);
	}

	/** What made the simulation. */
	public SimulationKind originKind() {
		return SimulationKind.of(kind);
	}

}
