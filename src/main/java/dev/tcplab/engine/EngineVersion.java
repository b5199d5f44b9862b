package dev.tcplab.engine;

/**
 * The engine's behaviour version (docs/operations.md "Upgrades"): the number every
 * journal entry, trace and export names. It is bumped by every change to the engine that
 * can change a trace for the same requests (a new rule, a changed timer, a reordered
 * event) and by nothing else; the build version (tcplab's release) is named beside it but
 * does not decide anything. A journal written by another behaviour version is replayed by
 * this engine, and its recorded trace is served where the two differ.
 */
public final class EngineVersion {

	/** The current behaviour version. */
	public static final int BEHAVIOUR = 3;

	private EngineVersion() {
	}

}
