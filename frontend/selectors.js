// Derived values of the store's state that several views and controllers need. Pure functions of the state
// (no DOM), so node --test checks them.
import { pairIds, visibleEvents, virtualNow } from './store.js';

/** The pair most of a step's events are about; for a load step (many pairs, one event kind each), the last one. */
export function stepPair(step, events) {
	if (!step) {
		return null;
	}
	const count = new Map();
	let lastPair = null;
	for (const e of events) {
		if (e.seq >= step.fromSeq && e.seq < step.toSeq && e.pair != null && (e.type === 'state' || e.type === 'segment' || e.type === 'call')) {
			count.set(e.pair, (count.get(e.pair) || 0) + 1);
			lastPair = e.pair;
		}
	}
	if (count.size > 24) {
		// a load: the connection the step ends with (the one that met the lesson: a full port range, the last TIME_WAIT)
		return lastPair;
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
export function samplePairs(ids, max = 24) {
	if (ids.length <= max) {
		return ids;
	}
	const out = new Set();
	for (let i = 0; i < max; i++) {
		out.add(ids[Math.round((i * (ids.length - 1)) / (max - 1))]);
	}
	return [...out];
}

/** Is the simulation a load run (more pairs than a ladder can show one by one)? */
export function isLoad(state) {
	return pairIds(state.sim, state.events).length > 24;
}

/** The pair the diagrams, timers and controls are about: the chosen one, or the step's / newest when showing all. */
export function focusPairId(state) {
	const { pairId } = state;
	if (pairId !== 'all') {
		return pairId;
	}
	const sc = state.scenario;
	if (sc && state.reveal != null) {
		const p = stepPair(sc.narration[sc.step], state.events);
		if (p != null) {
			return p;
		}
	}
	// the newest pair that the visible trace already shows
	const vis = visibleEvents(state.events, state.reveal);
	for (let i = vis.length - 1; i >= 0; i--) {
		if (vis[i].pair != null && vis[i].type === 'state') {
			return vis[i].pair;
		}
	}
	const ids = pairIds(state.sim, state.events);
	return ids.length ? ids[ids.length - 1] : null;
}

/** The snapshot's record of a pair (addresses and ports), or null. */
export function pairRecord(state, id) {
	return (state.sim?.pairs || []).find((p) => p.id === id) || null;
}

/** The virtual "now" of the events being shown: the last visible event at a step, the running clock otherwise. */
export function visibleNow(state, wallNowMs = Date.now()) {
	const ev = state.events;
	if (state.reveal != null) {
		const v = visibleEvents(ev, state.reveal);
		return Math.max(v.length ? v[v.length - 1].timeMs : 0, stepEndMs(state) ?? 0);
	}
	return virtualNow(state.clock, wallNowMs, ev.length ? ev[ev.length - 1].timeMs : 0);
}

/** When the step shown ended (the clock may stand after its last event), or null outside a step. */
export function stepEndMs(state) {
	const sc = state.scenario;
	const step = sc && !sc.replaying ? sc.narration[sc.step] : null;
	return step && step.endMs != null && state.reveal === step.toSeq - 1 ? step.endMs : null;
}

/** The seq from which the current step's items are drawn heavier (null outside a step or during a replay). */
export function freshFromSeq(state) {
	const sc = state.scenario;
	if (!sc || state.reveal == null || sc.replaying) {
		return null;
	}
	return sc.narration[sc.step]?.fromSeq ?? null;
}

/** Is an earlier step shown, so that a control would branch a new simulation? */
export function branching(state) {
	const sc = state.scenario;
	return !!sc && state.reveal != null && sc.step < sc.narration.length - 1;
}
