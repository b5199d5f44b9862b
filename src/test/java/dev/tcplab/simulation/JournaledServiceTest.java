package dev.tcplab.simulation;

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

}
