// packetdrill interop (issue 15): the example script, the export URL, one verdict per script line and which sides of
// a pair can be exported. Pure functions; views/packetdrill.js draws the panel.
import { translate } from './i18n.js';

export const EXAMPLE = `// The lab's endpoint is the server; this script plays the client.
// Client closes first; the server reads EOF and closes (LAST_ACK).
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0

+0    < S 0:0(0) win 65535 <mss 1460>
+0    > S. 0:0(0) ack 1 <...>
+.01  < . 1:1(0) ack 1 win 65535
+0    accept(3, ..., ...) = 4

+.01  < F. 1:1(0) ack 1 win 65535
+0    > . 1:1(0) ack 2
+0    read(4, ..., 1000) = 0

+.01  close(4) = 0
+0    > F. 1:1(0) ack 2
+.01  < . 2:2(0) ack 2 win 65535
`;

/** The packetdrill export URL of one side of a pair. */
export function exportUrl(simId, pairId, side) {
	return `/api/simulations/${encodeURIComponent(simId)}/pairs/${encodeURIComponent(pairId)}/packetdrill?side=${side}`;
}

/**
 * One row per script line: its text and, when the run reached it, its verdict ({status, message}); the failing line
 * also carries expected and actual.
 */
export function verdictRows(script, result) {
	const byLine = new Map((result?.lines || []).map((l) => [l.line, l]));
	const failure = result?.failure || null;
	return script.split('\n').map((text, i) => {
		const line = i + 1;
		const v = byLine.get(line);
		const row = { line, text, status: v ? v.status : null, message: v?.message || '' };
		if (failure && failure.line === line) {
			row.status = 'failed';
			row.message = failure.message;
			row.expected = failure.expected;
			row.actual = failure.actual;
		}
		return row;
	});
}

/** A one-line summary of a run, in English. */
export function summary(result) {
	return localSummary(result, (k, p) => translate('en', k, p));
}

/**
 * The sides of a pair that can be exported as a script: those that made socket calls. In a packetdrill run the
 * script played the other side with raw segments only; its export would have no calls and would fail.
 */
export function exportableSides(events, pairId) {
	const sides = new Set();
	for (const e of events) {
		if (e.type === 'call' && e.pair === pairId && (e.endpoint === 'client' || e.endpoint === 'server')) {
			sides.add(e.endpoint);
		}
	}
	return sides;
}

/** A run's summary in the page's language: "passed — 14 ok, 0 skipped, …" (t translates the pd.* keys). */
export function localSummary(result, t) {
	if (!result) {
		return '';
	}
	const count = (s) => (result.lines || []).filter((l) => l.status === s).length;
	const head = result.passed ? t('pd.passed') : result.failure ? t('pd.failedAt', { line: result.failure.line }) : t('pd.notPassed');
	return t('pd.counts', { head, ok: count('ok'), skipped: count('skipped'), unsupported: count('unsupported'), failed: count('failed') });
}

