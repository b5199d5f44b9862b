package dev.tcplab.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

	/** An entry; with {@code owner} non-null also the simulation's row (entry 0). */
	record Append(String simulationId, long entryNo, long virtualTimeMicros, String kind, String payload,
			long recordedAt, int engineVersion, String owner, long bytes, CompletableFuture<Void> done) implements Op {
	}

	/** A piece of the recorded trace; nobody waits for it. */
	record Chunk(String simulationId, long fromSeq, long toSeq, int engineVersion, byte[] data,
			CompletableFuture<Void> done) implements Op {
	}

	private final BlockingQueue<Op> queue = new ArrayBlockingQueue<>(20_000);

	private final Supplier<JdbcTemplate> jdbc;

	private final Supplier<TransactionTemplate> tx;

	private final int maxBatch;

	private final JournalCircuit circuit;

	private final Timer writeTimer;

	private final Counter bytesCounter;

	private final Counter entriesCounter;

	private final DistributionSummary batchSize;

	private volatile Thread thread;

	private volatile boolean stopped;

	JournalWriter(Supplier<JdbcTemplate> jdbc, Supplier<TransactionTemplate> tx, int maxBatch, JournalCircuit circuit,
			MeterRegistry meters) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.maxBatch = maxBatch;
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
		stopped = true;
		Thread t = thread;
		if (t != null) {
			t.interrupt();
		}
	}

	private void run() {
		List<Op> batch = new ArrayList<>(maxBatch);
		while (!stopped) {
			try {
				Op first = queue.poll(1, TimeUnit.SECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, maxBatch - 1);
				write(batch);
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
				batch.clear();
			}
		}
		// stopping: whoever still waits learns it at once
		Op op;
		while ((op = queue.poll()) != null) {
			op.done().completeExceptionally(new JournalUnavailableException("the instance is stopping", null));
		}
	}

	private void write(List<Op> batch) {
		boolean probe;
		try {
			probe = circuit.acquire();
		}
		catch (JournalUnavailableException open) {
			batch.forEach(op -> op.done().completeExceptionally(open));
			return;
		}
		long t0 = System.nanoTime();
		try {
			tx.get().executeWithoutResult(status -> writeAll(batch));
			circuit.success(probe);
			account(batch);
			batch.forEach(op -> op.done().complete(null));
		}
		catch (DataAccessException | org.springframework.transaction.TransactionException ex) {
			if (circuit.failure(ex, probe) || batch.size() == 1) {
				// the database is out of reach (or this was the only operation): same
				// answer
				// for all
				batch.forEach(op -> op.done().completeExceptionally(ex));
				return;
			}
			// one operation refused (a duplicate, a deleted simulation): each on its own
			for (Op op : batch) {
				try {
					tx.get().executeWithoutResult(status -> writeAll(List.of(op)));
					account(List.of(op));
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
			writeTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
			batchSize.record(batch.size());
		}
	}

	private void account(List<Op> batch) {
		long bytes = 0;
		long entries = 0;
		for (Op op : batch) {
			if (op instanceof Append a) {
				bytes += a.bytes();
				entries++;
			}
			else if (op instanceof Chunk c) {
				bytes += c.data().length;
			}
		}
		bytesCounter.increment(bytes);
		entriesCounter.increment(entries);
	}

	private void writeAll(List<Op> batch) {
		List<Object[]> simulations = new ArrayList<>();
		List<Object[]> entries = new ArrayList<>();
		Map<String, long[]> accounts = new LinkedHashMap<>();
		List<Object[]> chunks = new ArrayList<>();
		for (Op op : batch) {
			if (op instanceof Append a) {
				if (a.owner() != null) {
					simulations
						.add(new Object[] { a.simulationId(), a.recordedAt(), a.owner(), a.bytes(), a.recordedAt() });
				}
				else {
					long[] acc = accounts.computeIfAbsent(a.simulationId(), k -> new long[2]);
					acc[0] += a.bytes();
					acc[1] = Math.max(acc[1], a.recordedAt());
				}
				entries.add(new Object[] { a.simulationId(), a.entryNo(), a.virtualTimeMicros(), a.kind(), a.payload(),
						a.recordedAt(), a.engineVersion() });
			}
			else if (op instanceof Chunk c) {
				chunks.add(new Object[] { c.simulationId(), c.fromSeq(), c.toSeq(), c.engineVersion(), c.data() });
				accounts.computeIfAbsent(c.simulationId(), k -> new long[2])[0] += c.data().length;
			}
		}
		JdbcTemplate j = jdbc.get();
		if (!simulations.isEmpty()) {
			j.batchUpdate(INSERT_SIMULATION, simulations);
		}
		if (!entries.isEmpty()) {
			j.batchUpdate(INSERT_ENTRY, entries);
		}
		if (!accounts.isEmpty()) {
			List<Object[]> updates = new ArrayList<>(accounts.size());
			accounts.forEach((id, acc) -> updates.add(new Object[] { acc[0], acc[1], id }));
			j.batchUpdate(ACCOUNT, updates);
		}
		if (!chunks.isEmpty()) {
			j.batchUpdate(INSERT_CHUNK, chunks);
		}
	}

}
