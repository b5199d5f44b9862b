// tcplab page: wires the store to the REST API, the WebSocket stream and the views.
import { Store, pairIds, virtualNow } from './store.js';
import { createApi, connectStream, ApiError } from './api.js';
import { detectLanguage, translate, applyTranslations, formatMs, noteText } from './i18n.js';
import { layoutLadder, renderLadder, flagText } from './ladder.js';
import { renderStateDiagram } from './statediagram.js';
import { runningTimers, countdown } from './timers.js';
import { curlSnippet, pythonSnippet, pairTiming } from './export.js';
import { actionRequest, describeAction } from './actions.js';
import { createScenarioView } from './scenarios.js';
import { completionOf, errnoKey } from './results.js';
import { censusSeries, renderCensus } from './census.js';
import { mountPacketdrill } from './packetdrill.js';
import { initAuthors } from './authors-ui.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const api = createApi('');
let storedLang = null;
try {
	storedLang = localStorage.getItem('tcplab.lang');
}
catch {
	// storage unavailable (private mode, sandboxed iframe)
}
const store = new Store({
	lang: detectLanguage({ search: location.search, stored: storedLang, languages: navigator.languages || [navigator.language] }),
	embed: params.get('embed') === '1',
});
const t = (key, p) => translate(store.state.lang, key, p);

let stream = null;
let pollTimer = null;
let snapshotTimer = null;
let focusedSegment = null;
let ladderHandle = null;
let snippetKind = 'curl';
let lastFreshStep = null;
let pendingFresh = null;
let ladderSimId = null;
let followTail = true;

// ------------------------------------------------------------------ simulation lifecycle

function resetDetails() {
	focusedSegment = null;
	lastFreshStep = null;
	const dl = $('seg-fields');
	while (dl.firstChild) {
		dl.removeChild(dl.firstChild);
	}
	$('seg-hint').hidden = false;
	pendingEvents = [];
	document.activeElement?.closest?.('#ladder g.seg')?.blur();
	ladderHandle?.highlight(null);
}

async function startSimulation(profile) {
	stopFollowing();
	resetDetails();
	setStatus(t('sim.loading'));
	const seed = Math.floor(Math.random() * 1e9);
	// the handshake runs on a manual clock so it starts at 0 ms; then the clock follows wall time
	const sim = await api.createSimulation({ profile, seed, latencyMs: 10, clock: 'manual' });
	const pair = await api.openPair(sim.id, { serverPort: 80 });
	await api.clock(sim.id, { clock: 'realtime', paused: false, speed: Number($('speed').value) || 1 });
	const fresh = await api.getSimulation(sim.id);
	store.loadSimulation(fresh, {
		actions: [{ op: 'create', body: { profile, seed: sim.seed ?? seed, latencyMs: 10 }, atMs: 0 },
			{ op: 'pair', body: { serverPort: 80 }, atMs: 0, afterMs: fresh.nowMs, pairId: pair.id }],
	});
	store.set({ pairId: pair.id, scenario: null, reveal: null });
	setUrl({ sim: sim.id });
	await catchUp();
	follow();
}

async function openExisting(id) {
	stopFollowing();
	resetDetails();
	try {
		const sim = await api.getSimulation(id);
		store.loadSimulation(sim);
		$('profile').value = sim.profile || 'linux';
		await catchUp();
		follow();
	}
	catch (e) {
		if (e instanceof ApiError && e.status === 404) {
			await startSimulation($('profile').value);
			store.set({ message: t('sim.notfound', { id }) });
			addResult({ text: t('sim.notfound', { id }), errno: true });
			return;
		}
		throw e;
	}
}

async function catchUp() {
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
}

function follow() {
	const id = store.state.simId;
	stream = connectStream(location, id, () => store.state.nextSeq, {
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
		clock: (c) => id === store.state.simId && store.setClock(c),
		closed: (reason) => {
			store.set({ connection: 'closed' });
			addResult({ text: t('sim.closed', { reason }), errno: true });
		},
		error: (msg) => {
			if (msg.code === 'HISTORY_TRUNCATED') {
				store.set({ oldestSeq: msg.oldestSeq, nextSeq: Math.max(store.state.nextSeq, msg.oldestSeq) });
			}
		},
		status: (s) => store.set({ connection: s }),
		unavailable: () => startPolling(),
	});
}

// stream events are queued and appended once per animation frame (a burst of events costs one render)
let pendingEvents = [];
let pendingFrame = 0;
const nextFrame = (fn) => (typeof requestAnimationFrame === 'function' && document.visibilityState !== 'hidden'
	? requestAnimationFrame(fn) : setTimeout(fn, 16));

function queueEvent(e) {
	pendingEvents.push(e);
	if (!pendingFrame) {
		pendingFrame = nextFrame(flushEvents);
	}
}

function flushEvents() {
	pendingFrame = 0;
	const list = pendingEvents;
	pendingEvents = [];
	store.addEvents(list);
}

function startPolling() {
	store.set({ connection: 'polling' });
	clearInterval(pollTimer);
	pollTimer = setInterval(async () => {
		try {
			await catchUp();
			if (store.state.clock?.mode === 'realtime') {
				await refreshSnapshot();
			}
		}
		catch {
			// transient; the next poll retries
		}
	}, 700);
}

