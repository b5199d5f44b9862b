package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.TcplabApplication;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.simulation.SimulationService.ClockAction;
import dev.tcplab.simulation.SimulationService.ClockCommand;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 16 against a real PostgreSQL (zonky embedded binaries, no Docker): two instances
 * (two Spring contexts) share one journal. An instance asked about a simulation it does
 * not hold rebuilds it; a copy that fell behind is noticed (freshness check) or its
 * append collides on (simulation id, entry number), is dropped, rebuilt and the request
 * applied again; a delete on one instance is a 404 on the other. Also: the embedded H2
 * file journal survives a restart.
 */
class JournalTwoInstancesPostgresTest {

	static EmbeddedPostgres postgres;

	static ConfigurableApplicationContext a;

	static ConfigurableApplicationContext b;

	@BeforeAll
	static void start() throws Exception {
		postgres = EmbeddedPostgres.builder().start();
		String url = postgres.getJdbcUrl("postgres", "postgres");
		a = instance(url, true);
		// b never compares its copies with the journal before serving them: its appends
		// must collide instead
		b = instance(url, false);
	}

	static ConfigurableApplicationContext instance(String url, boolean checkFreshness) {
		return new SpringApplicationBuilder(TcplabApplication.class).web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + url, "--spring.main.banner-mode=off",
					"--tcplab.journal.check-freshness=" + checkFreshness, "--logging.level.root=WARN");
	}

	@AfterAll
	static void stop() throws Exception {
		if (a != null) {
			a.close();
		}
		if (b != null) {
			b.close();
		}
		if (postgres != null) {
			postgres.close();
		}
	}

	static SimulationService service(ConfigurableApplicationContext c) {
		return c.getBean(SimulationService.class);
	}

	static String trace(ConfigurableApplicationContext c, String id) {
		return c.getBean(JsonMapper.class).writeValueAsString(service(c).allEvents(id));
	}

	@Test
	void shouldShareOneJournalBetweenTwoInstances() {
		SimulationService sa = service(a);
		SimulationService sb = service(b);
		// the entries below go in as multi-row INSERTs (PostgresBatchedInserts)
		assertThat(
				((com.zaxxer.hikari.HikariDataSource) a.getBean(javax.sql.DataSource.class)).getDataSourceProperties())
			.containsEntry("reWriteBatchedInserts", "true");
		String id = sa.create(new SimulationSpec("linux", 42L, null, null, null, null, null, null, null, null, null))
			.id();
		sa.openPair(id, 80, null, false, true);
		sa.apply(id, 1, new PairEvent.Fault(Side.CLIENT, PairEvent.FaultAction.DROP, SegmentMatch.ACK, 1, 0, 0));
		sa.apply(id, 1, new PairEvent.Close(Side.CLIENT));

		// b does not hold it: rebuilds from the journal
		assertThat(b.getBean(SimulationRegistry.class).held(id)).isEmpty();
		assertThat(trace(b, id)).isEqualTo(trace(a, id));

		// a moves on; b's copy is now behind and b does not check: its append collides,
		// the copy is dropped, rebuilt, and the request applied on top of a's entries
		sa.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(50)));
		LiveSimulation stale = b.getBean(SimulationRegistry.class).held(id).orElseThrow();
		sb.apply(id, 1, new PairEvent.Close(Side.SERVER));
		assertThat(stale.isClosed()).isTrue();
		List<SimulationJournal.Entry> entries = b.getBean(SimulationJournal.class).entries(id);
		assertThat(entries).extracting(SimulationJournal.Entry::kind)
			.containsExactly("create", "pair", "event", "event", "clock", "event");

		// a checks before serving: its copy is behind, so it rebuilds
		sa.clock(id, new ClockCommand(null, null, null, new ClockAction.RunUntilIdle(600_000)));
		String both = trace(a, id);
		// b serves its (stale) copy: no check
		assertThat(trace(b, id)).isNotEqualTo(both);
		assertThat(both).isEqualTo(reference(sa));

		// a delete through one instance is gone for the other
		sa.delete(id);
		assertThatThrownBy(() -> sb.apply(id, 1, new PairEvent.Close(Side.SERVER)))
			.isInstanceOf(SimulationNotFoundException.class);
		assertThat(b.getBean(SimulationRegistry.class).held(id)).isEmpty();
	}

	// behind a proxy a simulation is often created on one instance and then owned by the
	// other: the creator's copies must not fill its limit once the other moved them on
	@Test
	void shouldDropCopiesOtherInstancesMovedOnWhenTheLimitIsReached() {
		String url = postgres.getJdbcUrl("postgres", "postgres");
		ConfigurableApplicationContext small = new SpringApplicationBuilder(TcplabApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + url, "--spring.main.banner-mode=off", "--logging.level.root=WARN",
					"--tcplab.budget.max-simulations-per-client=3");
		try {
			SimulationService creator = service(small);
			SimulationService owner = service(a);
			List<String> ids = new java.util.ArrayList<>();
			for (int i = 0; i < 3; i++) {
				ids.add(creator
					.create(new SimulationSpec("linux", 42L + i, null, null, null, null, null, null, null, null, null))
					.id());
			}
			// at its share a fourth create drops this client's least recently used copy
			// (issue 20) or is refused: never more than three in memory
			try {
				creator.create(new SimulationSpec("linux", 9L, null, null, null, null, null, null, null, null, null));
			}
			catch (LimitExceededException refused) {
				// every copy was in use
			}
			assertThat(small.getBean(SimulationRegistry.class).size()).isLessThanOrEqualTo(3);
			// the other instance takes two over (rebuild, then an append) and deletes one
			owner.openPair(ids.get(0), 80, null, false, true);
			owner.openPair(ids.get(1), 80, null, false, true);
			owner.delete(ids.get(2));
			String fourth = creator
				.create(new SimulationSpec("linux", 9L, null, null, null, null, null, null, null, null, null))
				.id();
			SimulationRegistry registry = small.getBean(SimulationRegistry.class);
			assertThat(registry.held(fourth)).isPresent();
			// the copies the other instance moved on are dropped; the one it deleted is
			// gone
			// for every request here (the freshness check), held or not
			assertThat(ids.subList(0, 2)).allMatch(id -> registry.held(id).isEmpty());
			assertThatThrownBy(() -> creator.snapshot(ids.get(2)))
				.isInstanceOf(dev.tcplab.simulation.SimulationNotFoundException.class);
			// the limit holds again: at most three copies of this client in memory,
			// whether
			// a create makes room by dropping an answered copy (issue 20) or is refused
			for (long seed = 10; seed < 13; seed++) {
				long s = seed;
				try {
					creator
						.create(new SimulationSpec("linux", s, null, null, null, null, null, null, null, null, null));
				}
				catch (LimitExceededException refused) {
					// the share is full of copies that cannot go yet
				}
			}
			assertThat(registry.size()).isLessThanOrEqualTo(3);
		}
		finally {
			small.close();
		}
	}

	/** The same requests on one instance, without any rebuild. */
	private String reference(SimulationService s) {
		String id = s.create(new SimulationSpec("linux", 42L, null, null, null, null, null, null, null, null, null))
			.id();
		s.openPair(id, 80, null, false, true);
		s.apply(id, 1, new PairEvent.Fault(Side.CLIENT, PairEvent.FaultAction.DROP, SegmentMatch.ACK, 1, 0, 0));
		s.apply(id, 1, new PairEvent.Close(Side.CLIENT));
		s.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(50)));
		s.apply(id, 1, new PairEvent.Close(Side.SERVER));
		s.clock(id, new ClockCommand(null, null, null, new ClockAction.RunUntilIdle(600_000)));
		String t = trace(a, id);
		s.delete(id);
		return t;
	}

	@Test
	void shouldKeepTheEmbeddedH2FileJournalAcrossARestart() throws Exception {
		Path dir = Files.createTempDirectory("tcplab-journal");
		// command-line arguments outrank the tests'
		// in-memory datasource (config/application.yaml)
		String[] args = { "--spring.datasource.url=jdbc:h2:file:" + dir + "/tcplab;WRITE_DELAY=0",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN" };
		String id;
		String before;
		try (ConfigurableApplicationContext first = new SpringApplicationBuilder(TcplabApplication.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			SimulationService s = service(first);
			id = s.create(new SimulationSpec("bsd", 9L, null, null, null, null, null, null, null, true, null)).id();
			s.openPair(id, 80, null, false, true);
			s.apply(id, 1, new PairEvent.Close(Side.CLIENT));
			s.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(120)));
			before = trace(first, id);
		}
		assertThat(dir.resolve("tcplab.mv.db")).exists();
		try (ConfigurableApplicationContext second = new SpringApplicationBuilder(TcplabApplication.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			assertThat(trace(second, id)).isEqualTo(before);
		}
	}

}
