package dev.tcplab.simulation;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.visitor.CurrentClient;
import dev.tcplab.engine.EngineVersion;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.json.VocabularyModule;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable record of every simulation: its creation request (entry 0) and every
 * accepted mutating request after it, each with its entry number, the virtual time (µs)
 * at which it was applied and the engine version that applied it. An entry is written
 * before the request touches the engine, and before the HTTP response; replaying the
 * entries in order ({@link SimulationRebuilder}) gives the same simulation, byte for
 * byte, with the same engine version.
 * <p>
 * The API other packages use (docs/operations.md "The journal API"):
 * <ul>
 * <li>{@link #record} appends an entry of a kind (a {@link JournalReplayer} bean replays
 * kinds this package does not know);</li>
 * <li>{@link #entries} reads them, {@link #delete} deletes a simulation's journal,
 * {@link #forget} makes a simulation memory-only;</li>
 * <li>{@link #keep} marks a simulation kept (shared): the long retention instead of the
 * short one for runs nobody kept;</li>
 * <li>{@link #usage} gives the disk use of a client and in total against the limits.</li>
 * </ul>
 * Appends are conditional: the primary key (simulation id, entry number) lets exactly one
 * instance append entry n. An instance whose append collides holds a stale copy: the copy
 * is dropped and {@link StaleCopyException} tells the caller to apply the request again
 * on a copy rebuilt from the journal. Concurrent appends share one transaction
 * ({@link JournalWriter}, group commit); a database outage opens a circuit
 * ({@link JournalCircuit}) so requests fail at once with 503 instead of waiting.
 */
@Component
public class SimulationJournal implements DisposableBean {

	private static final Log logger = LogFactory.getLog(SimulationJournal.class);

	static final String CREATE = "create";

	static final String PAIR = "pair";

	static final String EVENT = "event";

	static final String CLOCK = "clock";

	/** Bytes an entry costs beyond its payload (row, key and index), for the quotas. */
	static final int ENTRY_OVERHEAD = 64;

	/**
	 * An entry as stored; {@code engineVersion} 0 for entries written before versions
	 * were recorded.
	 */
	public record Entry(long entryNo, long virtualTimeMicros, String kind, String payload, long recordedAtMillis,
			int engineVersion) {
	}

	/**
	 * Journal bytes of one client and in total, with their limits (the disk quotas of
	 * docs/reliability.md).
	 */
	public record Usage(long clientBytes, long maxClientBytes, long totalBytes, long maxTotalBytes) {
	}

	/** Payload of a {@code pair} entry: the arguments of the pair creation. */
	record PairEntry(int serverPort, Integer clientPort, boolean clientReuseAddr, boolean establish) {
	}

	/**
	 * Payload of an {@code event} entry: the event the API accepted, for one pair, in the
	 * events route's own JSON ({@link VocabularyModule}).
	 */
	record EventEntry(int pairId, PairEvent event) {
	}

	private final JournalProperties properties;

	private final SimulationRegistry registry;

	private final CurrentClient currentClient;

	private final ObjectProvider<JdbcTemplate> jdbcProvider;

	private final ObjectProvider<PlatformTransactionManager> txProvider;

	private final JsonMapper mapper = JsonMapper.builder().addModule(VocabularyModule.withJournalV1Names()).build();

	private final Clock clock = Clock.systemUTC();

	private final JournalCircuit circuit;

	private final JournalDamage damage;

	private final JournalWriter writer;

	/** Journal bytes per client as last read, and when (for the quota on creation). */
	private final Map<String, long[]> clientUsage = new ConcurrentHashMap<>();

	private volatile long[] totalUsage = { 0, Long.MIN_VALUE };

	private volatile JdbcTemplate jdbc;

	private volatile TransactionTemplate tx;

	public SimulationJournal(JournalProperties properties, SimulationRegistry registry, CurrentClient currentClient,
			ObjectProvider<JdbcTemplate> jdbc, ObjectProvider<PlatformTransactionManager> tx,
			ObjectProvider<MeterRegistry> meters, JournalDamage damage) {
		this.properties = properties;
		this.registry = registry;
		this.currentClient = currentClient;
		this.jdbcProvider = jdbc;
		this.txProvider = tx;
		this.damage = damage;
		this.circuit = new JournalCircuit(properties.circuitFailures(), properties.circuitOpenFor());
		MeterRegistry m = meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new);
		this.writer = new JournalWriter(this::jdbc, this::tx, properties.maxBatch(), properties.commitDelay().toNanos(),
				circuit, m);
		Gauge.builder("tcplab.journal.circuit.open", circuit, c -> c.state() == JournalCircuit.State.CLOSED ? 0 : 1)
			.description("1 while the journal's circuit breaker refuses at once (database unreachable)")
			.register(m);
		Gauge.builder("tcplab.journal.queue", writer, JournalWriter::queued)
			.description("Journal operations waiting for the writer")
			.register(m);
		Gauge.builder("tcplab.journal.damaged", damage, d -> d.any() ? 1 : 0)
			.description("1 when damage was found in the journal (see /actuator/health, journal)")
			.register(m);
	}

	public boolean enabled() {
		return properties.enabled();
	}

	public JournalProperties properties() {
		return properties;
	}

	/** What is known to be damaged in this journal. */
	public JournalDamage damage() {
		return damage;
	}

	JournalCircuit circuit() {
		return circuit;
	}

	private JdbcTemplate jdbc() {
		JdbcTemplate j = jdbc;
		if (j == null) {
			j = jdbcProvider.getIfAvailable();
			if (j == null) {
				throw new IllegalStateException(
						"tcplab.journal.enabled is true but there is no DataSource (spring.datasource.url)");
			}
			jdbc = j;
		}
		return j;
	}

	private TransactionTemplate tx() {
		TransactionTemplate t = tx;
		if (t == null) {
			t = new TransactionTemplate(txProvider.getObject());
			tx = t;
		}
		return t;
	}

	String toJson(Object payload) {
		return mapper.writeValueAsString(payload);
	}

	public <T> T fromJson(String json, Class<T> type) {
		try {
			return mapper.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("unreadable journal entry: " + json, ex);
		}
	}

	/**
	 * Journals a new simulation's creation request (entry 0) for the current client,
	 * within the disk quotas, with {@code companion} (a row that refers to the
	 * simulation's, such as its ownership; may be null) in the same transaction. A
	 * rebuild records nothing.
	 * @throws LimitExceededException when the client's journal is full (429)
	 * @throws JournalFullException when the whole journal is full (507)
	 * @throws JournalUnavailableException when the database cannot be written
	 */
	void created(LiveSimulation live, SimulationSpec resolved, JournalWriter.Companion companion) {
		if (!enabled() || Rebuild.current() != null) {
			return;
		}
		String owner = currentClient.address();
		requireSpace(owner);
		String json = toJson(resolved);
		long now = clock.millis();
		long bytes = json.length() + ENTRY_OVERHEAD;
		await(new JournalWriter.Append(live.id(), 0, 0, CREATE, json, now, EngineVersion.BEHAVIOUR, owner, bytes,
				companion, new CompletableFuture<>()), "the simulation could not be journaled");
		clientUsage.computeIfPresent(owner, (k, v) -> new long[] { v[0] + bytes, v[1] });
		damage.noteData();
		live.withLock(s -> {
			s.journalState().next = 1;
			s.journalState().bytes += bytes; // a new simulation: nothing counted yet
			return null;
		});
	}

	/**
	 * Appends one accepted mutating request at the simulation's current virtual time. To
	 * be called with the simulation's lock held, after every check of the request and
	 * before the engine is changed. A rebuild records nothing.
	 * @throws StaleCopyException when another instance appended this entry number first
	 * (this copy is dropped)
	 * @throws SimulationNotFoundException when the simulation was deleted or expired
	 * meanwhile (this copy is dropped)
	 * @throws LimitExceededException when the simulation's journal is full (429
	 * {@code journalBytesPerSimulation}; nothing changed)
	 * @throws JournalUnavailableException when the database cannot be written (this copy
	 * is dropped: whether the entry was stored is unknown)
	 */
	public void record(LiveSimulation s, String kind, Object payload) {
		if (!enabled() || Rebuild.current() != null) {
			return;
		}
		LiveSimulation.JournalState counted = s.journalState();
		long n = counted.next;
		if (n == 0) {
			// registered without the service (tests, harnesses), or made memory-only
			return;
		}
		if (s.recordedTrace() != null) {
			throw new RecordedByOtherEngineException(s.id(), s.recordedBy());
		}
		String json = toJson(payload);
		long bytes = json.length() + ENTRY_OVERHEAD;
		long max = properties.maxBytesPerSimulation().toBytes();
		if (counted.bytes + bytes > max) {
			throw new LimitExceededException("journalBytesPerSimulation",
					"this simulation's journal is full (" + max / 1024
							+ " KiB, tcplab.journal.max-bytes-per-simulation); nothing was changed."
							+ " Create a new simulation to go on");
		}
		try {
			await(new JournalWriter.Append(s.id(), n, s.engine().nowMicros(), kind, json, clock.millis(),
					EngineVersion.BEHAVIOUR, null, bytes, null, new CompletableFuture<>()),
					"the request could not be journaled");
		}
		catch (DuplicateKeyException ex) {
			registry.discard(s, "moved");
			throw new StaleCopyException(s.id());
		}
		catch (DataIntegrityViolationException ex) {
			registry.discard(s, "deleted");
			throw new SimulationNotFoundException(s.id());
		}
		catch (JournalUnavailableException ex) {
			if (ex.maybeStored()) {
				// whether the entry was stored is unknown:
				// this copy may be behind its journal
				registry.discard(s, "journal unavailable");
			}
			throw ex;
		}
		counted.next = n + 1;
		counted.bytes += bytes;
	}

	/**
	 * Hands an operation to the group-commit writer and waits for it.
	 * @throws DataIntegrityViolationException as the database refused it
	 * @throws JournalUnavailableException when the database cannot be reached in time
	 */
	private void await(JournalWriter.Op op, String what) {
		circuit.acquireOrRefuse();
		CompletableFuture<Void> done = writer.submit(op);
		try {
			done.get(properties.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof DataIntegrityViolationException refused) {
				throw refused;
			}
			if (cause instanceof JournalUnavailableException unavailable) {
				throw unavailable;
			}
			throw new JournalUnavailableException(what + ": " + firstLine(cause), cause);
		}
		catch (TimeoutException ex) {
			circuit.failure(ex, false);
			throw new JournalUnavailableException(
					what + ": the database did not answer within " + properties.writeTimeout().toMillis() + " ms", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new JournalUnavailableException(what + ": interrupted", ex);
		}
	}

	private static String firstLine(Throwable t) {
		return String.valueOf(t.getMessage()).lines().findFirst().orElse(t.toString());
	}

	/**
	 * Queues a piece of the recorded trace, written behind the journal (nobody waits).
	 */
	void recordTrace(String id, long fromSeq, long toSeq, byte[] data) {
		if (!enabled() || circuit.state() == JournalCircuit.State.OPEN) {
			return;
		}
		try {
			writer.submit(new JournalWriter.Chunk(id, fromSeq, toSeq, EngineVersion.BEHAVIOUR, data,
					new CompletableFuture<>()));
		}
		catch (JournalUnavailableException full) {
			// written by a later flush
		}
	}

	/** A stored piece of a recorded trace. */
	record TraceChunk(long fromSeq, long toSeq, int engineVersion, byte[] data) {
	}

	/** The recorded trace of a simulation in order, as chunks. */
	List<TraceChunk> traceChunks(String id) {
		return read(() -> jdbc().query(
				"SELECT from_seq, to_seq, engine_version, data FROM tcplab_trace_chunk WHERE simulation_id = ?"
						+ " ORDER BY from_seq",
				(rs, i) -> new TraceChunk(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getBytes(4)), id), id);
	}

	/**
	 * Makes a simulation memory-only: its journal is deleted and nothing more is recorded
	 * (for runs that cannot be replayed, such as an authored scenario). To be called with
	 * its lock held.
	 */
	public void forget(LiveSimulation s) {
		if (!enabled() || Rebuild.current() != null || s.journalState().next == 0) {
			return;
		}
		delete(s.id());
		s.journalState().next = 0;
	}

	/**
	 * Marks a simulation kept (shared, or kept by its owner): it gets the long retention
	 * ({@code tcplab.journal.retention}) instead of the short one for runs nobody kept.
	 * @return false when it has no journal
	 */
	public boolean keep(String id) {
		if (!enabled()) {
			return false;
		}
		return write(() -> jdbc().update("UPDATE tcplab_simulation SET kept = TRUE WHERE id = ?", id) > 0,
				"the simulation could not be marked kept");
	}

	/** Whether a simulation is kept (false when it has no journal). */
	public boolean kept(String id) {
		if (!enabled()) {
			return false;
		}
		List<Boolean> k = read(
				() -> jdbc().queryForList("SELECT kept FROM tcplab_simulation WHERE id = ?", Boolean.class, id), id);
		return !k.isEmpty() && Boolean.TRUE.equals(k.get(0));
	}

	/**
	 * Journal bytes of {@code client} and in total, read now (with this instance's
	 * accounting written first).
	 */
	public Usage usage(String client) {
		writer.accountNow(ACCOUNT_WAIT_MILLIS);
		long mine = read(() -> jdbc().queryForObject(
				"SELECT COALESCE(SUM(bytes), 0) FROM tcplab_simulation WHERE owner = ?", Long.class, client), null);
		long total = read(
				() -> jdbc().queryForObject("SELECT COALESCE(SUM(bytes), 0) FROM tcplab_simulation", Long.class), null);
		long now = System.nanoTime();
		clientUsage.put(client, new long[] { mine, now });
		totalUsage = new long[] { total, now };
		return new Usage(mine, properties.maxBytesPerClient().toBytes(), total, properties.maxTotalBytes().toBytes());
	}

	/**
	 * How long a quota read (on a request's thread) waits for the writer to write the
	 * accounting: normally a few ms; a writer stuck on a database that just became
	 * unreachable must not add a second to the request's own wait (every route answers
	 * within 2 s in an outage).
	 */
	private static final long ACCOUNT_WAIT_MILLIS = 500;

	/** Usage read at most this long ago is trusted for the quota check on creation. */
	private static final long USAGE_FRESH_NANOS = TimeUnit.SECONDS.toNanos(5);

	private void requireSpace(String owner) {
		long now = System.nanoTime();
		long[] mine = clientUsage.get(owner);
		long[] total = totalUsage;
		if (mine == null || now - mine[1] > USAGE_FRESH_NANOS || now - total[1] > USAGE_FRESH_NANOS) {
			Usage u = usage(owner);
			mine = new long[] { u.clientBytes(), now };
			total = new long[] { u.totalBytes(), now };
		}
		if (total[0] >= properties.maxTotalBytes().toBytes()) {
			throw new JournalFullException("the journal is full (" + properties.maxTotalBytes().toMegabytes()
					+ " MB, tcplab.journal.max-total-bytes): no new simulation can be kept now."
					+ " Try again later; runs nobody kept expire after " + properties.unkeptRetention());
		}
		if (mine[0] >= properties.maxBytesPerClient().toBytes()) {
			throw new LimitExceededException("journalBytesPerClient",
					"your simulations fill " + mine[0] / (1024 * 1024) + " MiB of the journal (the limit per client is "
							+ properties.maxBytesPerClient().toMegabytes()
							+ " MB); delete simulations you no longer need"
							+ " (DELETE /api/simulations/{id}), or wait: runs nobody kept expire after "
							+ properties.unkeptRetention());
		}
	}

	/** Every entry of a simulation in order; empty when it has none. */
	public List<Entry> entries(String id) {
		return read(() -> jdbc().query(
				"SELECT entry_no, virtual_time_us, kind, payload, recorded_at, engine_version FROM tcplab_journal_entry"
						+ " WHERE simulation_id = ? ORDER BY entry_no",
				(rs, i) -> new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
						rs.getInt(6)),
				id), id);
	}

	/**
	 * The number of the last entry of a simulation, or -1 when it has none; read by the
	 * group-commit writer together with the other heads asked for meanwhile.
	 */
	long head(String id) {
		JournalWriter.Head head = new JournalWriter.Head(id, new long[1], new CompletableFuture<>());
		try {
			await(head, "the journal could not be read");
		}
		catch (JournalUnavailableException ex) {
			if (ex.getCause() != null && JournalDamage.isCorruption(ex.getCause())) {
				throw unreadable(id, ex.getCause());
			}
			throw ex;
		}
		return head.head()[0];
	}

	/**
	 * The number of the last entry of each of {@code ids} that has a journal (ids without
	 * one are absent from the answer), in batches of 500.
	 */
	Map<String, Long> heads(Collection<String> ids) {
		Map<String, Long> out = new HashMap<>();
		List<String> all = List.copyOf(ids);
		for (int from = 0; from < all.size(); from += 500) {
			List<String> batch = all.subList(from, Math.min(all.size(), from + 500));
			String marks = String.join(",", java.util.Collections.nCopies(batch.size(), "?"));
			read(() -> {
				jdbc().query("SELECT simulation_id, MAX(entry_no) FROM tcplab_journal_entry WHERE simulation_id IN ("
						+ marks + ") GROUP BY simulation_id", rs -> {
							out.put(rs.getString(1), rs.getLong(2));
						}, batch.toArray());
				return null;
			}, null);
		}
		return out;
	}

	/** Deletes a simulation's journal; false when there was none. */
	public boolean delete(String id) {
		if (!enabled()) {
			return false;
		}
		// through the group-commit writer: one transaction with concurrent appends
		JournalWriter.Delete delete = new JournalWriter.Delete(id, new AtomicBoolean(), new CompletableFuture<>());
		await(delete, "the simulation could not be deleted");
		return delete.found().get();
	}

	/**
	 * A read through the circuit breaker: an outage is 503 at once while the circuit is
	 * open; damage of one simulation's rows is 410 for that simulation.
	 */
	private <T> T read(Supplier<T> query, String simulationId) {
		return throughCircuit(query, ex -> {
			if (simulationId != null && JournalDamage.isCorruption(ex)) {
				return unreadable(simulationId, ex);
			}
			return new JournalUnavailableException("the journal could not be read: " + firstLine(ex), ex);
		});
	}

	/** 410 for a simulation whose rows the database file cannot give back. */
	private JournalDamagedException unreadable(String simulationId, Throwable corruption) {
		return damage.simulation(simulationId, "its rows cannot be read from the database file", corruption);
	}

	private <T> T write(Supplier<T> statement, String what) {
		return throughCircuit(statement, ex -> new JournalUnavailableException(what + ": " + firstLine(ex), ex));
	}

	/**
	 * Runs {@code statement} through the circuit breaker; a database failure is counted
	 * and answered with what {@code failed} makes of it.
	 */
	private <T> T throughCircuit(Supplier<T> statement, Function<DataAccessException, RuntimeException> failed) {
		boolean probe = circuit.acquire();
		try {
			T result = statement.get();
			circuit.success(probe);
			return result;
		}
		catch (DataAccessException ex) {
			circuit.failure(ex, probe);
			throw failed.apply(ex);
		}
		catch (RuntimeException ex) {
			// whatever it was, a probe of a half-open circuit is over
			circuit.failure(ex, probe);
			throw ex;
		}
	}

	/**
	 * Deletes every journal whose last entry is older than its retention (kept: {@code
	 * retention}; nobody kept it: {@code unkept-retention}), and drops this instance's
	 * copies of them. Other instances find out at their next lookup. One simulation that
	 * cannot be deleted (damaged rows) does not stop the others.
	 * @return the ids deleted
	 */
	@Scheduled(fixedDelayString = "${tcplab.journal.cleanup-interval:PT1H}")
	public List<String> deleteExpired() {
		if (!enabled()) {
			return List.of();
		}
		long now = clock.millis();
		return deleteOlderThan(now - properties.retention().toMillis(), now - properties.unkeptRetention().toMillis());
	}

	/** {@link #deleteExpired} with explicit cutoffs (epoch ms). */
	List<String> deleteOlderThan(long keptCutoff, long unkeptCutoff) {
		writer.accountNow(properties.writeTimeout().toMillis());
		List<String> expired;
		try {
			expired = jdbc().queryForList(
					"SELECT id FROM tcplab_simulation WHERE (kept AND last_at < ?) OR (NOT kept AND last_at < ?)",
					String.class, keptCutoff, unkeptCutoff);
		}
		catch (DataAccessException ex) {
			logger.error("journal cleanup could not list expired simulations", ex);
			return List.of();
		}
		List<String> deleted = new java.util.ArrayList<>();
		int failed = 0;
		for (String id : expired) {
			try {
				jdbc().update("DELETE FROM tcplab_simulation WHERE id = ?", id);
				deleted.add(id);
			}
			catch (DataAccessException ex) {
				failed++;
				if (JournalDamage.isCorruption(ex)) {
					damage.simulation(id, "it cannot be deleted from the database file", ex);
				}
				else if (failed == 1) {
					logger.warn("journal cleanup could not delete " + id + ": " + ex);
				}
			}
			registry.discard(id, "expired");
		}
		if (!deleted.isEmpty() || failed > 0) {
			logger.info("journal cleanup: deleted " + deleted.size() + " expired simulation journal(s)"
					+ (failed > 0 ? ", " + failed + " could not be deleted" : ""));
		}
		return deleted;
	}

	/**
	 * Writes the marker beside an H2 journal file: how many simulations it holds and the
	 * newest one's creation time (every trace flush and at shutdown).
	 */
	void noteContents() {
		if (!enabled() || !damage.hasMarker() || circuit.state() != JournalCircuit.State.CLOSED) {
			return;
		}
		try {
			jdbc().query("SELECT COUNT(*), COALESCE(MAX(created_at), 0) FROM tcplab_simulation", rs -> {
				damage.noteData(rs.getLong(1), rs.getLong(2));
			});
		}
		catch (DataAccessException ex) {
			logger.debug("could not read the journal's contents for its marker: " + ex);
		}
	}

	/**
	 * Waits until every queued write is done (at shutdown, before the database closes).
	 */
	void drain() {
		writer.drain();
		writer.accountNow(properties.writeTimeout().toMillis());
	}

	@Override
	public void destroy() {
		writer.stop();
	}

}
