package dev.tcplab.simulation;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What this instance knows to be damaged in its journal (issue 27 finding 5;
 * docs/operations.md "A damaged journal"): the simulations whose journal cannot be read
 * or replayed (each answers 410 with the reason), and what the start-up check of the
 * journal file found. Reported by the {@code journal} health component, the log and
 * {@code tcplab.journal.damaged}.
 */
@org.springframework.stereotype.Component
public final class JournalDamage {

	private static final Log logger = LogFactory.getLog(JournalDamage.class);

	/** At most this many damaged simulations are remembered by id (the count goes on). */
	static final int MAX_REMEMBERED = 1000;

	private final Map<String, String> simulations = new ConcurrentHashMap<>();

	private final AtomicLong damagedSimulations = new AtomicLong();

	private volatile String fileReport;

	/** The marker file beside an H2 journal file: written once the journal holds data. */
	private volatile java.nio.file.Path marker;

	private final java.util.concurrent.atomic.AtomicBoolean markerWritten = new java.util.concurrent.atomic.AtomicBoolean();

	void marker(java.nio.file.Path marker) {
		this.marker = marker;
	}

	/**
	 * Notes that the journal holds data, and its newest simulation (epoch ms of
	 * creation): a later start that finds the file missing, empty, or gone back in time
	 * (H2 rolls a file with a damaged end back to its last intact version without a word)
	 * reports it ({@link JournalFileGuard}).
	 */
	void noteData(long simulations, long newestCreatedAt) {
		java.nio.file.Path m = marker;
		if (m == null || simulations <= 0) {
			return;
		}
		try {
			java.nio.file.Files.writeString(m,
					"# this H2 journal held simulations; if its file is ever missing, empty or older, tcplab reports it\n"
							+ "simulations=" + simulations + "\nnewest=" + newestCreatedAt + "\nwritten="
							+ java.time.Instant.now() + "\n");
		}
		catch (java.io.IOException ex) {
			logger.warn("could not write the journal marker " + m + ": " + ex);
		}
	}

	/**
	 * {@link #noteData(long, long)} once per process, when the first simulation is
	 * journaled.
	 */
	void noteData() {
		if (markerWritten.compareAndSet(false, true) && marker != null && !java.nio.file.Files.exists(marker)) {
			noteData(1, 0);
		}
	}

	boolean hasMarker() {
		return marker != null;
	}

	/** The newest creation time the marker recorded (0 when none). */
	static long newestIn(java.nio.file.Path marker) {
		try {
			for (String line : java.nio.file.Files.readAllLines(marker)) {
				if (line.startsWith("newest=")) {
					return Long.parseLong(line.substring(7).trim());
				}
			}
		}
		catch (java.io.IOException | NumberFormatException ex) {
			// an unreadable marker says only that data existed
		}
		return 0;
	}

	/** The start-up check's finding about the journal file, or null when it was sound. */
	public String fileReport() {
		return fileReport;
	}

	void fileDamaged(String report) {
		this.fileReport = report;
	}

	/** Simulations found damaged so far (by id: at most {@value #MAX_REMEMBERED}). */
	public Map<String, String> simulations() {
		return Map.copyOf(simulations);
	}

	public long damagedSimulations() {
		return damagedSimulations.get();
	}

	public boolean any() {
		return fileReport != null || damagedSimulations.get() > 0;
	}

	/** Records a damaged simulation and returns the exception to answer with. */
	JournalDamagedException simulation(String id, String reason, Throwable cause) {
		boolean known = simulations.containsKey(id);
		if (!known && simulations.size() < MAX_REMEMBERED) {
			known = simulations.putIfAbsent(id, reason) != null;
		}
		if (!known) {
			damagedSimulations.incrementAndGet();
			logger.error("journal of simulation " + id + " is damaged: " + reason
					+ (cause == null ? "" : " (" + cause + ")"));
		}
		return new JournalDamagedException(id, reason, cause);
	}

	/**
	 * The answer for a simulation the journal does not have while the start-up check
	 * found the file damaged or lost: it may have been lost with it (410).
	 */
	JournalDamagedException lost(String id) {
		return new JournalDamagedException(id, "it is not in the journal, and the journal file was found damaged or"
				+ " lost when this instance started, so it may have been lost with it", null);
	}

	/**
	 * True for an error that says the stored data is corrupt (H2: "File corrupted", an
	 * MVStore error; PostgreSQL: data corrupted, index corrupted), not that the database
	 * is out of reach.
	 */
	static boolean isCorruption(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql) {
				String state = sql.getSQLState();
				// H2 90030 FILE_CORRUPTED_1; PostgreSQL XX001 data_corrupted, XX002
				// index_corrupted
				if (sql.getErrorCode() == 90030 || "XX001".equals(state) || "XX002".equals(state)) {
					return true;
				}
			}
			if (t.getClass().getName().equals("org.h2.mvstore.MVStoreException")) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

}
