package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TcpFlag;
import dev.tcplab.export.PcapWriter;
import dev.tcplab.scenario.Scenario;
import dev.tcplab.scenario.ScenarioRunner;
import dev.tcplab.simulation.SimulationService.ClockAction;
import dev.tcplab.simulation.SimulationService.ClockCommand;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 16: a simulation rebuilt from its journal (creation request + accepted mutating
 * requests, each applied at its recorded virtual time) has a byte-identical trace: for
 * every built-in scenario and for random request sequences. Journal in in-memory H2 (test
 * config).
 */
class JournalReplayTest extends JournaledServiceTest {

	@Autowired
	ScenarioRunner scenarios;

	/** Trace (JSON, as the API writes it), pcap and simulation view of a simulation. */
	record Image(String trace, byte[] pcap, String view) {
	}

	Image image(String id) {
		var events = service.allEvents(id);
		var snap = service.snapshot(id);
		return new Image(json.writeValueAsString(events), PcapWriter.write(events), json.writeValueAsString(snap));
	}

	/** Drops the in-memory copy (as idle eviction does); the next lookup rebuilds. */
	void evict(String id) {
		assertThat(registry.discard(id, "evicted")).isTrue();
		assertThat(registry.held(id)).isEmpty();
	}

	@Test
	void shouldRebuildEveryBuiltInScenarioByteIdentical() {
		for (Scenario sc : scenarios.scenarios()) {
			for (String profile : List.of("linux", "bsd")) {
				var run = scenarios.run(sc.name(), profile, 7L);
				String id = run.simulationId();
				Image before = image(id);
				assertThat(journal.entries(id)).extracting(SimulationJournal.Entry::kind)
					.containsExactly("create", "scenario");
				evict(id);
				Image after = image(id);
				assertThat(after.trace()).as(sc.name() + "/" + profile).isEqualTo(before.trace());
				assertThat(after.pcap()).as(sc.name() + "/" + profile).isEqualTo(before.pcap());
				assertThat(after.view()).as(sc.name() + "/" + profile).isEqualTo(before.view());
				service.delete(id);
			}
			// a run stopped early (untilStep) is journaled with where it stopped
			var partial = scenarios.run(sc.name(), "linux", 8L, 1);
			Image before = image(partial.simulationId());
			evict(partial.simulationId());
			assertThat(image(partial.simulationId())).as(sc.name() + " untilStep 1")
				.usingRecursiveComparison()
				.isEqualTo(before);
			service.delete(partial.simulationId());
		}
	}

