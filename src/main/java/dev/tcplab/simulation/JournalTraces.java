package dev.tcplab.simulation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.engine.EngineVersion;
import dev.tcplab.engine.TraceEvent;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The recorded trace (docs/decisions.md "Upgrades"): the trace events of every journaled
 * simulation are written behind the journal in gzip chunks, every
 * {@code tcplab.journal.trace-flush-interval} and at shutdown, off the request path. A
 * simulation rebuilt from entries that another engine version wrote compares its replay
 * with these chunks: equal, it says so; different, it serves the recorded trace and is
 * read-only. Within one engine version the chunks are never read (the replay is
 * byte-identical by construction).
 */
@Component
class JournalTraces implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JournalTraces.class);

	private static final TypeReference<List<TraceEvent>> EVENTS = new TypeReference<>() {
	};

	private final SimulationJournal journal;

	private final SimulationRegistry registry;

	private final ObjectProvider<JsonMapper> mapperProvider;

	private volatile boolean running;

	JournalTraces(SimulationJournal journal, SimulationRegistry registry, ObjectProvider<JsonMapper> mapper) {
		this.journal = journal;
		this.registry = registry;
		this.mapperProvider = mapper;
	}

	private JsonMapper mapper() {
		return mapperProvider.getObject();
	}

	/** Writes the unwritten part of every held simulation's trace. */
	@Scheduled(fixedDelayString = "${tcplab.journal.trace-flush-interval:PT60S}",
			initialDelayString = "${tcplab.journal.trace-flush-interval:PT60S}")
	void flushAll() {
		if (!journal.enabled()) {
			return;
		}
		for (LiveSimulation s : registry.all()) {
			try {
				flush(s);
			}
			catch (SimulationNotFoundException closed) {
				// gone meanwhile
			}
			catch (RuntimeException ex) {
				logger.warn("could not write the recorded trace of " + s.id() + ": " + ex);
			}
		}
		journal.noteContents();
	}

	/** Queues the part of the trace of {@code s} that is not written yet. */
	void flush(LiveSimulation s) {
		long max = journal.properties().maxBytesPerSimulation().toBytes();
		record Piece(long from, long to, List<TraceEvent> events) {
		}
		// housekeeping, not a use: a left page's deferred delete and the idle eviction go
		// on
		Piece piece = s.withLockUnused(c -> {
			LiveSimulation.JournalState counted = c.journalState();
			if (counted.next == 0 || c.recordedTrace() != null || counted.bytes >= max) {
				return null;
			}
			long from = Math.max(counted.traceStoredTo, c.engine().oldestSeq());
			long to = c.engine().nextSeq();
			if (to <= from) {
				return null;
			}
			counted.traceStoredTo = to;
			return new Piece(from, to, c.engine().eventsSince(from));
		});
		if (piece == null) {
			return;
		}
		byte[] data = encode(piece.events());
		s.withLockUnused(c -> {
			c.journalState().bytes += data.length;
			return null;
		});
		journal.recordTrace(s.id(), piece.from(), piece.to(), data);
	}

	/**
	 * After a rebuild (lock held): where the entries were written by other engine
	 * versions, compare this engine's trace with the recorded one.
	 */
	void afterRebuild(LiveSimulation s, List<SimulationJournal.Entry> entries) {
		SortedSet<Integer> versions = new TreeSet<>();
		entries.forEach(e -> versions.add(e.engineVersion()));
		List<SimulationJournal.TraceChunk> chunks = null;
		if (versions.size() == 1 && versions.first() == EngineVersion.BEHAVIOUR) {
			// the same engine: the trace is the recorded
			// one; write on from where it stands
			s.journalState().traceStoredTo = storedTo(s.id());
			return;
		}
		chunks = journal.traceChunks(s.id());
		long storedTo = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).toSeq();
		s.journalState().traceStoredTo = Long.MAX_VALUE;
		if (chunks.isEmpty()) {
			s.rebuiltByAnotherEngine(versions, null, null);
			logger.info("simulation " + s.id() + " was recorded by engine version " + versions
					+ " and has no recorded trace to compare with; serving this engine's replay");
			return;
		}
		List<TraceEvent> recorded = new ArrayList<>();
		for (SimulationJournal.TraceChunk c : chunks) {
			recorded.addAll(decode(c.data()));
		}
		List<TraceEvent> replayed = s.engine().eventsSince(recorded.isEmpty() ? 0 : recorded.get(0).seq());
		List<TraceEvent> comparable = replayed.stream().filter(e -> e.seq() < storedTo).toList();
		boolean same = mapper().writerFor(EVENTS)
			.writeValueAsString(comparable)
			.equals(mapper().writerFor(EVENTS).writeValueAsString(recorded));
		if (same) {
			s.rebuiltByAnotherEngine(versions, true, null);
		}
		else {
			s.rebuiltByAnotherEngine(versions, false, List.copyOf(recorded));
			logger.warn("simulation " + s.id() + " was recorded by engine version " + versions + "; engine version "
					+ EngineVersion.BEHAVIOUR + " replays it differently: serving its recorded trace (read-only)");
		}
	}

	private long storedTo(String id) {
		List<SimulationJournal.TraceChunk> chunks = journal.traceChunks(id);
		return chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).toSeq();
	}

	byte[] encode(List<TraceEvent> events) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
			gz.write(mapper().writerFor(EVENTS).writeValueAsBytes(events));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	List<TraceEvent> decode(byte[] data) {
		try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
			return mapper().readValue(gz.readAllBytes(), EVENTS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void start() {
		running = true;
	}

	/** At shutdown: the unwritten traces go to the journal before the writer stops. */
	@Override
	public void stop() {
		if (running) {
			running = false;
			flushAll();
			journal.drain();
			journal.noteContents();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		// after the web server's graceful shutdown
		// (DEFAULT_PHASE - 1024): no request changes a trace any more
		return SmartLifecycle.DEFAULT_PHASE - 1500;
	}

}
