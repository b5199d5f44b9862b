package dev.tcplab.simulation;

/**
 * A rebuild from the journal in progress on this thread: the registry creates the
 * simulation under the journaled id without registering it, lookups of that id find it,
 * and the journal records nothing (the entries are already there).
 */
final class Rebuild implements AutoCloseable {

	private static final ThreadLocal<Rebuild> CURRENT = new ThreadLocal<>();

	private final String id;

	private final Rebuild outer;

	private final long createdAtMillis;

	private LiveSimulation live;

	private Rebuild(String id, long createdAtMillis, Rebuild outer) {
		this.id = id;
		this.createdAtMillis = createdAtMillis;
		this.outer = outer;
	}

	/**
	 * @param createdAtMillis when the simulation was first created (epoch ms, its
	 * journal's entry 0): its lifetime counts from then
	 */
	static Rebuild begin(String id, long createdAtMillis) {
		Rebuild r = new Rebuild(id, createdAtMillis, CURRENT.get());
		CURRENT.set(r);
		return r;
	}

	/** The rebuild in progress on this thread, or null. */
	static Rebuild current() {
		return CURRENT.get();
	}

	String id() {
		return id;
	}

	long createdAtMillis() {
		return createdAtMillis;
	}

	LiveSimulation live() {
		return live;
	}

	void built(LiveSimulation live) {
		this.live = live;
	}

	@Override
	public void close() {
		if (outer == null) {
			CURRENT.remove();
		}
		else {
			CURRENT.set(outer);
		}
	}

}