	@Test
	@org.junit.jupiter.api.Timeout(300)
	void shouldRebuildRandomRequestSequencesByteIdentical() {
		String[] profiles = { "linux", "rfc9293", "bsd", "windows" };
		for (int seed = 1; seed <= 12; seed++) {
			Random rnd = new Random(seed);
			String id = service
				.create(new SimulationSpec(profiles[seed % 4], (long) seed, rnd.nextBoolean() ? 1.0 : 10.0, null, null,
						seed % 3 == 0 ? Map.of("timeWaitMs", 2000) : null, null, null, null, rnd.nextBoolean(), null))
				.id();
			int applied = 0;
			for (int op = 0; op < 30; op++) {
				try {
					randomRequest(id, rnd);
					applied++;
				}
				catch (RuntimeException refused) {
					// refusals (EADDRINUSE, unknown pair, ...) are part of the sequence
				}
			}
			Image before = image(id);
			List<SimulationJournal.Entry> entries = journal.entries(id);
			assertThat(entries.size()).as("seed " + seed).isGreaterThanOrEqualTo(1 + applied);
			for (int i = 0; i < entries.size(); i++) {
				assertThat(entries.get(i).entryNo()).isEqualTo(i);
				if (i > 0) {
					assertThat(entries.get(i).virtualTimeMicros())
						.isGreaterThanOrEqualTo(entries.get(i - 1).virtualTimeMicros());
				}
			}
			evict(id);
			Image after = image(id);
			assertThat(after.trace()).as("seed " + seed).isEqualTo(before.trace());
			assertThat(after.pcap()).as("seed " + seed).isEqualTo(before.pcap());
			assertThat(after.view()).as("seed " + seed).isEqualTo(before.view());
			// the rebuilt copy goes on journaling where the old one stopped
			service.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(250)));
			assertThat(journal.entries(id)).hasSize(entries.size() + 1);
			Image continued = image(id);
			evict(id);
			assertThat(image(id)).usingRecursiveComparison().isEqualTo(continued);
			service.delete(id);
		}
	}

	private void randomRequest(String id, Random rnd) {
		int pairs = service.snapshot(id).view().pairs().size();
		int pair = 1 + rnd.nextInt(pairs + 1);
		Side side = rnd.nextBoolean() ? Side.CLIENT : Side.SERVER;
		switch (rnd.nextInt(10)) {
			case 0 -> service.openPair(id, rnd.nextBoolean() ? 80 : 443, rnd.nextInt(4) == 0 ? 1500 : null,
					rnd.nextBoolean(), rnd.nextInt(5) != 0);
			case 1, 2 -> service.apply(id, pair, switch (rnd.nextInt(8)) {
				case 0 -> new PairEvent.Close(side);
				case 1 -> new PairEvent.Shutdown(side, rnd.nextBoolean() ? "SHUT_WR" : "SHUT_RDWR");
				case 2 -> new PairEvent.Send(side, 1 + rnd.nextInt(3000));
				case 3 -> new PairEvent.Recv(side, rnd.nextBoolean() ? null : 100);
				case 4 -> new PairEvent.Abort(side);
				case 5 -> new PairEvent.SetLinger(side, 1, rnd.nextInt(2));
				case 6 -> new PairEvent.SetReuseAddr(side, rnd.nextBoolean());
				default -> new PairEvent.Close(side);
			});
			case 3, 4 -> {
				FaultAction action = FaultAction.values()[rnd.nextInt(4)];
				service.apply(id, pair,
						new PairEvent.Fault(side, action,
								SegmentMatch.values()[rnd.nextInt(SegmentMatch.values().length)], 1 + rnd.nextInt(2),
								rnd.nextInt(2), action == FaultAction.DELAY ? 50 + rnd.nextInt(500) : 0));
			}
			case 5 -> service.apply(id, pair,
					rnd.nextBoolean() ? new PairEvent.Release(side) : new PairEvent.ResendFin(side));
			case 6 -> service.apply(id, pair, new PairEvent.Inject(side,
					rnd.nextBoolean() ? List.of(TcpFlag.FIN, TcpFlag.ACK) : List.of(TcpFlag.RST), null, null, 0));
			case 7, 8 ->
				service.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(rnd.nextInt(4000) / 4.0)));
			default -> service.clock(id, switch (rnd.nextInt(4)) {
				case 0 -> new ClockCommand(null, null, null, new ClockAction.Step());
				case 1 -> new ClockCommand(null, null, null, new ClockAction.RunUntilIdle(1 + rnd.nextInt(20_000)));
				case 2 -> new ClockCommand(null, rnd.nextBoolean(), 0.5 + rnd.nextInt(4), null);
				default -> new ClockCommand(ClockMode.MANUAL, null, null, new ClockAction.Advance(0.5));
			});
		}
	}

	@Test
	void shouldRestorePauseSpeedAndClockMode() {
		String id = service
			.create(new SimulationSpec("linux", 3L, null, "realtime", 2.0, null, null, null, null, null, null))
			.id();
		service.clock(id, new ClockCommand(null, true, 7.5, null));
		evict(id);
		var snap = service.snapshot(id);
		assertThat(snap.clock()).isEqualTo(ClockMode.REALTIME);
		assertThat(snap.paused()).isTrue();
		assertThat(snap.speed()).isEqualTo(7.5);
		service.delete(id);
	}

	/**
	 * A realtime rebuild restores the simulation as of its last journal entry: the
	 * virtual time that passed after it is not caught up, but nothing was applied after
	 * it, so the clock running on regenerates the very same events.
	 */
	@Test
	void shouldRestoreTheLastEntryInARealtimeRebuildAndLetTheClockRegenerateTheRest() throws Exception {
		String id = service
			.create(new SimulationSpec("linux", 11L, null, "realtime", 20.0, Map.of("timeWaitMs", 4000), null, null,
					null, true, null))
			.id();
		service.openPair(id, 80, null, false, true);
		service.apply(id, 1, new PairEvent.Close(Side.CLIENT));
		service.apply(id, 1, new PairEvent.Close(Side.SERVER));
		long lastEntryUs = journal.entries(id).get(3).virtualTimeMicros();
		Thread.sleep(400); // ~8 s virtual at speed 20: TIME_WAIT (4 s) expires
		List<String> original = events(id);
		long nowBefore = registry.get(id).withLock(s -> s.engine().nowMicros());
		assertThat(nowBefore).isGreaterThan(lastEntryUs + 4_000_000);
		evict(id);
		long nowAfter = registry.get(id).withLock(s -> s.engine().nowMicros());
		assertThat(nowAfter).isLessThan(nowBefore);
		List<String> rebuilt = events(id);
		assertThat(original.subList(0, Math.min(rebuilt.size(), original.size())))
			.isEqualTo(rebuilt.subList(0, Math.min(rebuilt.size(), original.size())));
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (events(id).size() < original.size() && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(events(id).subList(0, original.size())).isEqualTo(original);
		service.delete(id);
	}

	private List<String> events(String id) {
		List<String> out = new ArrayList<>();
		for (var e : service.allEvents(id)) {
			out.add(json.writeValueAsString(e));
		}
		return out;
	}

	@Test
	void shouldRemoveTheJournalOnDeleteAndExpireItAfterRetention() throws InterruptedException {
		String id = linuxSimulation(1L);
		service.openPair(id, 80, null, false, true);
		service.delete(id);
		assertThat(journal.entries(id)).isEmpty();
		assertThatThrownBy(() -> service.snapshot(id)).isInstanceOf(SimulationNotFoundException.class);
		assertThatThrownBy(() -> service.delete(id)).isInstanceOf(SimulationNotFoundException.class);

		String kept = linuxSimulation(1L);
		String old = linuxSimulation(2L);
		Thread.sleep(5);
		long cutoff = System.currentTimeMillis();
		Thread.sleep(5);
		service.openPair(kept, 80, null, false, true); // a later entry keeps it
		assertThat(journal.deleteOlderThan(cutoff, cutoff)).contains(old).doesNotContain(kept);
		assertThat(registry.held(old)).isEmpty();
		assertThatThrownBy(() -> service.snapshot(old)).isInstanceOf(SimulationNotFoundException.class);
		assertThat(service.snapshot(kept).view().pairs()).hasSize(1);
		service.delete(kept);
	}

	// issue 20: runs nobody kept expire after the short
	// retention, kept (shared) ones after the long one
	@Test
	void shouldExpireRunsNobodyKeptSoonerThanKeptOnes() throws InterruptedException {
		String unkept = linuxSimulation(3L);
		String shared = linuxSimulation(4L);
		assertThat(journal.keep(shared)).isTrue();
		assertThat(journal.kept(shared)).isTrue();
		assertThat(journal.kept(unkept)).isFalse();
		Thread.sleep(5);
		long now = System.currentTimeMillis();
		// the short retention has passed for both, the long one for neither
		assertThat(journal.deleteOlderThan(now - 60_000, now)).contains(unkept).doesNotContain(shared);
		assertThat(journal.entries(shared)).hasSize(1);
		assertThat(journal.usage("local").clientBytes()).isPositive();
		service.delete(shared);
	}

	@Test
	void shouldJournalARefusedRequestAndRefuseItAgainOnReplay() {
		String id = linuxSimulation(5L);
		service.openPair(id, 80, 1500, false, true);
		// the engine refuses a second pair on the same pinned port (EADDRINUSE) after the
		// entry was written
		assertThatThrownBy(() -> service.openPair(id, 80, 1500, false, true))
			.isInstanceOf(dev.tcplab.engine.EngineException.class);
		assertThat(journal.entries(id)).hasSize(3);
		Image before = image(id);
		evict(id);
		assertThat(image(id)).usingRecursiveComparison().isEqualTo(before);
		assertThat(service.snapshot(id).view().pairs()).hasSize(1);
		service.delete(id);
	}

}
