package dev.tcplab.engine;

/**
 * A generated workload for busy-server studies (article situation 4): starting now,
 * {@code connectionsPerSecond} new client connections for {@code durationMs}; each sends
 * {@code requestBytes}, the server answers {@code responseBytes}, then {@code closer}
 * closes first and the other side closes on EOF. Every {@code censusIntervalMs} a census
 * event is recorded (0 = none). Connections use ephemeral client ports; when none is free
 * connect() fails with EADDRNOTAVAIL and the failure is counted.
 * <p>
 * {@code clients} is the number of client hosts the connections come from, in turn (round
 * robin): host 0 is {@code config.clientAddress}, host i that address + i (e.g. 10.0.0.2,
 * 10.0.0.3, …). Each host has its own ephemeral ports, so a server that closes first can
 * hold far more TIME_WAIT connections than one client's ephemeral range (a new SYN from
 * the same client port would otherwise reopen an old TIME_WAIT tuple), as a real busy
 * server does.
 */
public record LoadSpec(int connectionsPerSecond, long durationMs, Side closer, int requestBytes, int responseBytes,
		long censusIntervalMs, int serverPort, int lingerOnoff, int lingerSeconds, int clients) {

	/** Most client hosts a load may use. */
	public static final int MAX_CLIENTS = 65_536;

	/** A load from the one client host {@code config.clientAddress}. */
	public LoadSpec(int connectionsPerSecond, long durationMs, Side closer, int requestBytes, int responseBytes,
			long censusIntervalMs, int serverPort, int lingerOnoff, int lingerSeconds) {
		this(connectionsPerSecond, durationMs, closer, requestBytes, responseBytes, censusIntervalMs, serverPort,
				lingerOnoff, lingerSeconds, 1);
	}

	public LoadSpec {
		if (connectionsPerSecond < 1 || connectionsPerSecond > 1_000_000) {
			throw new IllegalArgumentException("connectionsPerSecond must be between 1 and 1000000");
		}
		if (durationMs < 1 || durationMs > 24L * 3600 * 1000) {
			throw new IllegalArgumentException("durationMs must be between 1 and 86400000");
		}
		if (closer == null) {
			throw new IllegalArgumentException("closer must be client or server");
		}
		if (requestBytes < 0 || responseBytes < 0) {
			throw new IllegalArgumentException("byte counts must not be negative");
		}
		if (censusIntervalMs < 0) {
			throw new IllegalArgumentException("censusIntervalMs must not be negative");
		}
		if (clients < 1 || clients > MAX_CLIENTS) {
			throw new IllegalArgumentException("clients must be between 1 and " + MAX_CLIENTS);
		}
	}

	/** Results of a load run so far. */
	public record LoadStats(long started, long completed, long connectFailures, long peakTimeWait,
			java.util.Map<TcpState, Integer> census) {
	}
}
