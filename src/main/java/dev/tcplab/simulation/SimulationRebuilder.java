package dev.tcplab.simulation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Brings a simulation back from its journal: create it from entry 0 under its old id,
 * then for every further entry advance the virtual clock to the entry's time and apply
 * the entry through the same service methods the API uses (journaling suppressed). The
 * engine is deterministic, so the trace is byte-identical to the original's up to the
 * last entry. Entries whose request the engine refused the first time (the entry is
 * written before the engine runs) are refused again the same way and change nothing.
 * <p>
 * As the registry's {@link SimulationRegistry.Loader} it also keeps copies honest: a copy
 * behind the journal (another instance appended since) is dropped and rebuilt; a copy
 * whose journal is gone (deleted elsewhere, expired) is dropped.
 */
@Component
class SimulationRebuilder implements SimulationRegistry.Loader, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(SimulationRebuilder.class);

	private final SimulationJournal journal;

	private final SimulationRegistry registry;

	private final SimulationService service;

	private final ObjectProvider<JournalReplayer> replayerProvider;

	private volatile Map<String, JournalReplayer> replayers;

	private final ReentrantLock[] stripes = new ReentrantLock[64];

	private final JobProperties jobs;

	private final JournalTraces traces;

	SimulationRebuilder(SimulationJournal journal, JournalTraces traces, SimulationRegistry registry,
			SimulationService service, ObjectProvider<JournalReplayer> replayers, JobProperties jobs) {
		this.journal = journal;
		this.traces = traces;
		this.registry = registry;
		this.service = service;
		this.replayerProvider = replayers;
		this.jobs = jobs;
		for (int i = 0; i < stripes.length; i++) {
			stripes[i] = new ReentrantLock();
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (journal.enabled()) {
			registry.setLoader(this);
		}
	}

	@Override
	public LiveSimulation current(String id, LiveSimulation held) {
		if (id.length() > 64) {
			return held;
		}
		if (held != null && (!journal.properties().checkFreshness() || !journaled(held))) {
			return held;
		}
		long head;
		try {
			head = journal.head(id);
		}
		catch (JournalUnavailableException outage) {
			if (held != null) {
				// the database is out of reach: a read is served from memory (no instance
				// can change the simulation meanwhile: every change needs the journal)
				return held;
			}
			throw outage;
		}
		if (head < 0) {
			// never journaled here, deleted through another instance, or expired
			if (held != null) {
				registry.discard(held, "deleted");
			}
			else if (journal.damage().fileReport() != null) {
				throw journal.damage().lost(id);
			}
			return null;
		}
		if (held != null) {
			// the journal head was read before taking the lock: a copy at least that
			// far is current (appends on this instance happen under the same lock)
			Boolean fresh;
			try {
				fresh = held.withLock(s -> s.journalState().next > head);
			}
			catch (SimulationNotFoundException closedMeanwhile) {
				fresh = false;
			}
			if (fresh) {
				return held;
			}
			registry.discard(held, "moved");
		}
		// one rebuild per id at a time; a request
		// waits for another's rebuild at most lock-wait
		ReentrantLock stripe = stripes[Math.floorMod(id.hashCode(), stripes.length)];
		long started = System.nanoTime();
		if (!LockWait.within(jobs.lockWait().toNanos(), stripe::tryLock)) {
			throw new SimulationBusyException(id, (System.nanoTime() - started) / 1_000_000);
		}
		try {
			LiveSimulation other = registry.held(id).orElse(null);
			if (other != null && other != held) {
				return other;
			}
			return rebuild(id);
		}
		finally {
			stripe.unlock();
		}
	}

	/**
	 * For a mutating request: the held copy as it is (a stale copy is found by the
	 * conditional append itself, which costs no extra read), else a rebuild.
	 */
	@Override
	public LiveSimulation currentForUpdate(String id, LiveSimulation held) {
		if (held != null && !held.isClosed()) {
			return held;
		}
		return current(id, held);
	}

	/** Whether a copy is behind the journal (another instance appended since). */
	@Override
	public boolean behind(LiveSimulation s) {
		if (!journaled(s)) {
			return false;
		}
		long head = journal.head(s.id());
		try {
			return s.withLock(c -> c.journalState().next <= head);
		}
		catch (SimulationNotFoundException closed) {
			return true;
		}
	}

	@Override
	public int discardOutdated() {
		Map<String, LiveSimulation> journaled = new HashMap<>();
		for (LiveSimulation s : registry.all()) {
			// a busy simulation is in use, hence not outdated: skipped, never waited for
			if (s.id().length() <= 64 && s.ifFree(c -> c.journalState().next > 0).orElse(false)) {
				journaled.put(s.id(), s);
			}
		}
		if (journaled.isEmpty()) {
			return 0;
		}
		Map<String, Long> heads = journal.heads(journaled.keySet());
		int dropped = 0;
		for (LiveSimulation s : journaled.values()) {
			Long head = heads.get(s.id());
			boolean outdated = head == null ? s.ifFree(c -> true).orElse(false)
					: s.ifFree(c -> c.journalState().next <= head).orElse(false);
			if (outdated && registry.discard(s, head == null ? "deleted" : "moved")) {
				dropped++;
			}
		}
		if (dropped > 0) {
			logger.info("at the simulation limit: dropped " + dropped
					+ " in-memory copies that other instances moved on or deleted");
		}
		return dropped;
	}

	@Override
	public void ended(String id) {
		try {
			journal.delete(id);
		}
		catch (RuntimeException ex) {
			logger.warn("could not delete the journal of expired simulation " + id, ex);
		}
	}

	/**
	 * False for a simulation registered without the service (tests, harnesses): it lives
	 * in memory only.
	 */
	private static boolean journaled(LiveSimulation held) {
		try {
			return held.withLock(s -> s.journalState().next > 0);
		}
		catch (SimulationNotFoundException closedMeanwhile) {
			return true;
		}
	}

	/**
	 * Rebuilds a simulation from its journal and registers it; null when it has no
	 * journal.
	 */
	LiveSimulation rebuild(String id) {
		List<SimulationJournal.Entry> entries = journal.entries(id);
		if (entries.isEmpty()) {
			return null;
		}
		if (!SimulationJournal.CREATE.equals(entries.get(0).kind()) || entries.get(0).entryNo() != 0) {
			throw journal.damage().simulation(id, "its creation entry is missing", null);
		}
		long createdAt = entries.get(0).recordedAtMillis();
		if (System.currentTimeMillis() - createdAt > registry.budget().properties().maxLifetime().toMillis()) {
			// idling until evicted does not renew a lifetime: it ended while evicted
			ended(id);
			return null;
		}
		long started = System.nanoTime();
		LiveSimulation live;
		try (Rebuild rebuild = Rebuild.begin(id, createdAt)) {
			SimulationSpec spec;
			try {
				spec = journal.fromJson(entries.get(0).payload(), SimulationSpec.class);
			}
			catch (IllegalStateException unreadable) {
				throw journal.damage().simulation(id, "its creation entry cannot be read", unreadable);
			}
			live = service.create(spec);
			try {
				live.withLock(s -> {
					replay(s, entries);
					traces.afterRebuild(s, entries);
					return null;
				});
			}
			catch (DamagedEntryException ex) {
				registry.abandon(live);
				throw journal.damage().simulation(id, ex.getMessage(), ex.getCause());
			}
			catch (RuntimeException ex) {
				registry.abandon(live);
				throw ex;
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("rebuilt simulation " + id + " from " + entries.size() + " journal entries in "
					+ (System.nanoTime() - started) / 1_000_000 + " ms");
		}
		return registry.adopt(live);
	}

	private void replay(LiveSimulation s, List<SimulationJournal.Entry> entries) {
		long expected = 1;
		long bytes = entries.get(0).payload().length() + SimulationJournal.ENTRY_OVERHEAD;
		for (SimulationJournal.Entry e : entries.subList(1, entries.size())) {
			if (e.entryNo() != expected) {
				throw new DamagedEntryException("entry " + expected + " is missing", null);
			}
			expected++;
			bytes += e.payload().length() + SimulationJournal.ENTRY_OVERHEAD;
			long now = s.engine().nowMicros();
			if (e.virtualTimeMicros() > now) {
				s.engine().advanceSilently((e.virtualTimeMicros() - now) / 1000.0);
			}
			apply(s, e);
		}
		s.journalState().next = expected;
		s.journalState().bytes += bytes; // the rebuilt copy counted nothing yet
											// (journaling is
		// suppressed while it replays)
	}

	/** An entry that cannot be read or replayed: the journal is damaged. */
	static final class DamagedEntryException extends RuntimeException {

		DamagedEntryException(String message, Throwable cause) {
			super(message, cause);
		}

	}

	private void apply(LiveSimulation s, SimulationJournal.Entry e) {
		Runnable action;
		try {
			action = action(s, e);
		}
		catch (IllegalStateException unreadable) {
			throw new DamagedEntryException("entry " + e.entryNo() + " cannot be read", unreadable);
		}
		try {
			action.run();
		}
		catch (RuntimeException refused) {
			// refused the first time too (the entry is written before the engine runs),
			// and a refused request changes nothing
			if (logger.isDebugEnabled()) {
				logger.debug("journal entry " + e.entryNo() + " of " + s.id() + " refused again: " + refused);
			}
		}
	}

	private Runnable action(LiveSimulation s, SimulationJournal.Entry e) {
		return switch (e.kind()) {
			case SimulationJournal.PAIR -> {
				SimulationJournal.PairEntry p = journal.fromJson(e.payload(), SimulationJournal.PairEntry.class);
				yield () -> service.openPair(s.id(), p.serverPort(), p.clientPort(), p.clientReuseAddr(),
						p.establish());
			}
			case SimulationJournal.EVENT -> {
				SimulationJournal.EventEntry ev = journal.fromJson(e.payload(), SimulationJournal.EventEntry.class);
				yield () -> service.apply(s.id(), ev.pairId(), ev.event());
			}
			case SimulationJournal.CLOCK -> {
				SimulationService.ClockCommand c = journal.fromJson(e.payload(), SimulationService.ClockCommand.class);
				yield () -> service.clock(s.id(), c);
			}
			default -> {
				JournalReplayer r = replayers().get(e.kind());
				if (r == null) {
					throw new IllegalStateException(
							"entry " + e.entryNo() + " is of unknown kind \"" + e.kind() + "\"");
				}
				yield () -> {
					JobBudget budget = JobBudget.forReplay(jobs);
					budget.bind(s);
					r.replay(s, e.payload(), budget);
				};
			}
		};
	}

	private Map<String, JournalReplayer> replayers() {
		Map<String, JournalReplayer> r = replayers;
		if (r == null) {
			r = replayerProvider.orderedStream()
				.collect(Collectors.toMap(JournalReplayer::kind, Function.identity(), (a, b) -> a));
			replayers = r;
		}
		return r;
	}

}
