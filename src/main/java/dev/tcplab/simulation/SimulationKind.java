package dev.tcplab.simulation;

import java.util.Locale;

/**
 * What made a simulation, which decides its lifetime (docs/decisions.md, "Issue 20:
 * ownership and lifetimes"). {@link #SIMULATION} is a simulation someone drives
 * ({@code POST /api/simulations}); every other kind is a one-shot run, answered whole by
 * the request that made it and worth keeping only when someone keeps or shares it.
 */
public enum SimulationKind {

	/** Created by {@code POST /api/simulations}: driven request by request. */
	SIMULATION,

	/** A built-in scenario run ({@code POST /api/scenarios/{name}/runs}). */
	SCENARIO,

	/** A run of a submitted scenario document ({@code POST /api/scenarios/runs}). */
	AUTHORED,

	/** One variant of a comparison ({@code POST /api/comparisons}). */
	COMPARISON,

	/** A packetdrill script run ({@code POST /api/packetdrill/runs}). */
	PACKETDRILL,

	/** A capture connection replayed as a simulation. */
	REPLAY;

	/** The name used in JSON and in the database (lower case). */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** A run answered whole by the request that made it. */
	public boolean oneShot() {
		return this != SIMULATION;
	}

	/**
	 * Reads a wire name; null (a journal written before kinds existed) is
	 * {@link #SIMULATION}.
	 * @throws IllegalArgumentException for an unknown name
	 */
	public static SimulationKind of(String wire) {
		if (wire == null) {
			return SIMULATION;
		}
		for (SimulationKind k : values()) {
			if (k.wireName().equals(wire.trim().toLowerCase(Locale.ROOT))) {
				return k;
			}
		}
		throw new IllegalArgumentException("unknown simulation kind \"" + wire + "\"");
	}

}
