package dev.tcplab.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accounting of a simulation's journal (its row's {@code bytes} and {@code last_at},
 * for the disk quotas and the retention) trails its entries by at most a second, and is
 * exact whenever the quotas or the retention are read (docs/decisions.md, "The journal's
 * bookkeeping leaves the request path").
 */
class JournalAccountingTest extends JournaledServiceTest {

	@Autowired
	JdbcTemplate jdbc;

	/** Bytes of a simulation's entries and recorded trace, as the quotas count them. */
	long journaledBytes(String id) {
		long entries = journal.entries(id)
			.stream()
			.mapToLong(e -> e.payload().length() + SimulationJournal.ENTRY_OVERHEAD)
			.sum();
		return entries + journal.traceChunks(id).stream().mapToLong(c -> c.data().length).sum();
	}

	long rowBytes(String id) {
		return jdbc.queryForObject("SELECT bytes FROM tcplab_simulation WHERE id = ?", Long.class, id);
	}

	@Test
	void shouldAccountEveryAppendExactlyOnceTheQuotasAreRead() {
		String id = linuxSimulation(11L);
		for (int port : List.of(80, 81, 82)) {
			service.openPair(id, port, null, false, true);
		}
		journal.usage("local");
		assertThat(journal.entries(id)).hasSize(4);
		assertThat(rowBytes(id)).isEqualTo(journaledBytes(id));
		long newest = journal.entries(id)
			.stream()
			.mapToLong(SimulationJournal.Entry::recordedAtMillis)
			.max()
			.orElseThrow();
		assertThat(jdbc.queryForObject("SELECT last_at FROM tcplab_simulation WHERE id = ?", Long.class, id))
			.isEqualTo(newest);
		service.delete(id);
	}

	@Test
	void shouldWriteTheAccountingWithinASecondWithoutAReader() throws InterruptedException {
		String id = linuxSimulation(12L);
		long created = rowBytes(id);
		service.openPair(id, 80, null, false, true);
		long entries = journaledBytes(id);
		assertThat(entries).isGreaterThan(created);
		long deadline = System.nanoTime() + 3_000_000_000L;
		while (rowBytes(id) < entries && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(rowBytes(id)).isGreaterThanOrEqualTo(entries);
		service.delete(id);
	}

	/**
	 * Quota reads while others create, append and delete: every request succeeds and the
	 * accounting is exact (a quota read once wrote the accounting on the request's own
	 * thread, and under load its transaction deadlocked with the writer's deletions).
	 */
	@Test
	void shouldServeQuotaReadsBesideCreationsAppendsAndDeletions() throws InterruptedException {
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		AtomicBoolean running = new AtomicBoolean(true);
		Thread reader = new Thread(() -> {
			while (running.get()) {
				try {
					journal.usage("local");
				}
				catch (RuntimeException ex) {
					failures.add(ex);
				}
			}
		});
		reader.start();
		List<Thread> users = new ArrayList<>();
		ConcurrentLinkedQueue<String> kept = new ConcurrentLinkedQueue<>();
		for (int u = 0; u < 8; u++) {
			int user = u;
			Thread t = new Thread(() -> {
				for (int i = 0; i < 15; i++) {
					try {
						String id = linuxSimulation(1000L * user + i);
						service.openPair(id, 80, null, false, true);
						service.openPair(id, 81, null, false, true);
						if (i == 0 && user < 4) {
							kept.add(id);
						}
						else {
							service.delete(id);
						}
					}
					catch (RuntimeException ex) {
						failures.add(ex);
					}
				}
			});
			t.start();
			users.add(t);
		}
		for (Thread t : users) {
			t.join();
		}
		running.set(false);
		reader.join();
		assertThat(failures).isEmpty();
		journal.usage("local");
		for (String id : kept) {
			assertThat(rowBytes(id)).as(id).isEqualTo(journaledBytes(id));
			service.delete(id);
		}
	}

}
