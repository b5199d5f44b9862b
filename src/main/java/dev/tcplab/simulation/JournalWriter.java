package dev.tcplab.simulation;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit (docs/performance.md "Journaling"): request threads hand their entries to
 * one writer thread and wait; the writer takes everything queued (up to {@code maxBatch})
 * and writes it in one transaction with JDBC batches, so concurrent requests share one
 * round trip and one commit. When a batch fails, its operations are written one by one,
 * so each request learns its own outcome (a duplicate entry number, a deleted simulation)
 * and the others are not refused with it. Trace chunks ride along in the same batches
 * without anyone waiting for them.
 * <p>
 * The accounting of {@code tcplab_simulation} (its {@code bytes} and {@code last_at}, for
 * the disk quotas and the retention) is not updated per batch: the writer sums what each
 * committed batch adds per simulation and writes the sums at most once per
 * {@link #ACCOUNT_EVERY_NANOS} (docs/decisions.md, "The journal's bookkeeping leaves the
 * request path"). An update of {@code last_at} cannot be a HOT update (the column is
 * indexed), so one per append cost PostgreSQL a new row version and three index entries
 * each time.
 */
final class JournalWriter {

	private static final Log logger = LogFactory.getLog(JournalWriter.class);

	static final String INSERT_SIMULATION = "INSERT INTO tcplab_simulation (id, created_at, owner, kept, bytes, last_at)"
			+ " VALUES (?, ?, ?, FALSE, ?, ?)";

	static final String INSERT_ENTRY = "INSERT INTO tcplab_journal_entry"
			+ " (simulation_id, entry_no, virtual_time_us, kind, payload, recorded_at, engine_version)"
			+ " VALUES (?, ?, ?, ?, ?, ?, ?)";

	static final String ACCOUNT = "UPDATE tcplab_simulation SET bytes = bytes + ?, last_at = GREATEST(last_at, ?)"
			+ " WHERE id = ?";

	static final String INSERT_CHUNK = "INSERT INTO tcplab_trace_chunk"
			+ " (simulation_id, from_seq, to_seq, engine_version, data) VALUES (?, ?, ?, ?, ?)";

	/** One thing to write. */
	sealed interface Op {

		CompletableFuture<Void> done();

	}

	/**
	 * An entry; with {@code owner} non-null also the simulation's row (entry 0), and then
	 * {@code companion} (if not null) in the same transaction, after that row.
	 */
	record Append(String simulationId, long entryNo, long virtualTimeMicros, String kind, String payload,
			long recordedAt, int engineVersion, String owner, long bytes, Companion companion,
			CompletableFuture<Void> done) implements Op {
	}

	/**
	 * A simulation's deletion (its entries, trace and owner row go with it: ON DELETE
	 * CASCADE); {@code found} tells, once done, whether it had a row.
	 */
	record Delete(String simulationId, AtomicBoolean found, CompletableFuture<Void> done) implements Op {
	}

	static final String DELETE_SIMULATION = "DELETE FROM tcplab_simulation WHERE id = ?";

	/**
	 * A read of a simulation's journal head: the number of its last entry in
	 * {@code head[0]} once done, -1 when it has none. The heads asked for while a batch
	 * is written are read together, with one statement, in the batch's transaction (after
	 * its writes): a read of its own cost PostgreSQL a round trip and a transaction per
	 * request (docs/performance.md, "2026-12-07 (night)").
	 */
	record Head(String simulationId, long[] head, CompletableFuture<Void> done) implements Op {
	}

	static final String HEADS = "SELECT simulation_id, MAX(entry_no) FROM tcplab_journal_entry"
			+ " WHERE simulation_id IN (%s) GROUP BY simulation_id";

	/**
	 * A request to write the accounting now (before the quotas are read); done once
	 * written. Only the writer thread writes the accounting, so this instance's
	 * transactions never lock the same simulation rows against each other.
	 */
	record Account(CompletableFuture<Void> done) implements Op {
	}

	/** A row written with a simulation's creation: one statement and its parameters. */
	record Companion(String sql, Object[] params) {
	}

	/** How long the accounting of a simulation may trail its entries. */
	static final long ACCOUNT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** A piece of the recorded trace; nobody waits for it. */
	record Chunk(String simulationId, long fromSeq, long toSeq, int engineVersion, byte[] data,
			CompletableFuture<Void> done) implements Op {
	}

