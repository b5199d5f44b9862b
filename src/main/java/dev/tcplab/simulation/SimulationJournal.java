package dev.tcplab.simulation;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.json.VocabularyModule;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable record of every simulation: its creation request (entry 0) and every
 * accepted mutating request after it, each with its entry number and the virtual time
 * (µs) at which it was applied. An entry is written before the request touches the
 * engine, and before the HTTP response; replaying the entries in order
 * ({@link SimulationRebuilder}) gives the same simulation, byte for byte.
 * <p>
 * Appends are conditional: the primary key (simulation id, entry number) lets exactly one
 * instance append entry n. An instance whose append collides holds a stale copy: the copy
 * is dropped and {@link StaleCopyException} tells the caller to apply the request again
 * on a copy rebuilt from the journal.
 */
@Component
public class SimulationJournal {

	private static final Log logger = LogFactory.getLog(SimulationJournal.class);

	static final String CREATE = "create";

	static final String PAIR = "pair";

	static final String EVENT = "event";

	static final String CLOCK = "clock";

	private static final String INSERT_ENTRY = "INSERT INTO tcplab_journal_entry"
			+ " (simulation_id, entry_no, virtual_time_us, kind, payload, recorded_at) VALUES (?, ?, ?, ?, ?, ?)";

	/** An entry as stored. */
	public record Entry(long entryNo, long virtualTimeMicros, String kind, String payload, long recordedAtMillis) {
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

	private final ObjectProvider<JdbcClient> jdbcProvider;

	private final ObjectProvider<PlatformTransactionManager> txProvider;

	private final JsonMapper mapper = JsonMapper.builder().addModule(VocabularyModule.withJournalV1Names()).build();

	private final Clock clock = Clock.systemUTC();

	private volatile JdbcClient jdbc;

	private volatile TransactionTemplate tx;

	public SimulationJournal(JournalProperties properties, SimulationRegistry registry, ObjectProvider<JdbcClient> jdbc,
			ObjectProvider<PlatformTransactionManager> tx) {
		this.properties = properties;
		this.registry = registry;
		this.jdbcProvider = jdbc;
		this.txProvider = tx;
	}

	public boolean enabled() {
		return properties.enabled();
	}

	public JournalProperties properties() {
		return properties;
	}

