// Application state: one EventTarget fed by the REST API and the WebSocket stream. Views listen to "change".
// The derivation helpers are pure functions so node --test can check them without a DOM.

/** Merges trace events into a seq-ordered array without duplicates (later copies of a seq are ignored). */
export function mergeEvents(existing, incoming) {
	if (!incoming || incoming.length === 0) {
		return existing;
	}
	// fast path: the stream delivers events in seq order after the ones we have, so they are appended
	let last = existing.length ? existing[existing.length - 1].seq : -1;
	let ordered = true;
	for (const e of incoming) {
		if (!e || typeof e.seq !== 'number' || e.seq <= last) {
			ordered = false;
			break;
		}
		last = e.seq;
	}
	if (ordered) {
		return existing.concat(incoming);
	}
	const bySeq = new Map(existing.map((e) => [e.seq, e]));
	let added = false;
	for (const e of incoming) {
		if (e && typeof e.seq === 'number' && !bySeq.has(e.seq)) {
			bySeq.set(e.seq, e);
			added = true;
		}
	}
	if (!added) {
		return existing;
	}
	return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Events visible at a reveal point (null = all). */
export function visibleEvents(events, revealSeq) {
	if (revealSeq == null) {
		return events;
	}
	return events.filter((e) => e.seq <= revealSeq);
}

/**
 * Each pair's endpoint states as the trace tells them: {pairId: {client: {state, last}, server: {...}}}, where
 * last is the latest state event ({from, to, cause, timeMs, seq}) and history is every state in order.
 * Baseline states (from a snapshot) are used for endpoints the trace never mentions.
 */
export function deriveEndpoints(events, baseline = {}) {
	const out = {};
	for (const [pairId, sides] of Object.entries(baseline)) {
		out[pairId] = {};
		for (const [side, state] of Object.entries(sides)) {
			out[pairId][side] = { state, last: null, history: state ? [state] : [] };
		}
	}
	for (const e of events) {
		if (e.type !== 'state' || e.pair == null) {
			continue;
		}
		const p = (out[e.pair] ||= {});
		const ep = (p[e.endpoint] ||= { state: e.from, last: null, history: [] });
		if (ep.history.length === 0 || ep.fromTrace !== true) {
			ep.history = [e.from];
			ep.fromTrace = true;
		}
		ep.state = e.to;
		ep.last = { from: e.from, to: e.to, cause: e.cause, timeMs: e.timeMs, seq: e.seq };
		ep.history.push(e.to);
	}
	return out;
}

/** Baseline {pairId: {client: state, server: state}} from a simulation snapshot. */
export function baselineFromSnapshot(sim) {
	const out = {};
	for (const p of sim?.pairs || []) {
		out[p.id] = { client: p.client?.state ?? null, server: p.server?.state ?? null };
	}
	return out;
}

/** Pair ids known from the snapshot and the trace, ascending. */
export function pairIds(sim, events) {
	const ids = new Set((sim?.pairs || []).map((p) => p.id));
	for (const e of events) {
		if (e.pair != null) {
			ids.add(e.pair);
		}
	}
	return [...ids].sort((a, b) => a - b);
}

/**
 * The virtual "now": in realtime mode the last clock report advanced by wall time × speed, otherwise the last
 * reported value. Never earlier than the newest visible event.
 */
export function virtualNow(clock, wallNowMs, latestEventMs = 0) {
	if (!clock) {
		return latestEventMs;
	}
	let now = clock.nowMs ?? 0;
	if (clock.mode === 'realtime' && !clock.paused && clock.receivedAt != null) {
		now += Math.max(0, wallNowMs - clock.receivedAt) * (clock.speed ?? 1);
	}
	return Math.max(now, latestEventMs);
}

export class Store extends EventTarget {
	constructor(initial = {}) {
		super();
		this.state = {
			lang: 'en',
			simId: null,
			sim: null,
			events: [],
			nextSeq: 0,
			oldestSeq: 0,
			clock: null,
			pairId: null,
			reveal: null,
			scenario: null,
			results: [],
			actions: [],
			connection: 'idle',
			message: null,
			embed: false,
			...initial,
		};
	}

	/** Shallow-merges a partial state and announces which keys changed. */
	set(partial) {
		const changed = Object.keys(partial).filter((k) => this.state[k] !== partial[k]);
		if (changed.length === 0) {
			return;
		}
		this.state = { ...this.state, ...partial };
		this.dispatchEvent(new CustomEvent('change', { detail: { changed } }));
	}

	/** A fresh simulation: forget the old trace, results and actions. */
	loadSimulation(sim, { actions = [] } = {}) {
		const pairId = sim.pairs?.length ? sim.pairs[sim.pairs.length - 1].id : null;
		this.set({
			simId: sim.id,
			sim,
			events: [],
			nextSeq: 0,
			oldestSeq: sim.oldestSeq ?? 0,
			clock: clockFromSnapshot(sim),
			pairId,
			reveal: null,
			results: [],
			actions,
			message: null,
		});
	}

	setSnapshot(sim) {
		const partial = { sim, clock: { ...clockFromSnapshot(sim), mode: sim.clock ?? this.state.clock?.mode } };
		if (this.state.pairId == null && sim.pairs?.length) {
			partial.pairId = sim.pairs[0].id;
		}
		this.set(partial);
	}

	addEvents(list) {
		const events = mergeEvents(this.state.events, list);
		if (events === this.state.events) {
			return false;
		}
		const last = events[events.length - 1];
		const partial = { events, nextSeq: Math.max(this.state.nextSeq, last.seq + 1) };
		if (this.state.pairId == null) {
			const withPair = list.find((e) => e.pair != null);
			if (withPair) {
				partial.pairId = withPair.pair;
			}
		}
		this.set(partial);
		return true;
	}

	setClock({ nowMs, paused, speed, clock }, wallNowMs = Date.now()) {
		const prev = this.state.clock || {};
		this.set({ clock: { ...prev, nowMs: nowMs ?? prev.nowMs, paused: paused ?? prev.paused, speed: speed ?? prev.speed,
			mode: clock ?? prev.mode, receivedAt: wallNowMs } });
	}

	addResult(result) {
		this.set({ results: [result, ...this.state.results].slice(0, 30) });
	}

	logAction(action) {
		this.set({ actions: [...this.state.actions, action] });
	}

	visible() {
		return visibleEvents(this.state.events, this.state.reveal);
	}

	endpoints() {
		return deriveEndpoints(this.visible(), this.state.reveal == null ? baselineFromSnapshot(this.state.sim) : {});
	}
}

function clockFromSnapshot(sim) {
	return {
		nowMs: sim.nowMs ?? 0,
		paused: !!sim.paused,
		speed: sim.speed ?? 1,
		mode: sim.clock ?? 'manual',
		receivedAt: Date.now(),
	};
}