	private final BlockingQueue<Op> queue = new ArrayBlockingQueue<>(20_000);

	private final Supplier<JdbcTemplate> jdbc;

	private final Supplier<TransactionTemplate> tx;

	private final int maxBatch;

	/**
	 * How long a batch gathers before it is written, when the batch before held more than
	 * one operation (tcplab.journal.commit-delay).
	 */
	private final long commitDelayNanos;

	/** Operations of the batch written last. */
	private int lastBatch;

	private final JournalCircuit circuit;

	private final Timer writeTimer;

	private final Counter bytesCounter;

	private final Counter entriesCounter;

	private final DistributionSummary batchSize;

	/**
	 * Committed but not yet accounted, per simulation: bytes added and the newest
	 * recorded_at (epoch ms).
	 */
	private final Map<String, long[]> unaccounted = new ConcurrentHashMap<>();

	private volatile long accountedAt = System.nanoTime();

	private volatile Thread thread;

	private volatile boolean stopped;

	JournalWriter(Supplier<JdbcTemplate> jdbc, Supplier<TransactionTemplate> tx, int maxBatch, long commitDelayNanos,
			JournalCircuit circuit, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.maxBatch = maxBatch;
		this.commitDelayNanos = commitDelayNanos;
		this.circuit = circuit;
		this.writeTimer = Timer.builder("tcplab.journal.write")
			.description("Time to write one batch of journal entries (one transaction)")
			.register(meters);
		this.bytesCounter = Counter.builder("tcplab.journal.bytes")
			.description("Journal bytes written (entries and recorded trace)")
			.baseUnit("bytes")
			.register(meters);
		this.entriesCounter = Counter.builder("tcplab.journal.entries")
			.description("Journal entries written")
			.register(meters);
		this.batchSize = DistributionSummary.builder("tcplab.journal.batch")
			.description("Operations per journal transaction (group commit)")
			.register(meters);
	}

	/**
	 * Queues an operation; its future completes when it is written (or fails).
	 * @throws JournalUnavailableException when the queue is full
	 */
	CompletableFuture<Void> submit(Op op) {
		start();
		if (!queue.offer(op)) {
			throw new JournalUnavailableException("the journal is behind (write queue full); retry in a moment", null);
		}
		return op.done();
	}

	int queued() {
		return queue.size();
	}

	private void start() {
		if (thread == null) {
			synchronized (this) {
				if (thread == null && !stopped) {
					Thread t = new Thread(this::run, "journal-writer");
					t.setDaemon(true);
					t.start();
					thread = t;
				}
			}
		}
	}

	/** Waits until everything queued is written (at most 5 s). */
	void drain() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (thread != null && !queue.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
	}

	/** Lets the queue drain, then stops the writer. */
	void stop() {
		drain();
		accountNow(5000);
		stopped = true;
		Thread t = thread;
		if (t != null) {
			t.interrupt();
		}
	}

