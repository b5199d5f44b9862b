// Guided scenarios: which trace events each narration step shows (pure; controllers/scenario.js walks them).

/**
 * The last seq to show at a narration step (index 0-based). A step produced the events fromSeq ≤ seq < toSeq
 * (half-open, as the scenario runner reports them), so everything below that step's toSeq is visible.
 */
export function revealForStep(narration, step) {
	if (!narration || narration.length === 0) {
		return null;
	}
	const s = narration[Math.max(0, Math.min(step, narration.length - 1))];
	return s.toSeq - 1;
}

/** The index of the narration step that produced a trace seq (the first step whose toSeq > seq). */
export function stepForSeq(narration, seq) {
	for (let i = 0; i < narration.length; i++) {
		if (seq < narration[i].toSeq) {
			return i;
		}
	}
	return narration.length - 1;
}

/** The seqs a slow replay walks through: every segment/state/call event, in order. */
export function replaySeqs(events) {
	return events.filter((e) => e.type === 'segment' || e.type === 'state' || e.type === 'call').map((e) => e.seq);
}
