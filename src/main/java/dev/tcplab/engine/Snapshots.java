package dev.tcplab.engine;

import java.util.List;
import java.util.Map;

/**
 * Read-only views of a simulation, for the API and the UI. Plain records; the JSON form
 * is their components.
 */
public final class Snapshots {

	private Snapshots() {
	}

	/** A running timer of an endpoint. */
	public record TimerView(String timer, double expiresAtMs) {
	}

	/**
	 * One endpoint (socket) with its RFC 9293 §3.3.1 TCB variables. Sequence variables
	 * are raw 32-bit values (as longs); null where the state has no TCB yet (CLOSED
	 * before connect).
	 */
	public record EndpointView(String endpoint, String address, int port, TcpState state, Long iss, Long irs,
			Long sndUna, Long sndNxt, Integer sndWnd, Long rcvNxt, Integer rcvWnd, long sendBuffered, int recvBuffered,
			boolean orphan, boolean shutRd, boolean shutWr, boolean reuseAddr, int lingerOnoff, int lingerSeconds,
			String pendingCall, List<TimerView> timers) {
	}

	/** The listening socket of a server port. */
	public record ListenerView(String endpoint, String address, int port, TcpState state, int backlog) {
	}

	/** A client/server connection pair, as docs/api.md "Simulation JSON" shows it. */
	public record PairView(int id, EndpointView client, EndpointView server, ListenerView listener) {
	}

	/** The whole simulation at {@code nowMs}. */
	public record SimulationView(double nowMs, Map<String, Object> constants, List<PairView> pairs,
			Map<TcpState, Integer> census, long nextSeq, long oldestSeq, Double nextEventAtMs) {
	}

}
