// The simulation behind the page: create or open one, follow its trace (WebSocket, polling as fallback), and
// apply what the reader does (socket calls, faults, clock, new pairs). Changes the store; views draw it.
import { pairIds } from '../store.js';
import { ApiError } from '../api.js';
import { problemAction } from '../ownership.js';
import { actionRequest, describeAction } from '../actions.js';
import { pairTiming } from '../export.js';
import { errnoKey } from '../results.js';
import { focusPairId, visibleNow, branching } from '../selectors.js';

/** The line the Results list shows for one call, request or message: {text, errno}. */
export function resultLine({ side, label, result, error, text, errno }, t, meaning = (e) => t(`errno.${e}`)) {
	const who = side ? `${t(side === 'server' ? 'side.server' : 'side.client')}: ` : '';
	if (text) {
		return { text, errno: !!errno, who };
	}
	if (error) {
		const eno = error.problem?.errno;
		if (error.status === 429) {
			// a refusal names what the reader can do about it (issue 20): the problem's action
			return { text: t('result.refused', { call: who + label, action: problemAction(error.problem, 429).text || error.message }), errno: true, who };
		}
		return { text: eno ? t('result.errno', { call: who + label, result: eno, meaning: t(`errno.${eno}`) })
			: t('result.httpError', { call: who + label, message: error.message }), errno: true, who };
	}
	if (typeof result === 'string' && /^E[A-Z]+$/.test(result)) {
		return { text: t('result.errno', { call: who + label, result, meaning: meaning(result) }), errno: true, who };
	}
	return { text: t('result.ok', { call: who + label, result: result === 'pending' ? t('pending') : String(result) }), errno: !!errno, who };
}

/**
 * @param store the Store; api the REST client; t the translator of the current language
 * @param connectStream (location, id, since, handlers) => {close()} (the WebSocket follower)
 * @param scenario the scenario controller (leaving it or branching from a step)
 * @param urls {set(params)} keeps the address bar in sync
 * @param env {location, now(), nextFrame(fn), setTimeout, clearTimeout, setInterval, clearInterval}
 */
