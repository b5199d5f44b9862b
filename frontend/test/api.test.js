import test from 'node:test';
import assert from 'node:assert/strict';
import { createApi, dispatchStreamMessage, ApiError } from '../api.js';
import { revealForStep, stepForSeq, replaySeqs } from '../scenarios.js';
import { normalClose } from './fixtures.js';
import { fakeFetch } from './fake-fetch.js';

test('requests follow the REST contract', async () => {
	const f = fakeFetch(() => ({ status: 200, body: { result: 0, trace: [] } }));
	const api = createApi('http://h', f);
	await api.event('s/1', 2, { type: 'close', side: 'client' });
	assert.equal(f.calls[0].url, 'http://h/api/simulations/s%2F1/pairs/2/events');
	assert.equal(f.calls[0].init.method, 'POST');
	assert.equal(f.calls[0].init.body, '{"type":"close","side":"client"}');
	await api.trace('abc', 17);
	assert.equal(f.calls[1].url, 'http://h/api/simulations/abc/trace?since=17');
	assert.equal(api.pcapUrl('abc'), 'http://h/api/simulations/abc/trace.pcap');
});

test('problem details become ApiError with the errno', async () => {
	const f = fakeFetch(() => ({ status: 409, body: { title: 'Conflict', detail: 'port 1500 is in use', errno: 'EADDRINUSE' } }));
	const api = createApi('', f);
	await assert.rejects(api.openPair('x', { clientPort: 1500 }), (e) => e instanceof ApiError && e.status === 409
		&& e.problem.errno === 'EADDRINUSE' && e.message === 'port 1500 is in use');
});

test('stream messages are routed by type', () => {
	const got = [];
	const h = {
		snapshot: (s, n) => got.push(`snapshot ${s.id} ${n}`),
		event: (e) => got.push(`event ${e.seq}`),
		clock: (c) => got.push(`clock ${c.nowMs}`),
		closed: (r) => got.push(`closed ${r}`),
		error: (m) => got.push(`error ${m.code}`),
	};
	for (const m of [{ type: 'snapshot', simulation: { id: 'a' }, nextSeq: 3 }, { type: 'segment', seq: 3 }, { type: 'heartbeat' },
		{ type: 'clock', nowMs: 5 }, { type: 'census', seq: 4 }, { type: 'error', code: 'HISTORY_TRUNCATED' }, { type: 'closed', reason: 'evicted' }, { type: 'weird' }]) {
		dispatchStreamMessage(m, h);
	}
	assert.deepEqual(got, ['snapshot a 3', 'event 3', 'clock 5', 'event 4', 'error HISTORY_TRUNCATED', 'closed evicted']);
});

test('scenario steps reveal the trace up to their toSeq', () => {
	const narration = [{ fromSeq: 0, toSeq: 10 }, { fromSeq: 10, toSeq: 20 }, { fromSeq: 20, toSeq: 35 }];
	assert.equal(revealForStep(narration, 0), 9);
	assert.equal(revealForStep(narration, 7), 34);
	assert.equal(revealForStep([], 0), null);
	assert.equal(stepForSeq(narration, 9), 0);
	assert.equal(stepForSeq(narration, 10), 1);
	assert.equal(stepForSeq(narration, 99), 2);
	const seqs = replaySeqs(normalClose());
	assert.ok(seqs.length > 10 && seqs.every((s, i) => i === 0 || s > seqs[i - 1]));
});
