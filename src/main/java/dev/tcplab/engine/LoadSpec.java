package dev.tcplab.engine;

/**
 * A generated workload for busy-server studies (article situation 4): starting now, {@code connectionsPerSecond}
 * new client connections for {@code durationMs}; each sends {@code requestBytes}, the server answers
 * {@code responseBytes}, then {@code closer} closes first and the other side closes on EOF. Every
 * {@code censusIntervalMs} a census event is recorded (0 = none). Connections use ephemeral client ports; when
 * none is free connect() fails with EADDRNOTAVAIL and the failure is counted.
 */
public record LoadSpec(int connectionsPerSecond, long durationMs, Side closer, int requestBytes, int responseBytes,
		long censusIntervalMs, int serverPort, int lingerOnoff, int lingerSeconds) {

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
	}

	/** Results of a load run so far. */
	public record LoadStats(long started, long completed, long connectFailures, long peakTimeWait,
			java.util.Map<TcpState, Integer> census) {
	}
}
