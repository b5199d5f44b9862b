import test from 'node:test';
import assert from 'node:assert/strict';
import { completionOf, errnoKey } from '../results.js';
import { scenarioRun } from './fixtures.js';

test('a close() that blocked is reported with the result it finally returned (linger-timeout)', () => {
	const trace = scenarioRun('linger-timeout').trace;
	const blocked = trace.find((e) => e.type === 'call' && e.call === 'close' && e.blocking && !e.completed);
	assert.ok(blocked, 'the scenario blocks in close()');
	const pending = { pair: blocked.pair, side: blocked.endpoint, call: 'close', seq: blocked.seq };
	assert.equal(completionOf(trace.filter((e) => e.seq <= blocked.seq), pending), null, 'still blocked');
	const done = completionOf(trace, pending);
	assert.ok(done && done.completed);
	assert.ok(done.timeMs > blocked.timeMs);
});

test('EPIPE is explained by the RST when one reached that side', () => {
	const rst = [{ seq: 1, type: 'segment', pair: 1, to: 'client', event: 'delivered', flags: ['RST', 'ACK'] }];
	assert.equal(errnoKey(rst, 1, 'client', 'EPIPE'), 'errno.EPIPE.rst');
	assert.equal(errnoKey(rst, 1, 'server', 'EPIPE'), 'errno.EPIPE');
	assert.equal(errnoKey([], 1, 'client', 'EPIPE'), 'errno.EPIPE');
	assert.equal(errnoKey(rst, 1, 'client', 'EBADF'), 'errno.EBADF');
});
