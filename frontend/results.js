// The Results list: what a call returned, told the way the ladder tells it. Pure functions.

/** The completion event of a call that blocked (result "pending"), once the trace has it; null before. */
export function completionOf(events, pending) {
	for (let i = events.length - 1; i >= 0 && events[i].seq > pending.seq; i--) {
		const e = events[i];
		if (e.type === 'call' && e.completed && e.pair === pending.pair && e.endpoint === pending.side && e.call === pending.call) {
			return e;
		}
	}
	return null;
}

/** The i18n key that explains an errno: EPIPE after an RST reached this side means reset, not "shut down writing". */
export function errnoKey(events, pair, side, errno) {
	if (errno === 'EPIPE' && side) {
		const reset = events.some((e) => e.type === 'segment' && e.pair === pair && e.to === side
			&& e.event === 'delivered' && (e.flags || []).includes('RST'));
		if (reset) {
			return 'errno.EPIPE.rst';
		}
	}
	return `errno.${errno}`;
}
