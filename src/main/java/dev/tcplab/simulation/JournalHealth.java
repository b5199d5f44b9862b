package dev.tcplab.simulation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code journal} (docs/operations.md): UP, or
 * {@code DAMAGED} with what was found (the start-up check of the file, the simulations
 * whose journal cannot be read), and the circuit breaker's state. Not part of liveness or
 * readiness: a damaged or unreachable journal must not get an instance restarted.
 */
@Component("journal")
class JournalHealth implements HealthIndicator {

	/** Damage found; served as HTTP 200 (management.endpoint.health.status). */
	static final Status DAMAGED = new Status("DAMAGED", "damage was found in the journal; see the details");

	private final SimulationJournal journal;

	JournalHealth(SimulationJournal journal) {
		this.journal = journal;
	}

	@Override
	public Health health() {
		if (!journal.enabled()) {
			return Health.unknown().withDetail("enabled", false).build();
		}
		JournalDamage damage = journal.damage();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("circuit", journal.circuit().state().name().toLowerCase(java.util.Locale.ROOT));
		details.put("circuitOpened", journal.circuit().openedTimes());
		if (damage.fileReport() != null) {
			details.put("file", damage.fileReport());
		}
		if (damage.damagedSimulations() > 0) {
			details.put("damagedSimulations", damage.damagedSimulations());
			details.put("damaged",
					damage.simulations()
						.entrySet()
						.stream()
						.limit(20)
						.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
		}
		return Health.status(damage.any() ? DAMAGED : Status.UP).withDetails(details).build();
	}

}
