package dev.tcplab.simulation;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What opens the journal's circuit: an outage does, a conflict between two transactions
 * does not (a deadlock of two group-commit batches once answered 503 to every request in
 * both, 2026-12-07; docs/decisions.md "The journal's bookkeeping leaves the request
 * path").
 */
class JournalCircuitTest {

	@Test
	void shouldNotCountADeadlockAsAnOutage() {
		JournalCircuit circuit = new JournalCircuit(3, Duration.ofSeconds(1));
		for (int i = 0; i < 5; i++) {
			assertThat(circuit.failure(new PessimisticLockingFailureException("ERROR: deadlock detected"), false))
				.isFalse();
			assertThat(circuit.failure(new CannotAcquireLockException("lock timeout"), false)).isFalse();
		}
		assertThat(circuit.state()).isEqualTo(JournalCircuit.State.CLOSED);
	}

	@Test
	void shouldOpenOnAnOutage() {
		JournalCircuit circuit = new JournalCircuit(3, Duration.ofSeconds(1));
		for (int i = 0; i < 3; i++) {
			assertThat(circuit.failure(new DataAccessResourceFailureException("connection refused"), false)).isTrue();
		}
		assertThat(circuit.state()).isNotEqualTo(JournalCircuit.State.CLOSED);
	}

}