function stopFollowing() {
	stream?.close();
	stream = null;
	clearInterval(pollTimer);
	pollTimer = null;
}

function scheduleSnapshot() {
	clearTimeout(snapshotTimer);
	snapshotTimer = setTimeout(() => refreshSnapshot().catch(() => {}), 150);
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

function setUrl(p) {
	const u = new URL(location.href);
	for (const k of ['sim', 'scenario', 'step', 'profile']) {
		u.searchParams.delete(k);
	}
	for (const [k, v] of Object.entries(p)) {
		if (v != null) {
			u.searchParams.set(k, v);
		}
	}
	history.replaceState(null, '', u);
	renderShare();
}

// ------------------------------------------------------------------ actions

function currentNow() {
	const ev = store.state.events;
	return virtualNow(store.state.clock, Date.now(), ev.length ? ev[ev.length - 1].timeMs : 0);
}

async function doPairAction(side, action, fields) {
	const { simId } = store.state;
	const pairId = focusPairId();
	if (!simId || pairId == null) {
		return;
	}
	let target = simId;
	let targetPair = pairId;
	if (store.state.scenario) {
		const branched = await leaveScenarioForControls();
		if (branched === false) {
			return;
		}
		target = store.state.simId;
		targetPair = branched ? (focusPairIdFor(targetPair) ?? targetPair) : targetPair;
	}
	return applyPairAction(target, targetPair, side, action, fields);
}

function focusPairIdFor(id) {
	const ids = pairIds(store.state.sim, store.state.events);
	return ids.includes(id) ? id : (ids.length ? ids[ids.length - 1] : null);
}

/**
 * The controls act on what the reader sees. Showing the whole run: keep driving that simulation (its clock
 * now runs in real time). Showing an earlier step: branch a new simulation that replays steps 1..N with the
 * same seed (untilStep) and say so. Returns true when branched, false when branching failed.
 */
async function leaveScenarioForControls() {
	const sc = store.state.scenario;
	const simId = store.state.simId;
	if (store.state.reveal == null || sc.step >= sc.narration.length - 1) {
		leaveScenario();
		await api.clock(simId, { clock: 'realtime', paused: false }).then((c) => store.setClock(c)).catch(() => {});
		return null;
	}
	const n = sc.step + 1;
	const title = pickTitle(sc);
	try {
		const run = await api.runScenario(sc.name, { profile: sc.profile || undefined, seed: sc.seed ?? undefined, untilStep: n });
		scenarioView.leave({ silent: true });
		stopFollowing();
		resetDetails();
		let sim;
		try {
			sim = await api.getSimulation(run.simulationId);
		}
		catch {
			sim = { id: run.simulationId, profile: run.profile, pairs: [], nowMs: 0, clock: 'manual' };
		}
		store.loadSimulation(sim);
		store.addEvents(run.trace || []);
		if (run.traceContinuesAt != null) {
			await catchUp(); // the answer carried only the first events (docs/api.md)
		}
		await api.clock(sim.id, { clock: 'realtime', paused: false }).then((c) => store.setClock(c)).catch(() => {});
		setUrl({ sim: sim.id });
		follow();
		store.set({ message: t('branch.done', { n, title }) });
		addResult({ text: t('branch.done', { n, title }) });
		return true;
	}
	catch (e) {
		addResult({ text: t('branch.failed', { n, message: e.message || String(e) }), errno: true });
		return false;
	}
}

function pickTitle(sc) {
	const tt = sc.def?.title;
	return (tt && (tt[store.state.lang] || tt.en)) || sc.name;
}

async function applyPairAction(simId, pairId, side, action, fields) {
	const body = actionRequest(side, action, fields);
	const label = describeAction(body, t);
	const estimate = currentNow();
	try {
		const res = await api.event(simId, pairId, body);
		// the first event a request records carries the virtual time at which it was applied
		const atMs = res.trace && res.trace.length ? res.trace[0].timeMs : estimate;
		store.logAction({ op: 'event', pair: pairId, body, atMs });
		store.addEvents(res.trace || []);
		if (res.traceContinuesAt != null) {
			await catchUp();
		}
		const first = (res.trace || []).find((e) => e.type === 'call' && e.endpoint === side);
		addResult({ side, label, result: res.result, pending: res.result === 'pending' && first ? { pair: pairId, side, call: first.call, seq: first.seq } : null });
	}
	catch (e) {
		addResult({ side, label, error: e });
	}
	await refreshSnapshot().catch(() => {});
}

async function doClock(body) {
	if (!store.state.simId) {
		return;
	}
	if (store.state.scenario && store.state.reveal != null) {
		if (await leaveScenarioForControls() === false) {
			return;
		}
	}
	const { simId } = store.state;
	try {
		const res = await api.clock(simId, body);
		store.addEvents(res.trace || []);
		if (res.traceContinuesAt != null) {
			await catchUp(); // the answer carried only the first events (docs/reliability.md)
		}
		if (body.step || body.runUntilIdle) {
			store.logAction({ op: 'clock', body, atMs: currentNow(), afterMs: res.nowMs });
		}
		if (res.nowMs != null) {
			store.setClock({ nowMs: res.nowMs, paused: res.paused, speed: res.speed, clock: res.clock });
		}
	}
	catch (e) {
		addResult({ label: JSON.stringify(body), error: e });
	}
	await refreshSnapshot().catch(() => {});
}

async function openPair(ev) {
	ev.preventDefault();
	if (store.state.scenario && await leaveScenarioForControls() === false) {
		return;
	}
	const { simId } = store.state;
	const cp = $('client-port').value.trim();
	const sp = $('server-port').value.trim();
	const body = { serverPort: sp ? Number(sp) : 80 };
	if (cp) {
		body.clientPort = Number(cp);
	}
	const label = `connect(${cp ? `:${cp}` : t('pair.clientPort.hint')} → :${body.serverPort})`;
	try {
		const estimate = currentNow();
		const pair = await api.openPair(simId, body);
		await catchUp();
		await refreshSnapshot();
		// the pair's own events say when it was opened and when its handshake ended: a replay on a manual
		// clock opens it at the same virtual time and its clock stands where the handshake ended
		const { atMs, afterMs } = pairTiming(store.state.events, pair.id, estimate);
		store.logAction({ op: 'pair', body, atMs, afterMs, pairId: pair.id });
		store.set({ pairId: pair.id });
		addResult({ label, result: t('act.pair', { id: pair.id, port: pair.client?.port }) });
	}
	catch (e) {
		addResult({ label, error: e, result: e.problem?.errno });
	}
}

function addResult({ side, label, result, error, text, errno, pending }) {
	let line;
	let isErr = !!errno;
	const who = side ? `${t(side === 'server' ? 'side.server' : 'side.client')}: ` : '';
	if (text) {
		line = text;
	}
	else if (error) {
		const eno = error.problem?.errno;
		line = eno ? t('result.errno', { call: who + label, result: eno, meaning: t(`errno.${eno}`) })
			: t('result.httpError', { call: who + label, message: error.message });
		isErr = true;
	}
	else if (typeof result === 'string' && /^E[A-Z]+$/.test(result)) {
		line = t('result.errno', { call: who + label, result, meaning: errnoMeaning(result, side) });
		isErr = true;
	}
	else {
		line = t('result.ok', { call: who + label, result: result === 'pending' ? t('pending') : String(result) });
	}
	store.addResult({ text: line, errno: isErr, atMs: currentNow(), pending: pending || null, who, label });
}

/** EPIPE after an RST is not "already shut down writing": the connection was reset. */
function errnoMeaning(result, side) {
	return t(errnoKey(store.state.events, focusPairId(), side, result));
}


// ------------------------------------------------------------------ scenario view

const scenarioView = createScenarioView({
	store, api, t, $,
	onLoaded: async (run) => {
		stopFollowing();
		let sim = null;
		try {
			sim = await api.getSimulation(run.simulationId);
		}
		catch {
			sim = { id: run.simulationId, profile: run.profile, pairs: [], nowMs: 0, clock: 'manual' };
		}
		resetDetails();
		store.loadSimulation(sim);
		store.addEvents(run.trace || []);
		if (run.traceContinuesAt != null) {
			await catchUp(); // the answer carried only the first events (docs/api.md)
		}
		const ids = pairIds(sim, store.state.events);
		if (ids.length > 1 && ids.length <= 4) {
			store.set({ pairId: 'all' });
		}
		else if (ids.length > 4) {
			store.set({ pairId: samplePairs(ids)[0] });
		}
		setUrl({ scenario: run.name, sim: run.simulationId });
	},
	onLeave: () => {
		setUrl({ sim: store.state.simId });
		follow();
	},
	onStep: (sc) => {
		setUrl({ scenario: sc.name, sim: store.state.simId, step: store.state.reveal == null ? 'all' : sc.step + 1,
			profile: sc.profileParam || null });
	},
});

function leaveScenario() {
	scenarioView.leave();
}

// ------------------------------------------------------------------ rendering

let renderKeys = null;
let renderFrame = 0;

/** Store changes are collected and drawn once per animation frame. */
function scheduleRender(changed) {
	renderKeys = renderKeys || new Set();
	for (const k of changed) {
		renderKeys.add(k);
	}
	if (!renderFrame) {
		renderFrame = nextFrame(() => {
			renderFrame = 0;
			const keys = [...renderKeys];
			renderKeys = null;
			render(keys);
		});
	}
}

function render(changed) {
	const all = !changed;
	const has = (...keys) => all || keys.some((k) => changed.includes(k));
	if (has('lang')) {
		document.documentElement.lang = store.state.lang;
		applyTranslations(document, store.state.lang);
		buildSideControls();
	}
	if (has('lang', 'sim', 'events', 'pairId')) {
		renderPairSelect();
	}
	if (has('lang', 'events', 'reveal', 'pairId', 'sim', 'scenario')) {
		renderLadderView();
		renderNotes();
	}
	if (has('lang', 'events', 'reveal', 'pairId', 'sim', 'scenario')) {
		renderStates();
	}
	if (has('lang', 'clock', 'events', 'reveal', 'sim')) {
		renderClock();
		renderTimers();
	}
	if (has('lang', 'results', 'events')) {
		renderResults();
	}
	if (has('lang', 'actions', 'simId', 'sim')) {
		renderExport();
	}
	if (has('lang', 'simId', 'connection')) {
		renderShare();
	}
	if (has('lang', 'scenario', 'reveal')) {
		scenarioView.render();
		const sc = store.state.scenario;
		const branching = !!sc && store.state.reveal != null && sc.step < sc.narration.length - 1;
		$('branch-hint').hidden = !branching;
		$('branch-hint').textContent = branching ? t('branch.hint') : '';
	}
	if (pendingFresh) {
		const f = pendingFresh;
		pendingFresh = null;
		showFresh(f.layout, f.box);
	}
}

function setStatus(text) {
	$('conn-status').textContent = text;
}

function renderShare() {
	const id = store.state.simId;
	const a = $('share-link');
	if (!id) {
		a.textContent = '–';
		return;
	}
	const u = new URL(location.href);
	u.searchParams.delete('embed');
	a.href = u.toString();
	a.textContent = id.slice(0, 8);
	a.title = t('sim.share');
	const conn = store.state.connection;
	setStatus(conn && conn !== 'idle' ? `(${conn})` : '');
	const embedUrl = new URL(location.href);
	embedUrl.searchParams.delete('embed');
	$('embed-open').href = embedUrl.toString();
}

function pairLabel(p) {
	// a phone shows ports only, so the whole choice fits the menu
	const narrow = window.innerWidth < 500;
	const c = p.client ? `${narrow ? '' : p.client.address}:${p.client.port}` : '?';
	const s = p.server ? `${narrow ? '' : p.server.address}:${p.server.port}` : '?';
	return t('pair.option', { id: p.id, client: c, server: s });
}

/** The pair the diagrams, timers and controls are about: the chosen one, or the newest when showing all. */
function focusPairId() {
	const { pairId } = store.state;
	if (pairId !== 'all') {
		return pairId;
	}
	const sc = store.state.scenario;
	if (sc && store.state.reveal != null) {
		const p = stepPair(sc.narration[sc.step], store.state.events);
		if (p != null) {
			return p;
		}
	}
	// the newest pair that the visible trace already shows
	const vis = store.visible();
	for (let i = vis.length - 1; i >= 0; i--) {
		if (vis[i].pair != null && vis[i].type === 'state') {
			return vis[i].pair;
		}
	}
	const ids = pairIds(store.state.sim, store.state.events);
	return ids.length ? ids[ids.length - 1] : null;
}

/** The pair most of a step's state changes are about. */
function stepPair(step, events) {
	if (!step) {
		return null;
	}
	const count = new Map();
	for (const e of events) {
		if (e.seq >= step.fromSeq && e.seq < step.toSeq && e.pair != null && (e.type === 'state' || e.type === 'segment' || e.type === 'call')) {
			count.set(e.pair, (count.get(e.pair) || 0) + 1);
		}
	}
	let best = null;
	for (const [p, n] of count) {
		if (best == null || n > count.get(best)) {
			best = p;
		}
	}
	return best;
}

/** For loads: at most 24 sample connections, spread over the run (first, last and evenly between). */
function samplePairs(ids) {
	if (ids.length <= 24) {
		return ids;
	}
	const out = new Set();
	for (let i = 0; i < 24; i++) {
		out.add(ids[Math.round((i * (ids.length - 1)) / 23)]);
	}
	return [...out];
}

function currentPair() {
	const id = focusPairId();
	return (store.state.sim?.pairs || []).find((p) => p.id === id) || null;
}

function renderPairSelect() {
	const sel = $('pair-select');
	const all = pairIds(store.state.sim, store.state.events);
	const load = all.length > 24;
	const ids = load ? samplePairs(all) : all;
	if (load && store.state.pairId != null && store.state.pairId !== 'all' && !ids.includes(store.state.pairId)) {
		ids.push(store.state.pairId);
	}
	while (sel.firstChild) {
		sel.removeChild(sel.firstChild);
	}
	$('load-hint').hidden = !load;
	if (load) {
		$('load-hint').textContent = t('pair.loadHint', { n: all.length });
		for (const id of ids) {
			const o = document.createElement('option');
			o.value = String(id);
			o.textContent = t('pair.sample', { id, total: all.length });
			sel.appendChild(o);
		}
		sel.value = String(store.state.pairId);
		sel.disabled = false;
		return;
	}
	if (ids.length > 1) {
		const o = document.createElement('option');
		o.value = 'all';
		o.textContent = t('pair.all');
		sel.appendChild(o);
	}
	for (const id of ids) {
		const p = (store.state.sim?.pairs || []).find((x) => x.id === id);
		const o = document.createElement('option');
		o.value = String(id);
		o.textContent = p ? pairLabel(p) : `pair ${id}`;
		sel.appendChild(o);
	}
	if (store.state.pairId != null) {
		sel.value = String(store.state.pairId);
	}
	sel.disabled = ids.length < 2;
}

function ladderWidth() {
	const box = document.querySelector('.ladder-scroll');
	const w = box ? box.clientWidth - 2 : 640;
	return Math.max(300, Math.min(760, w > 0 ? w : 640));
}

function renderLadderView() {
	const events = store.visible();
	const pair = currentPair();
	// keyboard focus on a segment is kept across redraws of the same simulation only (ids repeat across simulations)
	const active = ladderSimId === store.state.simId ? document.activeElement?.closest?.('#ladder g.seg') : null;
	const activeId = active ? active.getAttribute('data-id') : null;
	ladderSimId = store.state.simId;
	const all = store.state.pairId === 'all';
	const scroller = document.querySelector('.ladder-scroll');
	// follow the tail only while the reader is at the tail (defect 2)
	if (scroller && scroller.scrollHeight > scroller.clientHeight + 2) {
		followTail = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 40;
	}
	const layout = layoutLadder(events, { pair: all ? null : store.state.pairId, width: ladderWidth(), tagPairs: all, top: 22,
		nowMs: visibleNow(), t, formatMs });
	ladderHandle = renderLadder($('ladder'), layout, {
		t, formatMs,
		clientName: pair?.client ? (all ? pair.client.address : `${pair.client.address}:${pair.client.port}`) : '',
		serverName: pair?.server ? (all ? pair.server.address : `${pair.server.address}:${pair.server.port}`) : '',
		onFocus: (a) => showSegment(a),
		freshFromSeq: freshFrom(),
		headerSvg: $('ladder-head'),
	});
	$('ladder-empty').hidden = layout.arrows.length + layout.states.length + layout.calls.length > 0;
	if (activeId != null) {
		// a re-render must not steal the keyboard focus from the segment being read
		$('ladder').querySelector(`g.seg[data-id="${CSS.escape(activeId)}"]`)?.focus({ preventScroll: true });
	}
	if (focusedSegment != null) {
		const a = layout.arrows.find((x) => x.id === focusedSegment);
		if (a) {
			ladderHandle.highlight(a.id);
		}
	}
	const sc = store.state.scenario;
	const stepKey = sc && !sc.replaying ? `${store.state.simId}/${sc.step}/${store.state.reveal}/${store.state.pairId}` : null;
	if (stepKey && ladderHandle.freshBox && stepKey !== lastFreshStep) {
		lastFreshStep = stepKey;
		// scrolled once the whole page is drawn: the pinned narration's height decides where
		pendingFresh = { layout, box: ladderHandle.freshBox };
	}
	else if (scroller && followTail && !stepKey) {
		scroller.scrollTop = scroller.scrollHeight;
	}
}

/**
 * Brings what the step added into view (defect 1): inside the ladder's own scroll box on wide screens, in the
 * page below the pinned narration on phones.
 */
function showFresh(layout, box) {
	const svg = $('ladder');
	const scroller = document.querySelector('.ladder-scroll');
	const scale = svg.getBoundingClientRect().width / layout.width || 1;
	const top = box.y * scale;
	const h = box.h * scale;
	const inner = scroller.scrollHeight > scroller.clientHeight + 2;
	if (inner) {
		const room = scroller.clientHeight;
		scroller.scrollTop = Math.max(0, top - Math.max(12, (room - h) / 3));
		const r = scroller.getBoundingClientRect();
		if (r.top < 0 || r.bottom > window.innerHeight) {
			$('ladder-panel').scrollIntoView({ block: 'start' });
		}
		return;
	}
	const narration = $('narration');
	const pinned = narration && !narration.hidden && getComputedStyle(narration).position === 'sticky'
		? narration.getBoundingClientRect().height : 0;
	const svgTop = svg.getBoundingClientRect().top + window.scrollY;
	const head = $('ladder-head').getBoundingClientRect().height;
	const free = window.innerHeight - pinned;
	// the whole panel from its heading when that shows the new items too, else the new items a third down
	const panelTop = $('ladder-panel').getBoundingClientRect().top + window.scrollY - pinned - 6;
	const freshTop = svgTop + top;
	const fits = freshTop - panelTop >= pinned && freshTop + h - panelTop <= window.innerHeight - 10;
	const want = fits ? panelTop : svgTop + top - pinned - Math.max(8 + head, (free - h) / 3);
	window.scrollTo({ top: Math.max(0, want), behavior: 'instant' });
}

/** In a scenario, what the current step added is drawn heavier. */
function freshFrom() {
	const sc = store.state.scenario;
	if (!sc || store.state.reveal == null || sc.replaying) {
		return null;
	}
	return sc.narration[sc.step]?.fromSeq ?? null;
}

function showSegment(a) {
	focusedSegment = a.id;
	ladderHandle?.highlight(a.id);
	const dl = $('seg-fields');
	while (dl.firstChild) {
		dl.removeChild(dl.firstChild);
	}
	const r = a.raw;
	const rows = [
		['id', `#${a.id}`],
		[t('side.client') + '/' + t('side.server'), `${r.from} → ${r.to}`],
		['src → dst', `${r.src ?? '?'} → ${r.dst ?? '?'}`],
		['flags', flagText(r.flags)],
		['seq (raw)', r.tcpSeq],
		['ack (raw)', r.ack],
		['relSeq / relAck', `${r.relSeq} / ${r.relAck}`],
		['len', r.len],
		['window', r.window],
		['retransmission', r.retransmission ? t('yes') : t('no')],
		['answers', a.answers != null ? `#${a.answers} (${t('ladder.answers', { id: a.answers })})` : '–'],
		['events', a.events.map((e) => `${e.event} @ ${formatMs(e.timeMs)}`).join(', ')],
	];
	for (const [k, v] of rows) {
		const dt = document.createElement('dt');
		dt.textContent = k;
		const dd = document.createElement('dd');
		dd.textContent = String(v ?? '–');
		dl.append(dt, dd);
	}
	$('seg-hint').hidden = true;
}

function renderNotes() {
	const ul = $('notes');
	while (ul.firstChild) {
		ul.removeChild(ul.firstChild);
	}
	const notes = store.visible().filter((e) => e.type === 'note' && (e.pair == null || store.state.pairId === 'all' || e.pair === store.state.pairId)).slice(-6);
	for (const n of notes) {
		const li = document.createElement('li');
		const who = n.endpoint === 'client' || n.endpoint === 'server' ? `${t(`side.${n.endpoint}`)}: ` : '';
		li.textContent = `${formatMs(n.timeMs)} · ${who}${noteText(store.state.lang, n)}`;
		li.title = n.text;
		ul.appendChild(li);
	}
}

function renderStates() {
	const focus = focusPairId();
	const eps = store.endpoints()[focus] || {};
	const tagged = store.state.pairId === 'all' || pairIds(store.state.sim, store.state.events).length > 1;
	$('now-states').textContent = t('now.states', {
		client: `${tagged ? `p${focus} ` : ''}${t('side.client')} ${eps.client?.state ?? '–'}`,
		server: `${t('side.server')} ${eps.server?.state ?? '–'}`,
	});
	for (const fig of document.querySelectorAll('figure.diagram')) {
		const side = fig.dataset.side;
		const ep = eps[side];
		const sideName = t(side === 'server' ? 'side.server' : 'side.client');
		fig.querySelector('.d-title').textContent = tagged && focus != null ? `${sideName} (p${focus})` : sideName;
		fig.querySelector('.d-current').textContent = ep?.state ? t('states.current', { state: ep.state }) : '';
		const svg = fig.querySelector('svg');
		svg.setAttribute('aria-label', t('states.aria', { side: sideName, state: ep?.state ?? '–' }));
		renderStateDiagram(svg, ep, { idPrefix: `sd-${side}` });
		fig.querySelector('.d-last').textContent = ep?.last
			? t('states.last', { from: ep.last.from, to: ep.last.to, cause: ep.last.cause ?? '?', time: formatMs(ep.last.timeMs) })
			: t('states.none');
	}
}

function visibleNow() {
	if (store.state.reveal != null) {
		const v = store.visible();
		return v.length ? v[v.length - 1].timeMs : 0;
	}
	return currentNow();
}

function renderClock() {
	const c = store.state.clock;
	$('clock-now').textContent = t('clock.now', { now: formatMs(visibleNow()) });
	let mode = '';
	if (c) {
		if (c.mode !== 'realtime') {
			mode = t('clock.manual');
		}
		else {
			mode = c.paused ? t('clock.paused') : t('clock.running', { speed: c.speed ?? 1 });
		}
	}
	$('clock-mode').textContent = mode ? `(${mode})` : '';
	const pp = $('play-pause');
	const paused = !c || c.paused || c.mode !== 'realtime';
	pp.textContent = paused ? t('clock.play') : t('clock.pause');
	pp.setAttribute('aria-pressed', String(!paused));
	if (c?.speed != null && document.activeElement !== $('speed')) {
		const opt = [...$('speed').options].find((o) => Number(o.value) === Number(c.speed));
		if (opt) {
			$('speed').value = opt.value;
		}
	}
}

function renderTimers() {
	const ul = $('timers');
	while (ul.firstChild) {
		ul.removeChild(ul.firstChild);
	}
	const events = store.visible();
	const complete = store.state.reveal != null || (store.state.oldestSeq ?? 0) === 0;
	const now = visibleNow();
	const timers = runningTimers(events, store.state.reveal != null ? null : store.state.sim, { complete })
		.filter((x) => store.state.pairId === 'all' || x.pair === store.state.pairId);
	if (timers.length === 0) {
		const li = document.createElement('li');
		li.className = 'hint';
		li.textContent = t('timers.none');
		ul.appendChild(li);
	}
	for (const tm of timers) {
		const { leftMs, fraction } = countdown(tm, now);
		const li = document.createElement('li');
		li.className = `timer timer-${tm.timer}`;
		const name = document.createElement('strong');
		const who = store.state.pairId === 'all' ? `p${tm.pair} ` : '';
		name.textContent = `${who}${t(tm.endpoint === 'server' ? 'side.server' : 'side.client')} · ${tm.timer}`;
		const left = document.createElement('span');
		left.className = 'timer-left';
		left.textContent = ` ${t('timers.left', { left: formatMs(leftMs) })} · ${t('timers.expires', { at: formatMs(tm.expiresAtMs) })}`;
		li.append(name, left);
		if (fraction != null) {
			const bar = document.createElement('progress');
			bar.max = 1;
			bar.value = fraction;
			bar.setAttribute('aria-label', `${tm.timer} ${t('timers.left', { left: formatMs(leftMs) })}`);
			li.appendChild(bar);
		}
		ul.appendChild(li);
	}
	const chart = $('census-chart');
	const drawn = renderCensus(chart, censusSeries(events), { formatMs, title: t('timers.censusChart') });
	// an <svg> has no hidden property: the attribute is what hides it (defect 7)
	chart.toggleAttribute('hidden', !drawn);
	if (drawn) {
		chart.setAttribute('aria-label', t('timers.censusChart'));
	}
	const census = store.state.reveal == null ? store.state.sim?.census : null;
	const lastCensus = [...events].reverse().find((e) => e.type === 'census');
	const counts = lastCensus?.counts || census;
	$('census').textContent = counts && Object.keys(counts).length
		? `${t('timers.census')} ${Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(' · ')}`
		: '';
}

function renderResults() {
	const ol = $('results');
	while (ol.firstChild) {
		ol.removeChild(ol.firstChild);
	}
	$('results-empty').hidden = store.state.results.length > 0;
	for (const r of store.state.results.slice(0, 8)) {
		const li = document.createElement('li');
		let text = r.text;
		let err = r.errno;
		const done = r.pending ? completionOf(store.state.events, r.pending) : null;
		if (done) {
			const res = String(done.result);
			err = /^E[A-Z]+$/.test(res);
			text = t('result.ok', { call: r.who + r.label, result: t('pending.done', { result: err ? `${res} (${t(`errno.${res}`)})` : res }) });
		}
		li.className = err ? 'errno' : '';
		li.textContent = `${err ? '⚠ ' : '✓ '}${text}`;
		ol.appendChild(li);
	}
}

function snippetText() {
	const opts = { base: location.origin, endMs: store.state.sim?.nowMs ?? null };
	return snippetKind === 'python' ? pythonSnippet(store.state.actions, opts) : curlSnippet(store.state.actions, opts);
}

function renderExport() {
	const id = store.state.simId;
	$('dl-pcap').href = id ? api.pcapUrl(id) : '#';
	$('snippet').value = store.state.actions.length ? snippetText() : '';
	$('tab-curl').setAttribute('aria-selected', String(snippetKind === 'curl'));
	$('tab-python').setAttribute('aria-selected', String(snippetKind === 'python'));
}

function buildSideControls() {
	const host = document.querySelector('#controls-panel .sides');
	const tpl = $('side-controls');
	for (const old of host.querySelectorAll('fieldset')) {
		old.remove();
	}
	for (const side of ['client', 'server']) {
		const frag = tpl.content.cloneNode(true);
		const fs = frag.querySelector('fieldset');
		fs.dataset.side = side;
		const sideName = t(side === 'server' ? 'side.server' : 'side.client');
		fs.querySelector('.side-title').textContent = sideName;
		fs.querySelector('.calls-title').textContent = t('controls.calls', { side: sideName });
		fs.querySelector('.net-title').textContent = t('controls.network', { side: sideName });
		const names = { close: 'controls.close', recv: 'controls.recv', shutdown: 'controls.shutdown', send: 'controls.send',
			linger: 'controls.linger', abort: 'controls.abort', lose: 'controls.lose', duplicate: 'controls.duplicate',
			delay: 'controls.delay', hold: 'controls.hold', release: 'controls.release', 'resend-fin': 'controls.resendFin' };
		for (const b of fs.querySelectorAll('button[data-action]')) {
			b.dataset.side = side;
			b.textContent = t(names[b.dataset.action]);
			b.setAttribute('aria-label', `${sideName}: ${t(names[b.dataset.action])}`);
		}
		const fieldLabels = { how: 'controls.how', bytes: 'controls.bytes', seconds: 'controls.lingerSeconds', segment: 'controls.segment', ms: 'controls.delayMs' };
		for (const f of fs.querySelectorAll('[data-field]')) {
			f.setAttribute('aria-label', `${sideName}: ${t(fieldLabels[f.dataset.field])}`);
			f.id = `${side}-${f.dataset.field}`;
		}
		host.appendChild(frag);
	}
}

// ------------------------------------------------------------------ events

function wire() {
	$('controls-panel').addEventListener('click', (ev) => {
		const b = ev.target.closest('button[data-action]');
		if (!b) {
			return;
		}
		const fs = b.closest('fieldset');
		const fields = {};
		for (const f of fs.querySelectorAll('[data-field]')) {
			fields[f.dataset.field] = f.value;
		}
		doPairAction(b.dataset.side, b.dataset.action, fields);
	});
	$('pair-form').addEventListener('submit', openPair);
	$('pair-select').addEventListener('change', (e) => {
		focusedSegment = null;
		store.set({ pairId: e.target.value === 'all' ? 'all' : Number(e.target.value) });
	});
	$('new-sim').addEventListener('click', () => {
		scenarioView.leave({ silent: true });
		startSimulation($('profile').value).catch(showFatal);
	});
	$('profile').addEventListener('change', () => {
		scenarioView.leave({ silent: true });
		startSimulation($('profile').value).catch(showFatal);
	});
	$('lang-toggle').addEventListener('click', toggleLang);
	$('narration-lang').addEventListener('click', toggleLang);
	$('play-pause').addEventListener('click', () => {
		const c = store.state.clock;
		if (c?.mode !== 'realtime') {
			doClock({ clock: 'realtime', paused: false });
			return;
		}
		doClock({ paused: !c.paused });
	});
	$('step').addEventListener('click', () => doClock({ step: true }));
	$('run-idle').addEventListener('click', () => doClock({ runUntilIdle: true }));
	$('speed').addEventListener('change', (e) => doClock({ speed: Number(e.target.value) }));
	$('dl-json').addEventListener('click', downloadJson);
	$('tab-curl').addEventListener('click', () => {
		snippetKind = 'curl';
		renderExport();
	});
	$('tab-python').addEventListener('click', () => {
		snippetKind = 'python';
		renderExport();
	});
	$('copy-snippet').addEventListener('click', copySnippet);
	$('share-link').addEventListener('click', (e) => {
		e.preventDefault();
		navigator.clipboard?.writeText($('share-link').href).then(() => {
			$('copy-status').textContent = t('export.copied');
		}).catch(() => {});
	});
	let resizeTimer = null;
	window.addEventListener('resize', () => {
		clearTimeout(resizeTimer);
		resizeTimer = setTimeout(() => {
			renderLadderView();
			renderPairSelect();
		}, 150);
	});
	store.addEventListener('change', (e) => scheduleRender(e.detail.changed));
	// countdowns between clock reports
	setInterval(() => {
		const c = store.state.clock;
		if (c && c.mode === 'realtime' && !c.paused && store.state.reveal == null) {
			renderClock();
			renderTimers();
			ladderHandle?.tick(visibleNow());
		}
	}, 250);
}

function toggleLang() {
	const lang = store.state.lang === 'ko' ? 'en' : 'ko';
	try {
		localStorage.setItem('tcplab.lang', lang);
	}
	catch {
		// ignore
	}
	store.set({ lang });
}

async function downloadJson() {
	const id = store.state.simId;
	if (!id) {
		return;
	}
	let data;
	try {
		data = await api.trace(id, 0);
	}
	catch {
		data = { events: store.state.events, nextSeq: store.state.nextSeq };
	}
	const blob = new Blob([JSON.stringify({ simulation: store.state.sim, ...data }, null, 2)], { type: 'application/json' });
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = `tcplab-${id.slice(0, 8)}.json`;
	document.body.appendChild(a);
	a.click();
	setTimeout(() => {
		URL.revokeObjectURL(a.href);
		a.remove();
	}, 1000);
}

async function copySnippet() {
	const text = $('snippet').value;
	try {
		await navigator.clipboard.writeText(text);
	}
	catch {
		$('snippet').select();
		document.execCommand?.('copy');
	}
	$('copy-status').textContent = t('export.copied');
}

function showFatal(e) {
	addResult({ label: 'tcplab', error: e instanceof Error ? e : new Error(String(e)) });
	setStatus(String(e?.message || e));
}

async function main() {
	if (store.state.embed) {
		document.body.classList.add('embed');
	}
	wire();
	mountPacketdrill({
		openSimulation: async (id) => {
			setUrl({ sim: id });
			await openExisting(id);
		},
		current: () => ({ simId: store.state.sim?.id, pairId: focusPairId() }),
	});
	render(null);
	await scenarioView.loadList().catch(() => {});
	// issue 17: comparisons, "Write your own", embeds and downloads (frontend/authors-ui.js)
	let authors = { openDocument: async () => { throw new Error('authors tools unavailable'); }, openComparison: async () => false };
	try {
		authors = initAuthors({ store, scenarioView, $, onError: (e) => addResult({ label: 'tcplab', error: e }) });
	}
	catch (e) {
		// the page works without the authors' tools
		addResult({ label: 'tcplab', error: e });
	}
	const scenario = params.get('scenario');
	const sim = params.get('sim');
	if (params.get('doc')) {
		try {
			await authors.openDocument(params.get('doc'), { step: params.get('step') || undefined });
		}
		catch (e) {
			await startSimulation($('profile').value);
			addResult({ label: 'doc', error: e });
		}
	}
	else if (scenario) {
		try {
			await scenarioView.run(scenario, { profile: params.get('profile') || undefined, step: params.get('step') || undefined });
		}
		catch (e) {
			// a scenario that cannot run must not leave an empty page: say why and open a sandbox instead
			await startSimulation($('profile').value);
			addResult({ label: `scenario ${scenario}`, error: e });
		}
	}
	else if (sim) {
		await openExisting(sim);
	}
	else {
		await startSimulation($('profile').value);
	}
	if (params.get('compare') && store.state.scenario) {
		await authors.openComparison(params.get('compare')).catch((e) => addResult({ label: 'compare', error: e }));
	}
}

main().catch(showFatal);

// for the browser tests and the curious: read-only access to the state
window.tcplab = { get state() { return store.state; } };
