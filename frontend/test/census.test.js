import test from 'node:test';
import assert from 'node:assert/strict';
import { censusSeries } from '../census.js';

test('census events become one series per state that ever occurs', () => {
	const ev = [
		{ seq: 0, type: 'census', timeMs: 0, counts: { LISTEN: 1, ESTABLISHED: 3, TIME_WAIT: 0 } },
		{ seq: 1, type: 'state', timeMs: 5 },
		{ seq: 2, type: 'census', timeMs: 1000, counts: { LISTEN: 1, ESTABLISHED: 4, TIME_WAIT: 90 } },
		{ seq: 3, type: 'census', timeMs: 2000, counts: { LISTEN: 1, ESTABLISHED: 2, TIME_WAIT: 180 } },
	];
	const d = censusSeries(ev);
	assert.deepEqual(d.times, [0, 1000, 2000]);
	assert.deepEqual(d.series, { ESTABLISHED: [3, 4, 2], TIME_WAIT: [0, 90, 180] });
	assert.equal(d.max, 180);
	assert.deepEqual(censusSeries([]).series, {});
});
