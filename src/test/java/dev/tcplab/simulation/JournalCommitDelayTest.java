package dev.tcplab.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit with a commit delay ({@code tcplab.journal.commit-delay},
 * docs/decisions.md "The writer lets a batch gather"): while requests arrive together the
 * writer lets each batch gather for the delay, and a request that comes alone is written
 * at once. The delay here is 300 ms, far above what a write of H2 takes, so either shows
 * plainly.
 */
@TestPropertySource(properties = "tcplab.journal.commit-delay=300ms")
class JournalCommitDelayTest extends JournaledServiceTest {

	@Autowired
	MeterRegistry meters;

	@Test
	void shouldWriteALoneRequestAtOnce() {
		String id = linuxSimulation(71L);
		// one request alone: its batch holds one operation, so the next is not delayed
		service.openPair(id, 79, null, false, true);
		long t0 = System.nanoTime();
		for (int p = 0; p < 5; p++) {
			service.openPair(id, 80 + p, null, false, true);
		}
		long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
		// five journaled requests one after another: never delayed (5 delays would be
		// 1,500 ms)
		assertThat(ms).as("5 lone requests, ms").isLessThan(750);
		assertThat(journal.head(id)).isEqualTo(6);
		service.delete(id);
	}

	@Test
	void shouldGatherConcurrentRequestsIntoOneBatch() throws InterruptedException {
		int threads = 8;
		int each = 10;
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			ids.add(linuxSimulation(80L + i));
		}
		// the creations' batches may still be being counted
		DistributionSummary batches = settled(meters.get("tcplab.journal.batch").summary());
		long batchesBefore = batches.count();
		double opsBefore = batches.totalAmount();
		ConcurrentLinkedQueue<Throwable> failed = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> clients = new ArrayList<>();
		for (String id : ids) {
			Thread t = new Thread(() -> {
				try {
					start.await();
					for (int r = 0; r < each; r++) {
						service.openPair(id, 80 + r, null, false, true);
					}
				}
				catch (Throwable ex) {
					failed.add(ex);
				}
			});
			t.start();
			clients.add(t);
		}
		start.countDown();
		for (Thread t : clients) {
			t.join();
		}
		assertThat(failed).isEmpty();
		awaitCounted(batches, opsBefore + threads * each);
		assertThat(batches.totalAmount() - opsBefore).isEqualTo(threads * each);
		// 80 requests of 8 clients that each wait for their last: once two arrived
		// together, every batch gathers all 8
		System.out.println("JournalCommitDelayTest: " + (batches.count() - batchesBefore) + " batches");
		assertThat(batches.count() - batchesBefore).as("batches for 80 requests").isLessThanOrEqualTo(14);
		for (String id : ids) {
			assertThat(journal.head(id)).isEqualTo(each);
			service.delete(id);
		}
	}

}
