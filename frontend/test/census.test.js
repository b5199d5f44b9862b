import test from 'node:test';
import assert from 'node:assert/strict';
import { censusSeries, censusSummary } from '../census.js';
import { translate, formatMs } from '../i18n.js';

test('a trace that does not reach back to seq 0 is charted from its census events', () => {
	const ev = [
		{ seq: 10, type: 'census', timeMs: 0, counts: { LISTEN: 1, ESTABLISHED: 3, TIME_WAIT: 0 } },
		{ seq: 11, type: 'state', timeMs: 5, pair: 9, endpoint: 'client', from: 'FIN_WAIT_2', to: 'TIME_WAIT' },
		{ seq: 12, type: 'census', timeMs: 1000, counts: { LISTEN: 1, ESTABLISHED: 4, TIME_WAIT: 90 } },
		{ seq: 13, type: 'census', timeMs: 2000, counts: { LISTEN: 1, ESTABLISHED: 2, TIME_WAIT: 180 } },
	];
	const d = censusSeries(ev);
	assert.deepEqual(d.times, [0, 1000, 2000]);
	assert.deepEqual(d.series, { ESTABLISHED: [3, 4, 2], TIME_WAIT: [0, 90, 180] });
	assert.equal(d.max, 180);
	assert.deepEqual(censusSeries([]).series, {});
});

/** A busy client: n connections, each closed first by the client (TIME_WAIT there), then connect() fails. */
function portsRunOut(n) {
	const ev = [];
	const add = (e) => ev.push({ seq: ev.length, ...e });
	add({ type: 'census', timeMs: 0, counts: { LISTEN: 1 } });
	for (let p = 1; p <= n; p++) {
		const at = p * 100;
		add({ type: 'state', timeMs: at, pair: p, endpoint: 'client', from: 'CLOSED', to: 'SYN_SENT' });
		add({ type: 'state', timeMs: at + 10, pair: p, endpoint: 'client', from: 'SYN_SENT', to: 'ESTABLISHED' });
		add({ type: 'state', timeMs: at + 20, pair: p, endpoint: 'client', from: 'ESTABLISHED', to: 'FIN_WAIT_1' });
		add({ type: 'state', timeMs: at + 30, pair: p, endpoint: 'client', from: 'FIN_WAIT_1', to: 'TIME_WAIT' });
	}
	add({ type: 'call', timeMs: n * 100 + 50, pair: null, endpoint: 'client', call: 'connect', result: 'EADDRNOTAVAIL' });
	for (let p = 1; p <= n; p++) {
		add({ type: 'state', timeMs: 60000 + p * 100 + 30, pair: p, endpoint: 'client', from: 'TIME_WAIT', to: 'CLOSED', cause: 'TIME_WAIT timer' });
	}
	return ev;
}

test('a load is counted from its state changes over the whole run: the TIME_WAIT peak and the failing connect()', () => {
	const ev = portsRunOut(300);
	const d = censusSeries(ev, { load: true });
	assert.deepEqual(d.peak, { state: 'TIME_WAIT', n: 300, timeMs: 30030 });
	assert.equal(d.series.TIME_WAIT.at(-1), 0, 'all drained at the end');
	assert.equal(d.times.at(-1), 60000 + 300 * 100 + 30, 'the chart runs to the end of the trace, not to the last census event');
	assert.deepEqual(d.failures, [{ timeMs: 30050, call: 'connect', errno: 'EADDRNOTAVAIL', side: 'client' }]);
	const upToFailure = censusSeries(ev.filter((e) => e.timeMs <= 30050), { load: true });
	assert.equal(upToFailure.series.TIME_WAIT.at(-1), 300);
	const en = (k, p) => translate('en', k, p);
	assert.equal(censusSummary(d, en, formatMs), 'Sockets per state over virtual time (all hosts). TIME_WAIT peaks at 300 at 30.03 s. '
		+ 'connect() fails with EADDRNOTAVAIL at 30.05 s');
	assert.deepEqual(censusSeries(ev.slice(1, 5)).series, {}, 'one connection without census events gets no chart');
});
