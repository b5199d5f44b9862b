package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.EngineVersion;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TraceEvent;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Upgrades (issue 21; docs/decisions.md "Upgrades"): a simulation whose journal another
 * engine version wrote is rebuilt by this engine and compared with its recorded trace.
 * Where they agree it says so and goes on; where they differ it serves the recorded
 * trace, says so, and refuses changes (409), instead of silently showing another trace.
 * "Another engine version" is made by rewriting the stored entries' version, and "a
 * different trace" by storing a recording that differs in one event.
 */
class EngineUpgradeTest extends JournaledServiceTest {

	@Autowired
	JournalTraces traces;

	@Autowired
	JdbcTemplate jdbc;

	String recordedRun(long seed) {
		String id = linuxSimulation(seed);
		service.openPair(id, 80, null, false, true);
		service.apply(id, 1, new PairEvent.Close(Side.CLIENT));
		service.clock(id, new SimulationService.ClockCommand(null, null, null,
				new SimulationService.ClockAction.RunUntilIdle(300_000)));
		traces.flush(registry.get(id));
		journal.drain();
		assertThat(journal.traceChunks(id)).isNotEmpty();
		return id;
	}

	void writtenByVersion(String id, int version) {
		jdbc.update("UPDATE tcplab_journal_entry SET engine_version = ? WHERE simulation_id = ?", version, id);
		jdbc.update("UPDATE tcplab_trace_chunk SET engine_version = ? WHERE simulation_id = ?", version, id);
		assertThat(registry.discard(id, "evicted")).isTrue();
	}

	@Test
	void shouldSayWhenAnotherEngineVersionsRecordingIsReplayedUnchanged() {
		String id = recordedRun(11);
		String before = json.writeValueAsString(service.allEvents(id));
		writtenByVersion(id, EngineVersion.BEHAVIOUR + 1);

		SimulationService.Snapshot snap = service.snapshot(id);
		assertThat(snap.engine().recordedBy()).containsExactly(EngineVersion.BEHAVIOUR + 1);
		assertThat(snap.engine().traceMatchesRecording()).isTrue();
		assertThat(snap.engine().recordedTraceServed()).isFalse();
		assertThat(json.writeValueAsString(service.allEvents(id))).isEqualTo(before);
		// it goes on with this engine
		service.openPair(id, 81, null, false, true);
		assertThat(journal.entries(id)).last()
			.extracting(SimulationJournal.Entry::engineVersion)
			.isEqualTo(EngineVersion.BEHAVIOUR);
		service.delete(id);
	}

	@Test
	void shouldServeTheRecordedTraceWhenThisEngineReplaysItDifferently() {
		String id = recordedRun(12);
		List<TraceEvent> recorded = new ArrayList<>(service.allEvents(id));
		// the other engine's recording: its last event said something else
		TraceEvent last = recorded.remove(recorded.size() - 1);
		recorded.add(new TraceEvent.Note(last.seq(), last.timeMs(), last.pair(), null, "other-engine",
				"made by another engine version"));
		jdbc.update("UPDATE tcplab_trace_chunk SET data = ? WHERE simulation_id = ?", traces.encode(recorded), id);
		writtenByVersion(id, EngineVersion.BEHAVIOUR + 1);

		SimulationService.Snapshot snap = service.snapshot(id);
		assertThat(snap.engine().traceMatchesRecording()).isFalse();
		assertThat(snap.engine().recordedTraceServed()).isTrue();
		assertThat(json.writeValueAsString(service.allEvents(id))).isEqualTo(json.writeValueAsString(recorded));
		SimulationService.TraceSlice slice = service.trace(id, 0, null);
		assertThat(slice.engineVersion()).isEqualTo(EngineVersion.BEHAVIOUR + 1);
		assertThat(slice.nextSeq()).isEqualTo(last.seq() + 1);
		long entries = journal.entries(id).size();
		assertThatThrownBy(() -> service.openPair(id, 81, null, false, true))
			.isInstanceOf(RecordedByOtherEngineException.class)
			.hasMessageContaining("recorded by engine version");
		assertThat(journal.entries(id)).hasSize((int) entries);
		service.delete(id);
	}

}
