package dev.tcplab.simulation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The simulation journal (application.yaml, prefix {@code tcplab.journal}).
 *
 * @param enabled false keeps simulations in memory only (nothing survives a restart)
 * @param retention a simulation whose last journal entry is older than this is deleted
 * @param cleanupInterval how often expired journals are looked for
 * @param checkFreshness before serving an in-memory copy, compare it with the journal's
 * last entry (needed when several instances share one database; one indexed read per
 * request)
 */
@ConfigurationProperties("tcplab.journal")
public record JournalProperties(Boolean enabled, Duration retention, Duration cleanupInterval, Boolean checkFreshness) {

	public JournalProperties {
		enabled = enabled == null || enabled;
		retention = retention == null ? Duration.ofDays(7) : retention;
		cleanupInterval = cleanupInterval == null ? Duration.ofHours(1) : cleanupInterval;
		checkFreshness = checkFreshness == null || checkFreshness;
	}

}
