package dev.tcplab.engine;

/**
 * Anything that has a TCP state: a full connection ({@link Tcb}), a compact TIME_WAIT
 * record ({@link TimeWaitRecord}) or a listening socket ({@link Listener}). Every state
 * change of every endpoint goes through
 * {@link Context#setState(Endpoint, TcpState, String)}.
 */
abstract class Endpoint {

	TcpState state = TcpState.CLOSED;

	/**
	 * Whether this endpoint is currently counted in the census (it owns a non-CLOSED
	 * state).
	 */
	boolean counted;

	/** The pair it belongs to, or null (e.g. a child created by an injected SYN). */
	Pair pair;

	/**
	 * True while this endpoint is the value of the engine's connection table under its
	 * own key (maintained by {@link Engine#connPut} and {@link Engine#connRemove}).
	 */
	boolean inConns;

	/** "client", "server" or "listener". */
	abstract String role();

	/**
	 * Number of the pair this endpoint belongs to, 0 = none (what {@link #pairId} boxes).
	 */
	int pairNo() {
		return pair == null ? 0 : pair.id;
	}

	Integer pairId() {
		return pair == null ? null : pair.boxedId();
	}

}