	private void run() {
		List<Op> batch = new ArrayList<>(maxBatch);
		List<Account> asked = new ArrayList<>();
		while (!stopped) {
			try {
				Op first = queue.poll(ACCOUNT_EVERY_NANOS / 4, TimeUnit.NANOSECONDS);
				if (first != null) {
					if (commitDelayNanos > 0 && lastBatch > 1) {
						// group commit: requests are arriving together, so let the
						// batch gather (a lone request is written at once)
						LockSupport.parkNanos(commitDelayNanos);
					}
					batch.add(first);
					queue.drainTo(batch, maxBatch - 1);
					batch.removeIf(op -> op instanceof Account a && asked.add(a));
					lastBatch = batch.size();
				}
				boolean due = !asked.isEmpty() || System.nanoTime() - accountedAt >= ACCOUNT_EVERY_NANOS;
				if (!batch.isEmpty()) {
					// when due, the accounting rides in the batch's transaction: never a
					// transaction of its own that the batch would wait behind
					write(batch, due);
				}
				else if (due) {
					account();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException | Error ex) {
				logger.error("journal writer failed on a batch of " + batch.size(), ex);
				batch.forEach(op -> op.done().completeExceptionally(ex));
			}
			finally {
				// a reader that asked for the accounting goes on with what is written,
				// even when the batch failed
				asked.forEach(a -> a.done().complete(null));
				asked.clear();
				batch.clear();
			}
		}
		// stopping: whoever still waits learns it at once
		failQueued(new JournalUnavailableException("the instance is stopping", null));
	}

	private void write(List<Op> batch, boolean withAccounting) {
		boolean probe;
		try {
			probe = circuit.acquire();
		}
		catch (JournalUnavailableException open) {
			batch.forEach(op -> op.done().completeExceptionally(open));
			return;
		}
		long t0 = System.nanoTime();
		Map<String, long[]> accounts = withAccounting ? takeUnaccounted() : Map.of();
		boolean accounted = false;
		try {
			tx.get().executeWithoutResult(status -> {
				writeAll(batch);
				writeAccounts(accounts);
			});
			accounted = true;
			accountedAt = System.nanoTime();
			circuit.success(probe);
			committed(batch);
			batch.forEach(op -> op.done().complete(null));
		}
		catch (DataAccessException | org.springframework.transaction.TransactionException ex) {
			boolean outage = circuit.failure(ex, probe);
			if (outage || batch.size() == 1) {
				// the database is out of reach (or this was
				// the only operation): same answer for all
				batch.forEach(op -> op.done().completeExceptionally(ex));
				if (outage && System.nanoTime() - t0 >= SLOW_OUTAGE_NANOS) {
					failQueued(ex);
				}
				return;
			}
			// one operation refused (a duplicate, a deleted simulation): each on its own
			for (Op op : batch) {
				try {
					tx.get().executeWithoutResult(status -> writeAll(List.of(op)));
					committed(List.of(op));
					op.done().complete(null);
				}
				catch (RuntimeException single) {
					op.done().completeExceptionally(single);
				}
			}
		}
		catch (RuntimeException ex) {
			circuit.failure(ex, probe);
			throw ex;
		}
		finally {
			if (!accounted) {
				// not written: the next batch takes them
				accounts.forEach((id, acc) -> unaccounted(id, acc[0], acc[1]));
			}
			writeTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
			batchSize.record(batch.size());
		}
	}

	/**
	 * A batch that took this long to find the database out of reach: the operations
	 * queued meanwhile fail with it instead of waiting for a batch of their own to fail
	 * the same way. Behind two such batches a request waited twice the connection timeout
	 * (1 s), over the 2 s in which every route must answer while the database is down
	 * (docs/operations.md, "Database outage").
	 */
	static final long SLOW_OUTAGE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	/**
	 * Fails what is queued now with {@code cause} (an outage, or the instance stopping);
	 * an accounting request goes on with what is written.
	 */
	private void failQueued(Throwable outage) {
		List<Op> queued = new ArrayList<>();
		queue.drainTo(queued);
		for (Op op : queued) {
			if (op instanceof Account) {
				op.done().complete(null);
			}
			else {
				op.done().completeExceptionally(outage);
			}
		}
	}

	/**
	 * Counts a committed batch: the meters, and what the simulations' rows do not show
	 * yet (a creation's row was written with its bytes).
	 */
	private void committed(List<Op> batch) {
		long bytes = 0;
		long entries = 0;
		for (Op op : batch) {
			if (op instanceof Append a) {
				bytes += a.bytes();
				entries++;
				if (a.owner() == null) {
					unaccounted(a.simulationId(), a.bytes(), a.recordedAt());
				}
			}
			else if (op instanceof Chunk c) {
				bytes += c.data().length;
				unaccounted(c.simulationId(), c.data().length, 0);
			}
			else if (op instanceof Delete d) {
				forget(d.simulationId());
			}
		}
		bytesCounter.increment(bytes);
		entriesCounter.increment(entries);
	}

	private void unaccounted(String id, long bytes, long at) {
		unaccounted.merge(id, new long[] { bytes, at }, (a, b) -> new long[] { a[0] + b[0], Math.max(a[1], b[1]) });
	}

	/**
	 * Writes the accounting that trails the entries, in the order of the ids (the writer
	 * thread, every {@link #ACCOUNT_EVERY_NANOS} and when an {@link Account} asks). What
	 * cannot be written now stays for the next time.
	 */
	private void account() {
		accountedAt = System.nanoTime();
		if (unaccounted.isEmpty() || circuit.state() == JournalCircuit.State.OPEN) {
			// nothing to write, or the database is out of reach: next time
			return;
		}
		Map<String, long[]> taken = takeUnaccounted();
		try {
			tx.get().executeWithoutResult(status -> writeAccounts(taken));
		}
		catch (RuntimeException ex) {
			logger.debug("journal accounting deferred: " + ex);
			taken.forEach((id, acc) -> unaccounted(id, acc[0], acc[1]));
		}
	}

	/** What is not accounted yet, taken out, in the order of the ids. */
	private Map<String, long[]> takeUnaccounted() {
		Map<String, long[]> taken = new TreeMap<>();
		for (String id : List.copyOf(unaccounted.keySet())) {
			long[] acc = unaccounted.remove(id);
			if (acc != null) {
				taken.put(id, acc);
			}
		}
		return taken;
	}

	private void writeAccounts(Map<String, long[]> accounts) {
		if (!accounts.isEmpty()) {
			List<Object[]> updates = new ArrayList<>(accounts.size());
			accounts.forEach((id, acc) -> updates.add(new Object[] { acc[0], acc[1], id }));
			jdbc.get().batchUpdate(ACCOUNT, updates);
		}
	}

	/**
	 * Has the writer write the accounting now and waits for it (at most
	 * {@code timeoutMillis}; after that the reader goes on with what is written).
	 */
	void accountNow(long timeoutMillis) {
		if (thread == null || circuit.state() != JournalCircuit.State.CLOSED) {
			// nothing was written, or the database is out of reach: the reader goes on
			// with what is written (its own read then fails at once or answers)
			return;
		}
		try {
			submit(new Account(new CompletableFuture<>())).get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | JournalUnavailableException ex) {
			logger.debug("journal accounting not written in time: " + ex);
		}
	}

	/** Drops what is not accounted yet for a simulation whose journal was deleted. */
	void forget(String id) {
		unaccounted.remove(id);
	}

	private void writeAll(List<Op> batch) {
		List<Object[]> simulations = new ArrayList<>();
		List<Object[]> entries = new ArrayList<>();
		Map<String, List<Object[]>> companions = new LinkedHashMap<>();
		List<Object[]> chunks = new ArrayList<>();
		List<Delete> deletes = new ArrayList<>();
		Map<String, List<Head>> heads = new TreeMap<>();
		for (Op op : batch) {
			if (op instanceof Append a) {
				if (a.owner() != null) {
					simulations
						.add(new Object[] { a.simulationId(), a.recordedAt(), a.owner(), a.bytes(), a.recordedAt() });
					if (a.companion() != null) {
						companions.computeIfAbsent(a.companion().sql(), k -> new ArrayList<>())
							.add(a.companion().params());
					}
				}
				entries.add(new Object[] { a.simulationId(), a.entryNo(), a.virtualTimeMicros(), a.kind(), a.payload(),
						a.recordedAt(), a.engineVersion() });
			}
			else if (op instanceof Chunk c) {
				chunks.add(new Object[] { c.simulationId(), c.fromSeq(), c.toSeq(), c.engineVersion(), c.data() });
			}
			else if (op instanceof Delete d) {
				deletes.add(d);
			}
			else if (op instanceof Head h) {
				heads.computeIfAbsent(h.simulationId(), k -> new ArrayList<>()).add(h);
			}
		}
		JdbcTemplate j = jdbc.get();
		if (!simulations.isEmpty()) {
			j.batchUpdate(INSERT_SIMULATION, simulations);
		}
		companions.forEach(j::batchUpdate);
		if (!entries.isEmpty()) {
			j.batchUpdate(INSERT_ENTRY, entries);
		}
		if (!chunks.isEmpty()) {
			j.batchUpdate(INSERT_CHUNK, chunks);
		}
		if (!deletes.isEmpty()) {
			// in the order of the ids, as the accounting: two transactions lock rows
			// alike
			deletes.sort(Comparator.comparing(Delete::simulationId));
			int[] deleted = j.batchUpdate(DELETE_SIMULATION,
					deletes.stream().map(d -> new Object[] { d.simulationId() }).toList());
			for (int i = 0; i < deleted.length; i++) {
				deletes.get(i).found().set(deleted[i] > 0 || deleted[i] == Statement.SUCCESS_NO_INFO);
			}
		}
		if (!heads.isEmpty()) {
			heads.values().forEach(asked -> asked.forEach(h -> h.head()[0] = -1));
			String marks = String.join(",", Collections.nCopies(heads.size(), "?"));
			j.query(HEADS.formatted(marks), rs -> {
				long head = rs.getLong(2);
				heads.get(rs.getString(1)).forEach(h -> h.head()[0] = head);
			}, heads.keySet().toArray());
		}
	}

}
