package dev.tcplab.simulation;

import dev.tcplab.visitor.OwnerKey;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Who made each simulation and whether anyone keeps it (docs/decisions.md, "Issue 20"):
 * the row of {@code tcplab_simulation_owner} written beside its journal (owner key hash,
 * client address, kind, label, kept), the owner's list ({@code GET
 * /api/simulations?mine=true}), keeping ({@code POST /api/simulations/{id}/keep}) and the
 * deferred delete of a page that was left ({@code DELETE
 * /api/simulations/{id}?graceMs=}).
 * <p>
 * For the journal's storage bounds: a simulation is <em>kept</em> when {@code kept_at} is
 * set (someone shared it); an unkept one-shot run ({@link SimulationKind#oneShot()}) is
 * what nobody asked to keep, and {@code visitor} names the client address it counts
 * against. A simulation without a row was journaled before ownership existed and counts
 * as kept (the migration marked them so).
 */
@Component
public class SimulationOwnership implements InfoContributor {

	private static final Log logger = LogFactory.getLog(SimulationOwnership.class);

	private static final String COLUMNS = "simulation_id, owner_key, visitor, kind, label, profile, kept_at, created_at";

	private final SimulationRegistry registry;

	private final SimulationJournal journal;

	private final ObjectProvider<JdbcClient> jdbcProvider;

	private final OwnerKey ownerKey;

	private final OwnershipProperties properties;

	private final Clock clock = Clock.systemUTC();

	private final Map<String, Release> releases = new ConcurrentHashMap<>();

	public SimulationOwnership(SimulationRegistry registry, SimulationJournal journal,
			ObjectProvider<JdbcClient> jdbcProvider, OwnerKey ownerKey, OwnershipProperties properties) {
		this.registry = registry;
		this.journal = journal;
		this.jdbcProvider = jdbcProvider;
		this.ownerKey = ownerKey;
		this.properties = properties;
	}

	/**
	 * A stored ownership row.
	 *
	 * @param ownerKey SHA-256 (hex) of the owner's key, or null
	 * @param visitor the client address whose request created it
	 * @param keptAt epoch ms at which it was kept, or null
	 * @param createdAt epoch ms
	 */
	public record Row(String simulationId, String ownerKey, String visitor, SimulationKind kind, String label,
			String profile, Long keptAt, long createdAt) {

		public boolean kept() {
			return keptAt != null;
		}
	}

	/**
	 * One simulation in its owner's list.
	 *
	 * @param durable journaled: it survives eviction and restarts (false for an authored
	 * scenario run, or with the journal off)
	 * @param inMemory held in memory by the instance that answered
	 * @param viewers its live viewers on that instance
	 */
	public record Owned(String id, String kind, String label, String profile, long createdAt, boolean kept,
			boolean durable, boolean inMemory, int viewers) {
	}

	/** The owner's list, newest first; {@code truncated}: older ones were left out. */
	public record Mine(List<Owned> simulations, boolean truncated) {
	}

	private record Release(LiveSimulation live, long markNanos, long dueNanos) {
	}

	private JdbcClient jdbc() {
		JdbcClient j = jdbcProvider.getIfAvailable();
		if (j == null) {
			throw new IllegalStateException(
					"tcplab.journal.enabled is true but there is no DataSource (spring.datasource.url)");
		}
		return j;
	}

	private static final String INSERT = "INSERT INTO tcplab_simulation_owner (" + COLUMNS
			+ ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

	/**
	 * The row that records who made a new simulation, to be written in the same
	 * transaction as its creation entry ({@link SimulationJournal#created}).
	 */
	JournalWriter.Companion rowOf(LiveSimulation live) {
		return new JournalWriter.Companion(INSERT, columns(live, live.ownerKey(), null));
	}

	private static Object[] columns(LiveSimulation live, String ownerKey, Long keptAt) {
		return new Object[] { live.id(), ownerKey, shorten(live.visitor(), 64), live.kind().wireName(),
				shorten(live.label(), 200), shorten(live.profile(), 32), keptAt, live.createdAtMillis() };
	}

	/**
	 * In a rebuild, gives the copy its owner, kept flag and creation time back from its
	 * row.
	 */
	void rebuilt(LiveSimulation live) {
		if (journal.enabled() && Rebuild.current() != null) {
			row(live.id()).ifPresent(r -> live.ownership(r.ownerKey(), r.kept(), r.createdAt()));
		}
	}

	/** The stored row of a simulation. */
	public Optional<Row> row(String id) {
		if (!journal.enabled()) {
			return Optional.empty();
		}
		try {
			return jdbc().sql("SELECT " + COLUMNS + " FROM tcplab_simulation_owner WHERE simulation_id = ?")
				.param(id)
				.query(SimulationOwnership::map)
				.optional();
		}
		catch (DataAccessException ex) {
			throw new JournalUnavailableException("the journal could not be read: " + ex.getMessage(), ex);
		}
	}

	private static Row map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
		long kept = rs.getLong(7);
		Long keptAt = rs.wasNull() ? null : kept;
		return new Row(rs.getString(1), rs.getString(2), rs.getString(3), SimulationKind.of(rs.getString(4)),
				rs.getString(5), rs.getString(6), keptAt, rs.getLong(8));
	}

	/**
	 * The simulations made with the current request's owner key (none without one),
	 * newest first: the journal's rows and this instance's memory-only copies.
	 */
	public Mine mine() {
		String key = ownerKey.current();
		if (key == null) {
			return new Mine(List.of(), false);
		}
		int limit = properties.listLimit();
		Map<String, Owned> out = new LinkedHashMap<>();
		boolean truncated = false;
		if (journal.enabled()) {
			List<Row> rows;
			try {
				rows = jdbc()
					.sql("SELECT " + COLUMNS + " FROM tcplab_simulation_owner WHERE owner_key = ?"
							+ " ORDER BY created_at DESC LIMIT " + (limit + 1))
					.param(key)
					.query(SimulationOwnership::map)
					.list();
			}
			catch (DataAccessException ex) {
				throw new JournalUnavailableException("the journal could not be read: " + ex.getMessage(), ex);
			}
			truncated = rows.size() > limit;
			for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
				LiveSimulation held = registry.held(r.simulationId()).orElse(null);
				out.put(r.simulationId(), new Owned(r.simulationId(), r.kind().wireName(), r.label(), r.profile(),
						r.createdAt(), r.kept(), true, held != null, held == null ? 0 : held.subscriberCount()));
			}
		}
		for (LiveSimulation s : registry.all()) {
			if (key.equals(s.ownerKey()) && !out.containsKey(s.id())) {
				// not in the journal's rows: memory only (an authored run,
				// or the journal is off); never waits for a simulation's lock
				out.put(s.id(), item(s, false));
			}
		}
		List<Owned> list = new ArrayList<>(out.values());
		list.sort(Comparator.comparingLong(Owned::createdAt).reversed());
		if (list.size() > limit) {
			truncated = true;
			list = list.subList(0, limit);
		}
		return new Mine(List.copyOf(list), truncated);
	}

	private static Owned item(LiveSimulation s, boolean durable) {
		return new Owned(s.id(), s.kind().wireName(), s.label(), s.profile(), s.createdAtMillis(), s.kept(), durable,
				true, s.subscriberCount());
	}

	/**
	 * Whether a held simulation is journaled (can come back after eviction or restart).
	 */
	private boolean durable(LiveSimulation s) {
		if (!journal.enabled()) {
			return false;
		}
		try {
			return s.withLock(l -> l.journalState().next > 0);
		}
		catch (SimulationNotFoundException closedMeanwhile) {
			return false;
		}
	}

	/**
	 * Keeps a simulation: it then outlives the visit (its journal is not expired early,
	 * it goes from memory last, a page that leaves it does not delete it).
	 * @throws SimulationNotFoundException for an unknown id
	 * @throws ResponseStatusException 409 for a simulation that lives in memory only
	 */
	public Owned keep(String id) {
		LiveSimulation s = registry.get(id);
		if (!durable(s)) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"this simulation lives in memory only (the journal is off on this server), so it cannot be"
							+ " kept; share a scenario document instead (the page's link with ?doc=)");
		}
		long now = clock.millis();
		try {
			int updated = jdbc()
				.sql("UPDATE tcplab_simulation_owner SET kept_at = ? WHERE simulation_id = ? AND kept_at IS NULL")
				.params(now, id)
				.update();
			if (updated == 0 && row(id).isEmpty()) {
				jdbc().sql(INSERT).params(columns(s, s.ownerKey(), now)).update();
			}
		}
		catch (DataAccessException ex) {
			throw new JournalUnavailableException("the simulation could not be kept: " + ex.getMessage(), ex);
		}
		// the journal's retention follows: a kept run expires after
		// tcplab.journal.retention
		journal.keep(id);
		s.kept(true);
		releases.remove(id);
		return item(s, true);
	}

	/**
	 * Deletes a simulation {@code graceMs} from now unless it is used again meanwhile (a
	 * request on it, or a viewer): what a page sends when it is left, so that a reload or
	 * a step back in the browser history finds it again.
	 * @throws SimulationNotFoundException for an unknown id
	 * @throws IllegalArgumentException for a grace outside 0..max-release-grace
	 * @throws ResponseStatusException 409 for a kept simulation
	 */
	public void release(String id, long graceMs) {
		long max = properties.maxReleaseGrace().toMillis();
		if (graceMs < 0 || graceMs > max) {
			throw new IllegalArgumentException(
					"graceMs must be between 0 and " + max + " (tcplab.ownership.max-release-grace), got " + graceMs);
		}
		LiveSimulation s = registry.get(id);
		if (s.kept()) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"this simulation is kept: a page that leaves it does not delete it; DELETE without graceMs does");
		}
		long now = System.nanoTime();
		releases.put(id, new Release(s, s.lastAccessNanos(), now + graceMs * 1_000_000));
	}

	/** Deletes the released simulations whose grace ran out unused. */
	@Scheduled(fixedDelayString = "${tcplab.ownership.release-check-interval:PT1S}")
	public void deleteReleased() {
		long now = System.nanoTime();
		for (Map.Entry<String, Release> e : releases.entrySet()) {
			Release r = e.getValue();
			if (now - r.dueNanos() < 0 || !releases.remove(e.getKey(), r)) {
				continue;
			}
			LiveSimulation current = registry.held(e.getKey()).orElse(null);
			LiveSimulation s = r.live();
			boolean usedAgain = (current != null && current != s) || s.lastAccessNanos() != r.markNanos()
					|| s.subscriberCount() > 0 || s.busy() || s.kept();
			if (usedAgain) {
				continue;
			}
			try {
				if (row(e.getKey()).map(Row::kept).orElse(false)) {
					// kept meanwhile through a copy on another instance
					continue;
				}
				if (journal.enabled()) {
					journal.delete(e.getKey());
				}
				registry.discard(e.getKey(), "deleted");
			}
			catch (RuntimeException ex) {
				logger.warn("could not delete released simulation " + e.getKey() + ": " + ex.getMessage());
			}
		}
	}

	/** Deletes waiting for their grace to run out. */
	public int releasesPending() {
		return releases.size();
	}

	@Override
	public void contribute(Info.Builder builder) {
		builder.withDetail("simulations",
				Map.of("live", registry.size(), "max", registry.budget().maxSimulations(), "maxPerVisitor",
						registry.budget().properties().maxSimulationsPerClient(), "visitors", registry.visitors(),
						"releasesPending", releases.size()));
	}

	private static String shorten(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}

}
