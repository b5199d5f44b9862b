package dev.tcplab.simulation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The simulation journal (application.yaml, prefix {@code tcplab.journal};
 * docs/operations.md).
 *
 * @param enabled false keeps simulations in memory only (nothing survives a restart)
 * @param retention a kept (shared) simulation whose last journal entry is older than this
 * is deleted
 * @param unkeptRetention the same for a simulation nobody kept or shared
 * @param cleanupInterval how often expired journals are looked for
 * @param checkFreshness before serving an in-memory copy for a read, compare it with the
 * journal's last entry (needed when several instances share one database; one indexed
 * read per read request)
 * @param maxBytesPerClient journal bytes one client address may hold (429
 * {@code journalBytesPerClient} on create)
 * @param maxBytesPerSimulation journal bytes of one simulation (429
 * {@code journalBytesPerSimulation} on the request that would pass it)
 * @param maxTotalBytes journal bytes in total (507 on create)
 * @param maxBatch entries written in one transaction at most (group commit)
 * @param writeTimeout how long a request waits for its entry to be written
 * @param circuitFailures database failures in a row that open the circuit
 * @param circuitOpenFor how long an open circuit refuses at once before one try
 * @param traceFlushInterval how often the recorded traces of held simulations are written
 * behind the journal
 * @param commitDelay how long the writer lets a batch gather before it writes, when the
 * batch before held more than one operation (concurrent requests; a lone request never
 * waits for it); zero writes at once
 */
@ConfigurationProperties("tcplab.journal")
public record JournalProperties(Boolean enabled, Duration retention, Duration unkeptRetention, Duration cleanupInterval,
		Boolean checkFreshness, DataSize maxBytesPerClient, DataSize maxBytesPerSimulation, DataSize maxTotalBytes,
		Integer maxBatch, Duration writeTimeout, Integer circuitFailures, Duration circuitOpenFor,
		Duration traceFlushInterval, Duration commitDelay) {

	public JournalProperties {
		enabled = enabled == null || enabled;
		retention = retention == null ? Duration.ofDays(7) : retention;
		unkeptRetention = unkeptRetention == null ? Duration.ofHours(24) : unkeptRetention;
		cleanupInterval = cleanupInterval == null ? Duration.ofHours(1) : cleanupInterval;
		checkFreshness = checkFreshness == null || checkFreshness;
		maxBytesPerClient = maxBytesPerClient == null ? DataSize.ofMegabytes(16) : maxBytesPerClient;
		maxBytesPerSimulation = maxBytesPerSimulation == null ? DataSize.ofMegabytes(1) : maxBytesPerSimulation;
		maxTotalBytes = maxTotalBytes == null ? DataSize.ofGigabytes(2) : maxTotalBytes;
		maxBatch = maxBatch == null || maxBatch < 1 ? 256 : maxBatch;
		writeTimeout = writeTimeout == null ? Duration.ofSeconds(3) : writeTimeout;
		circuitFailures = circuitFailures == null || circuitFailures < 1 ? 3 : circuitFailures;
		circuitOpenFor = circuitOpenFor == null ? Duration.ofSeconds(1) : circuitOpenFor;
		traceFlushInterval = traceFlushInterval == null ? Duration.ofSeconds(60) : traceFlushInterval;
		commitDelay = commitDelay == null || commitDelay.isNegative() ? Duration.ofMillis(1) : commitDelay;
	}

}