	private JdbcClient jdbc() {
		JdbcClient j = jdbc;
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
	 * Journals a new simulation's creation request (entry 0). A rebuild records nothing.
	 * @throws JournalUnavailableException when the database cannot be written
	 */
	void created(LiveSimulation live, SimulationSpec resolved) {
		if (!enabled() || Rebuild.current() != null) {
			return;
		}
		String json = toJson(resolved);
		long now = clock.millis();
		try {
			tx().executeWithoutResult(status -> {
				jdbc().sql("INSERT INTO tcplab_simulation (id, created_at) VALUES (?, ?)")
					.params(live.id(), now)
					.update();
				jdbc().sql(INSERT_ENTRY).params(live.id(), 0L, 0L, CREATE, json, now).update();
			});
		}
		catch (DataAccessException ex) {
			throw new JournalUnavailableException("the simulation could not be journaled: " + ex.getMessage(), ex);
		}
		live.withLock(s -> {
			s.journalNext(1);
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
	 * @throws JournalUnavailableException when the database cannot be written (this copy
	 * is dropped: whether the entry was stored is unknown)
	 */
	public void record(LiveSimulation s, String kind, Object payload) {
		if (!enabled() || Rebuild.current() != null) {
			return;
		}
		long n = s.journalNext();
		if (n == 0) {
			// registered without the service (tests, harnesses): kept in memory only
			return;
		}
		String json = toJson(payload);
		try {
			jdbc().sql(INSERT_ENTRY).params(s.id(), n, s.engine().nowMicros(), kind, json, clock.millis()).update();
		}
		catch (DuplicateKeyException ex) {
			registry.discard(s, "moved");
			throw new StaleCopyException(s.id());
		}
		catch (DataIntegrityViolationException ex) {
			registry.discard(s, "deleted");
			throw new SimulationNotFoundException(s.id());
		}
		catch (DataAccessException ex) {
			registry.discard(s, "journal unavailable");
			throw new JournalUnavailableException("the request could not be journaled: " + ex.getMessage(), ex);
		}
		s.journalNext(n + 1);
	}

	/**
	 * Makes a simulation memory-only: its journal is deleted and nothing more is recorded
	 * (for runs that cannot be replayed, such as an authored scenario). To be called with
	 * its lock held.
	 */
	public void forget(LiveSimulation s) {
		if (!enabled() || Rebuild.current() != null || s.journalNext() == 0) {
			return;
		}
		delete(s.id());
		s.journalNext(0);
	}

	/** Every entry of a simulation in order; empty when it has none. */
	public List<Entry> entries(String id) {
		try {
			return jdbc()
				.sql("SELECT entry_no, virtual_time_us, kind, payload, recorded_at FROM tcplab_journal_entry"
						+ " WHERE simulation_id = ? ORDER BY entry_no")
				.param(id)
				.query((rs, i) -> new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
						rs.getLong(5)))
				.list();
		}
		catch (DataAccessException ex) {
			throw new JournalUnavailableException("the journal could not be read: " + ex.getMessage(), ex);
		}
	}

	/** The number of the last entry of a simulation, or -1 when it has none. */
	long head(String id) {
		try {
			return jdbc().sql("SELECT MAX(entry_no) FROM tcplab_journal_entry WHERE simulation_id = ?")
				.param(id)
				.query((rs, i) -> {
					long v = rs.getLong(1);
					return rs.wasNull() ? -1L : v;
				})
				.single();
		}
		catch (DataAccessException ex) {
			throw new JournalUnavailableException("the journal could not be read: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The number of the last entry of each of {@code ids} that has a journal (ids without
	 * one are absent from the answer), in batches of 500.
	 */
	Map<String, Long> heads(Collection<String> ids) {
		Map<String, Long> out = new HashMap<>();
		List<String> all = List.copyOf(ids);
		try {
			for (int from = 0; from < all.size(); from += 500) {
				List<String> batch = all.subList(from, Math.min(all.size(), from + 500));
				String marks = String.join(",", java.util.Collections.nCopies(batch.size(), "?"));
				jdbc()
					.sql("SELECT simulation_id, MAX(entry_no) FROM tcplab_journal_entry WHERE simulation_id IN ("
							+ marks + ") GROUP BY simulation_id")
					.params(batch.toArray())
					.query((rs, i) -> out.put(rs.getString(1), rs.getLong(2)))
					.list();
			}
		}
		catch (DataAccessException ex) {
			throw new JournalUnavailableException("the journal could not be read: " + ex.getMessage(), ex);
		}
		return out;
	}

	/** Deletes a simulation's journal; false when there was none. */
	boolean delete(String id) {
		if (!enabled()) {
			return false;
		}
		try {
			return jdbc().sql("DELETE FROM tcplab_simulation WHERE id = ?").param(id).update() > 0;
		}
		catch (DataAccessException ex) {
			throw new JournalUnavailableException("the simulation could not be deleted: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Deletes every journal whose last entry is older than the retention, and drops this
	 * instance's copies of them. Other instances find out at their next lookup.
	 * @return the ids deleted
	 */
	@Scheduled(fixedDelayString = "${tcplab.journal.cleanup-interval:PT1H}")
	public List<String> deleteExpired() {
		if (!enabled()) {
			return List.of();
		}
		return deleteOlderThan(clock.millis() - properties.retention().toMillis());
	}

	/** {@link #deleteExpired} with an explicit cutoff (epoch ms). */
	List<String> deleteOlderThan(long cutoff) {
		try {
			List<String> expired = jdbc()
				.sql("SELECT simulation_id FROM tcplab_journal_entry GROUP BY simulation_id"
						+ " HAVING MAX(recorded_at) < ?")
				.param(cutoff)
				.query(String.class)
				.list();
			for (String id : expired) {
				jdbc().sql("DELETE FROM tcplab_simulation WHERE id = ?").param(id).update();
				registry.discard(id, "expired");
			}
			if (!expired.isEmpty()) {
				logger
					.info("deleted " + expired.size() + " simulation journal(s) older than " + properties.retention());
			}
			return expired;
		}
		catch (DataAccessException ex) {
			logger.warn("journal cleanup failed", ex);
			return List.of();
		}
	}

}
