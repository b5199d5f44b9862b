import test from 'node:test';
import assert from 'node:assert/strict';
import { timersFromTrace, timersFromSnapshot, runningTimers, countdown } from '../timers.js';
import { visibleEvents } from '../store.js';
import { normalClose, lostLastAck } from './fixtures.js';

test('TIME_WAIT runs after the last ACK and is gone once it fired', () => {
	const ev = normalClose();
	const twArmed = ev.find((e) => e.type === 'timer' && e.timer === 'TIME_WAIT').seq;
	const mid = timersFromTrace(visibleEvents(ev, twArmed));
	assert.deepEqual(mid.map((x) => `${x.endpoint}:${x.timer}`), ['server:RETRANSMIT', 'client:TIME_WAIT']);
	assert.deepEqual(timersFromTrace(ev), []);
});

test('a retransmitted FIN restarts TIME_WAIT', () => {
	const ev = lostLastAck();
	const restart = ev.find((e) => e.type === 'timer' && e.timer === 'TIME_WAIT' && e.action === 'restarted');
	const tw = timersFromTrace(visibleEvents(ev, restart.seq)).find((x) => x.timer === 'TIME_WAIT');
	assert.equal(tw.expiresAtMs, restart.timeMs + 60000);
	assert.equal(tw.restarted, true);
});

test('countdowns are measured on the virtual clock', () => {
	const tm = { armedAtMs: 2010, expiresAtMs: 62010 };
	assert.deepEqual(countdown(tm, 32010), { leftMs: 30000, fraction: 0.5 });
	assert.equal(countdown(tm, 99999).leftMs, 0);
	assert.equal(countdown({ armedAtMs: null, expiresAtMs: 100 }, 40).fraction, null);
});

test('a snapshot supplies timers when the trace does not start at seq 0', () => {
	const sim = { pairs: [{ id: 1, client: { timers: [{ timer: 'TIME_WAIT', expiresAtMs: 60000 }] }, server: { timers: [] } }] };
	assert.deepEqual(timersFromSnapshot(sim), [{ pair: 1, endpoint: 'client', timer: 'TIME_WAIT', armedAtMs: null, expiresAtMs: 60000 }]);
	assert.equal(runningTimers([{ seq: 7, type: 'note' }], sim).length, 1);
	assert.equal(runningTimers(normalClose(), sim).length, 0);
});
