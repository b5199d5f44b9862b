package dev.tcplab.simulation;

import java.util.Set;

import dev.tcplab.engine.EngineVersion;

/**
 * The simulation was recorded by another engine version and this engine replays it
 * differently: it shows its recorded trace and is read-only (409; docs/decisions.md
 * "Upgrades").
 */
public class RecordedByOtherEngineException extends RuntimeException {

	RecordedByOtherEngineException(String id, Set<Integer> recordedBy) {
		super("simulation " + id + " was recorded by engine version " + recordedBy + " and engine version "
				+ EngineVersion.BEHAVIOUR
				+ " replays it differently: it shows its recorded trace and cannot be changed. Create a new simulation"
				+ " (the same requests give this engine's trace)");
	}

}
