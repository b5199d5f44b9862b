package dev.tcplab.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The freshness read of a held copy (the number of the journal's last entry) goes through
 * the group-commit writer: the heads asked for meanwhile are read with one statement, in
 * the batch's transaction, after its writes (docs/decisions.md, "The journal's
 * bookkeeping leaves the request path").
 */
class JournalHeadTest extends JournaledServiceTest {

	@Autowired
	MeterRegistry meters;

	@Test
	void shouldReadTheHeadOfEachSimulationAndMinusOneWithoutAJournal() {
		String id = linuxSimulation(31L);
		assertThat(journal.head(id)).isEqualTo(0);
		service.openPair(id, 80, null, false, true);
		service.openPair(id, 81, null, false, true);
		assertThat(journal.head(id)).isEqualTo(2);
		assertThat(journal.head("no-such-simulation")).isEqualTo(-1);
		service.delete(id);
		assertThat(journal.head(id)).isEqualTo(-1);
	}

	/**
	 * Many readers at once, each on its own simulations: each learns its own head (never
	 * another's), and some of their reads shared a batch.
	 */
	@Test
	void shouldAnswerConcurrentHeadReadsEachWithItsOwnSimulation() throws InterruptedException {
		int threads = 12;
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			String id = linuxSimulation(40L + i);
			for (int p = 0; p < i % 4; p++) {
				service.openPair(id, 80 + p, null, false, true);
			}
			ids.add(id);
		}
		// the setup's batches may still be being counted (once 7,201 of 7,200)
		DistributionSummary batches = settled(meters.get("tcplab.journal.batch").summary());
		long batchesBefore = batches.count();
		double opsBefore = batches.totalAmount();
		ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> readers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			String id = ids.get(i);
			long expected = i % 4;
			Thread reader = new Thread(() -> {
				try {
					start.await();
					for (int r = 0; r < 300; r++) {
						long head = journal.head(id);
						if (head != expected) {
							wrong.add(id + ": " + head + " instead of " + expected);
						}
						if (journal.head(id + "-none") != -1) {
							wrong.add(id + "-none has a head");
						}
					}
				}
				catch (Throwable ex) {
					wrong.add(ex.toString());
				}
			});
			reader.start();
			readers.add(reader);
		}
		start.countDown();
		for (Thread t : readers) {
			t.join();
		}
		assertThat(wrong).isEmpty();
		// 7,200 reads by 12 threads, in fewer transactions than reads
		awaitCounted(batches, opsBefore + 2 * threads * 300);
		double reads = batches.totalAmount() - opsBefore;
		assertThat(reads).isEqualTo(2 * threads * 300);
		assertThat(batches.count() - batchesBefore).isLessThan((long) reads);
		ids.forEach(service::delete);
	}

}
