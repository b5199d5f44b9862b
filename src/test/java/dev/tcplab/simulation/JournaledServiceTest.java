package dev.tcplab.simulation;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.DistributionSummary;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * What the tests of the journaled simulation service share (no web server, the journal in
 * the test configuration's in-memory H2): the service, its registry and journal, the JSON
 * mapper, and a plain simulation to start from.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
abstract class JournaledServiceTest {

	@Autowired
	SimulationService service;

	@Autowired
	SimulationRegistry registry;

	@Autowired
	SimulationJournal journal;

	@Autowired
	JsonMapper json;

	/**
	 * Creates a simulation on the linux profile with this seed, nothing else set; its id.
	 */
	String linuxSimulation(long seed) {
		return this.service
			.create(new SimulationSpec("linux", seed, null, null, null, null, null, null, null, null, null))
			.id();
	}

	/**
	 * Waits (at most 2 s) until the writer's batch meter has counted {@code ops}
	 * operations in all: the writer counts a batch just after it answers the batch's
	 * waiters.
	 */
	static void awaitCounted(DistributionSummary batches, double ops) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (batches.totalAmount() < ops && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
	}

	/**
	 * The writer's batch meter once it stops moving (100 ms without a new count): the
	 * batches of the requests before are counted, so a test's own are told apart.
	 */
	static DistributionSummary settled(DistributionSummary batches) throws InterruptedException {
		double seen;
		do {
			seen = batches.totalAmount();
			Thread.sleep(100);
		}
		while (batches.totalAmount() != seen);
		return batches;
	}

}
