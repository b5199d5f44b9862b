// Timer countdowns on the virtual clock. Pure functions: which timers run, and how much time each has left.

/**
 * Running timers from the trace: armed/restarted set a timer, cancelled/fired remove it.
 * @returns [{pair, endpoint, timer, armedAtMs, expiresAtMs}] in arming order
 */
export function timersFromTrace(events) {
	const running = new Map();
	for (const e of events) {
		if (e.type !== 'timer') {
			continue;
		}
		const key = `${e.pair}/${e.endpoint}/${e.timer}`;
		if (e.action === 'armed' || e.action === 'restarted') {
			running.set(key, { pair: e.pair, endpoint: e.endpoint, timer: e.timer, armedAtMs: e.timeMs,
				expiresAtMs: e.expiresAtMs, restarted: e.action === 'restarted' });
		}
		else if (e.action === 'cancelled' || e.action === 'fired') {
			running.delete(key);
		}
	}
	return [...running.values()];
}

/** Running timers from a snapshot's endpoints (used when the trace does not reach back to seq 0). */
export function timersFromSnapshot(sim) {
	const out = [];
	for (const p of sim?.pairs || []) {
		for (const side of ['client', 'server']) {
			for (const tm of p[side]?.timers || []) {
				out.push({ pair: p.id, endpoint: side, timer: tm.timer, armedAtMs: null, expiresAtMs: tm.expiresAtMs });
			}
		}
	}
	return out;
}

/** Chooses the source: the full trace when it starts at seq 0, otherwise the snapshot. */
export function runningTimers(events, sim, { complete = true } = {}) {
	const fromStart = events.length > 0 && events[0].seq === 0;
	if (complete && fromStart) {
		return timersFromTrace(events);
	}
	if (!sim) {
		return timersFromTrace(events);
	}
	return timersFromSnapshot(sim);
}

/** Remaining ms (never negative) and progress 0..1 of a timer at virtual time now. */
export function countdown(timer, nowMs) {
	const left = Math.max(0, (timer.expiresAtMs ?? nowMs) - nowMs);
	let fraction = null;
	if (timer.armedAtMs != null && timer.expiresAtMs > timer.armedAtMs) {
		fraction = Math.min(1, Math.max(0, (nowMs - timer.armedAtMs) / (timer.expiresAtMs - timer.armedAtMs)));
	}
	return { leftMs: left, fraction };
}