export function createSimulationController({ store, api, t, connectStream, scenario, urls, env = globalThis }) {
	let stream = null;
	let pollTimer = null;
	let snapshotTimer = null;
	let pending = [];
	let pendingFrame = 0;
	// each start/open/load begins a new generation: one that finishes after a newer one began is dropped (a
	// packetdrill run opened while the first simulation was still being created stays on screen)
	let generation = 0;
	const begin = () => ++generation;
	const superseded = (g) => g !== generation;
	const now = () => (env.now ? env.now() : Date.now());
	const nextFrame = env.nextFrame || ((fn) => env.setTimeout(fn, 16));

	const c = {
		/** A new simulation (random seed): one pair, the handshake on a manual clock, then the clock follows wall time. */
		async start(profile, { speed = 1 } = {}) {
			const g = begin();
			c.stopFollowing();
			store.set({ status: t('sim.loading') });
			const seed = Math.floor(Math.random() * 1e9);
			const sim = await api.createSimulation({ profile, seed, latencyMs: 10, clock: 'manual' });
			const pair = await api.openPair(sim.id, { serverPort: 80 });
			const handshake = await api.trace(sim.id, 0).catch(() => ({ events: [] }));
			await api.clock(sim.id, { clock: 'realtime', paused: false, speed });
			const fresh = await api.getSimulation(sim.id);
			if (superseded(g)) {
				return;
			}
			// the replay's manual clock stands where the handshake ended, not where the realtime clock was when read
			const { afterMs } = pairTiming(handshake.events || [], pair.id, fresh.nowMs);
			store.loadSimulation(fresh, {
				actions: [{ op: 'create', body: { profile, seed: sim.seed ?? seed, latencyMs: 10 }, atMs: 0 },
					{ op: 'pair', body: { serverPort: 80 }, atMs: 0, afterMs, pairId: pair.id }],
			});
			store.set({ pairId: pair.id, scenario: null, reveal: null, status: '' });
			urls.set({ sim: sim.id });
			await c.catchUp();
			c.follow();
		},

		/** Opens ?sim=ID; an unknown or evicted id starts a new simulation and says so. */
		async open(id, { profile = 'linux' } = {}) {
			const g = begin();
			c.stopFollowing();
			try {
				const sim = await api.getSimulation(id);
				if (superseded(g)) {
					return;
				}
				store.loadSimulation(sim);
				await c.catchUp();
				c.follow();
			}
			catch (e) {
				if (superseded(g)) {
					return;
				}
				if (e instanceof ApiError && e.status === 404) {
					await c.start(profile);
					store.set({ message: t('sim.notfound', { id }) });
					c.addResult({ text: t('sim.notfound', { id }), errno: true });
					return;
				}
				throw e;
			}
		},

		/** A scenario run or packetdrill run: its simulation and whole trace, shown without following. */
		async load(run) {
			const g = begin();
			c.stopFollowing();
			let sim;
			try {
				sim = await api.getSimulation(run.simulationId);
			}
			catch {
				sim = { id: run.simulationId, profile: run.profile, pairs: [], nowMs: 0, clock: 'manual' };
			}
			if (superseded(g)) {
				return sim;
			}
			store.loadSimulation(sim);
			store.addEvents(run.trace || []);
			if (run.traceContinuesAt != null) {
				await c.catchUp(); // the answer carried only the first events (docs/api.md)
			}
			return sim;
		},

		async catchUp() {
			const id = store.state.simId;
			if (!id) {
				return;
			}
			const tr = await api.trace(id, store.state.nextSeq);
			if (id !== store.state.simId) {
				return;
			}
			store.set({ oldestSeq: tr.oldestSeq ?? store.state.oldestSeq });
			store.addEvents(tr.events || []);
		},

		follow() {
			const id = store.state.simId;
			stream = connectStream(env.location, id, () => store.state.nextSeq, {
				snapshot: (sim) => {
					if (id === store.state.simId && sim) {
						store.setSnapshot({ ...store.state.sim, ...sim });
					}
				},
				event: (e) => {
					if (id === store.state.simId) {
						queueEvent(e);
						scheduleSnapshot();
					}
				},
				clock: (cl) => id === store.state.simId && store.setClock(cl),
				closed: (reason) => {
					store.set({ connection: 'closed' });
					c.addResult({ text: t('sim.closed', { reason }), errno: true });
				},
				error: (msg) => {
					if (msg.code === 'HISTORY_TRUNCATED') {
						store.set({ oldestSeq: msg.oldestSeq, nextSeq: Math.max(store.state.nextSeq, msg.oldestSeq) });
					}
				},
				status: (s) => store.set({ connection: s }),
				unavailable: () => startPolling(),
			});
		},

		stopFollowing() {
			stream?.close();
			stream = null;
			env.clearInterval(pollTimer);
			pollTimer = null;
			env.clearTimeout(snapshotTimer);
			snapshotTimer = null;
			pending = [];
			// a scenario step or a closed stream is not "live"
			store.set({ connection: 'idle' });
		},

		refreshSnapshot,

		/** The controls act on what the reader sees (see leaveScenarioForControls). */
		async pairAction(side, action, fields) {
			const pairId = focusPairId(store.state);
			if (!store.state.simId || pairId == null) {
				return;
			}
			let targetPair = pairId;
			if (store.state.scenario) {
				const branched = await c.leaveScenarioForControls();
				if (branched === false) {
					return;
				}
				if (branched) {
					const ids = pairIds(store.state.sim, store.state.events);
					targetPair = ids.includes(pairId) ? pairId : (ids.length ? ids[ids.length - 1] : pairId);
				}
			}
			const simId = store.state.simId;
			const body = actionRequest(side, action, fields);
			const label = describeAction(body, t);
			const estimate = visibleNow(store.state, now());
			try {
				const res = await api.event(simId, targetPair, body);
				// the first event a request records carries the virtual time at which it was applied
				const atMs = res.trace && res.trace.length ? res.trace[0].timeMs : estimate;
				store.logAction({ op: 'event', pair: targetPair, body, atMs });
				store.addEvents(res.trace || []);
				if (res.traceContinuesAt != null) {
					await c.catchUp();
				}
				const first = (res.trace || []).find((e) => e.type === 'call' && e.endpoint === side);
				c.addResult({ side, label, result: res.result,
					pending: res.result === 'pending' && first ? { pair: targetPair, side, call: first.call, seq: first.seq } : null });
			}
			catch (e) {
				c.addResult({ side, label, error: e });
			}
			await refreshSnapshot().catch(() => {});
		},

		async clock(body) {
			if (!store.state.simId) {
				return;
			}
			if (store.state.scenario && store.state.reveal != null && await c.leaveScenarioForControls() === false) {
				return;
			}
			const { simId } = store.state;
			try {
				const res = await api.clock(simId, body);
				store.addEvents(res.trace || []);
				if (res.traceContinuesAt != null) {
					await c.catchUp(); // the answer carried only the first events (docs/reliability.md)
				}
				if (body.step || body.runUntilIdle) {
					store.logAction({ op: 'clock', body, atMs: visibleNow(store.state, now()), afterMs: res.nowMs });
				}
				if (res.nowMs != null) {
					store.setClock({ nowMs: res.nowMs, paused: res.paused, speed: res.speed, clock: res.clock });
				}
			}
			catch (e) {
				c.addResult({ label: JSON.stringify(body), error: e });
			}
			await refreshSnapshot().catch(() => {});
		},

		/** Play/pause: a manual clock starts following wall time. */
		togglePlay() {
			const cl = store.state.clock;
			return c.clock(cl?.mode !== 'realtime' ? { clock: 'realtime', paused: false } : { paused: !cl.paused });
		},

		async openPair({ clientPort, serverPort }) {
			if (store.state.scenario && await c.leaveScenarioForControls() === false) {
				return;
			}
			const { simId } = store.state;
			const cp = String(clientPort ?? '').trim();
			const sp = String(serverPort ?? '').trim();
			const body = { serverPort: sp ? Number(sp) : 80 };
			if (cp) {
				body.clientPort = Number(cp);
			}
			const label = `connect(${cp ? `:${cp}` : t('pair.clientPort.hint')} → :${body.serverPort})`;
			try {
				const estimate = visibleNow(store.state, now());
				const pair = await api.openPair(simId, body);
				await c.catchUp();
				await refreshSnapshot();
				// the pair's own events say when it was opened and when its handshake ended: a replay on a manual
				// clock opens it at the same virtual time and its clock stands where the handshake ended
				const { atMs, afterMs } = pairTiming(store.state.events, pair.id, estimate);
				store.logAction({ op: 'pair', body, atMs, afterMs, pairId: pair.id });
				store.set({ pairId: pair.id });
				c.addResult({ label, result: t('act.pair', { id: pair.id, port: pair.client?.port }) });
			}
			catch (e) {
				c.addResult({ label, error: e, result: e.problem?.errno });
			}
		},

		/**
		 * Showing the whole run: keep driving that simulation (its clock now runs in real time). Showing an
		 * earlier step: branch a new simulation that replays steps 1..N with the same seed (untilStep) and say so.
		 * Returns true when branched, false when branching failed, null when the scenario was simply left.
		 */
		async leaveScenarioForControls() {
			const sc = store.state.scenario;
			const simId = store.state.simId;
			if (!branching(store.state)) {
				scenario.leave();
				await api.clock(simId, { clock: 'realtime', paused: false }).then((cl) => store.setClock(cl)).catch(() => {});
				return null;
			}
			const n = sc.step + 1;
			const title = (sc.def?.title && (sc.def.title[store.state.lang] || sc.def.title.en)) || sc.name;
			try {
				const run = await api.runScenario(sc.name, { profile: sc.profile || undefined, seed: sc.seed ?? undefined, untilStep: n });
				scenario.leave({ silent: true });
				const sim = await c.load(run);
				await api.clock(sim.id, { clock: 'realtime', paused: false }).then((cl) => store.setClock(cl)).catch(() => {});
				urls.set({ sim: sim.id });
				c.follow();
				store.set({ message: t('branch.done', { n, title }) });
				c.addResult({ text: t('branch.done', { n, title }) });
				return true;
			}
			catch (e) {
				c.addResult({ text: t('branch.failed', { n, message: e.message || String(e) }), errno: true });
				return false;
			}
		},

		addResult(r) {
			// EPIPE after an RST is not "already shut down writing": the connection was reset
			const meaning = (errno) => t(errnoKey(store.state.events, focusPairId(store.state), r.side, errno));
			const line = resultLine(r, t, meaning);
			store.addResult({ text: line.text, errno: line.errno, atMs: visibleNow(store.state, now()), pending: r.pending || null,
				who: line.who, label: r.label });
		},
	};

	// stream events are queued and appended once per animation frame (a burst of events costs one render)
	function queueEvent(e) {
		pending.push(e);
		if (!pendingFrame) {
			pendingFrame = nextFrame(() => {
				pendingFrame = 0;
				const list = pending;
				pending = [];
				store.addEvents(list);
			});
		}
	}

	function startPolling() {
		store.set({ connection: 'polling' });
		env.clearInterval(pollTimer);
		pollTimer = env.setInterval(async () => {
			try {
				await c.catchUp();
				if (store.state.clock?.mode === 'realtime') {
					await refreshSnapshot();
				}
			}
			catch {
				// transient; the next poll retries
			}
		}, 700);
	}

	function scheduleSnapshot() {
		env.clearTimeout(snapshotTimer);
		snapshotTimer = env.setTimeout(() => refreshSnapshot().catch(() => {}), 150);
	}

	async function refreshSnapshot() {
		const id = store.state.simId;
		if (!id) {
			return;
		}
		const sim = await api.getSimulation(id);
		if (id === store.state.simId) {
			store.setSnapshot(sim);
		}
	}

	return c;
}
