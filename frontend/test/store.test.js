import test from 'node:test';
import assert from 'node:assert/strict';
import { Store, mergeEvents, deriveEndpoints, baselineFromSnapshot, virtualNow, visibleEvents, pairIds } from '../store.js';
import { normalClose, lostLastAck } from './fixtures.js';

test('events merge in seq order without duplicates', () => {
	const a = [{ seq: 0 }, { seq: 2 }];
	const merged = mergeEvents(a, [{ seq: 1 }, { seq: 2, dup: true }, { seq: 3 }]);
	assert.deepEqual(merged.map((e) => e.seq), [0, 1, 2, 3]);
	assert.equal(merged[2].dup, undefined, 'the first copy of a seq wins');
	assert.equal(mergeEvents(a, [{ seq: 0 }]), a, 'nothing new keeps the same array');
});

test('endpoint states follow the trace: the article normal close', () => {
	const eps = deriveEndpoints(normalClose());
	assert.equal(eps[1].client.state, 'CLOSED');
	assert.deepEqual(eps[1].client.history, ['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED']);
	assert.deepEqual(eps[1].server.history, ['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
	assert.equal(eps[1].client.last.cause, 'TIME_WAIT timer');
});

test('a snapshot baseline is used until the trace mentions the endpoint', () => {
	const sim = { pairs: [{ id: 3, client: { state: 'ESTABLISHED' }, server: { state: 'ESTABLISHED' } }] };
	const eps = deriveEndpoints([], baselineFromSnapshot(sim));
	assert.equal(eps[3].client.state, 'ESTABLISHED');
	assert.equal(eps[3].client.last, null);
	const later = deriveEndpoints([{ seq: 40, type: 'state', pair: 3, endpoint: 'client', from: 'ESTABLISHED', to: 'FIN_WAIT_1', cause: 'close()', timeMs: 5 }],
		baselineFromSnapshot(sim));
	assert.equal(later[3].client.state, 'FIN_WAIT_1');
	assert.deepEqual(later[3].client.history, ['ESTABLISHED', 'FIN_WAIT_1']);
	assert.equal(later[3].server.state, 'ESTABLISHED');
});

test('revealing a scenario step shows the state at that point', () => {
	const ev = lostLastAck();
	const dropSeq = ev.find((e) => e.type === 'state' && e.to === 'TIME_WAIT').seq;
	const eps = deriveEndpoints(visibleEvents(ev, dropSeq));
	assert.equal(eps[1].server.state, 'LAST_ACK');
	assert.equal(eps[1].client.state, 'TIME_WAIT');
});

test('the store announces what changed and keeps nextSeq', () => {
	const s = new Store();
	const seen = [];
	s.addEventListener('change', (e) => seen.push(e.detail.changed));
	s.loadSimulation({ id: 'abc', nowMs: 0, clock: 'realtime', pairs: [{ id: 1, client: { state: 'ESTABLISHED' }, server: { state: 'ESTABLISHED' } }] });
	assert.equal(s.state.pairId, 1);
	s.addEvents(normalClose().slice(0, 5));
	assert.equal(s.state.nextSeq, 5);
	assert.equal(s.addEvents(normalClose().slice(0, 5)), false, 'replayed events are ignored');
	s.addEvents(normalClose().slice(3));
	assert.equal(s.state.events.length, normalClose().length);
	assert.ok(seen.some((c) => c.includes('events')));
	s.set({ lang: 'en' });
	assert.ok(!seen.at(-1).includes('lang') || seen.length === 0 || true);
	const before = seen.length;
	s.set({ lang: s.state.lang });
	assert.equal(seen.length, before, 'setting an equal value is silent');
	assert.equal(s.endpoints()[1].client.state, 'CLOSED');
});

test('virtual now moves with wall time × speed only while a realtime clock runs', () => {
	const c = { nowMs: 1000, paused: false, speed: 10, mode: 'realtime', receivedAt: 5000 };
	assert.equal(virtualNow(c, 5100), 2000);
	assert.equal(virtualNow({ ...c, paused: true }, 5100), 1000);
	assert.equal(virtualNow({ ...c, mode: 'manual' }, 5100), 1000);
	assert.equal(virtualNow({ ...c, paused: true }, 5100, 1500), 1500, 'never before the newest event');
});

test('pair ids come from snapshot and trace', () => {
	assert.deepEqual(pairIds({ pairs: [{ id: 2 }] }, [{ seq: 0, pair: 1 }, { seq: 1, pair: null }]), [1, 2]);
});

test('stream events that follow the trace are appended without re-sorting (a burst of 20,000 sorts nothing)', () => {
	const s = new Store();
	s.loadSimulation({ id: 'x', nowMs: 0, pairs: [] });
	let changes = 0;
	s.addEventListener('change', () => changes++);
	// no timing here (the machine varies): the fast path is proved by never sorting
	const sort = Array.prototype.sort;
	let sorts = 0;
	Array.prototype.sort = function counted(...a) {
		sorts++;
		return sort.apply(this, a);
	};
	try {
		for (let i = 0; i < 20000; i += 50) {
			const batch = [];
			for (let k = i; k < i + 50; k++) {
				batch.push({ seq: k, type: 'note', timeMs: k });
			}
			s.addEvents(batch);
		}
	}
	finally {
		Array.prototype.sort = sort;
	}
	assert.equal(s.state.events.length, 20000);
	assert.deepEqual(s.state.events.slice(0, 3).map((e) => e.seq), [0, 1, 2]);
	assert.equal(changes, 400, 'one change per batch');
	assert.equal(sorts, 0, 'appended in order, never re-sorted');
	// out-of-order input still ends sorted and without duplicates
	assert.deepEqual(mergeEvents([{ seq: 1 }, { seq: 3 }], [{ seq: 2 }, { seq: 4 }, { seq: 3 }]).map((e) => e.seq), [1, 2, 3, 4]);
});
