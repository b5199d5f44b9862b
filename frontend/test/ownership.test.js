import test from 'node:test';
import assert from 'node:assert/strict';
import { createOwnership, problemAction, describeItem, LEAVE_GRACE_MS } from '../ownership.js';
import { fakeFetch } from './fake-fetch.js';

test('a page that is left lets go of what it made, with a deferred delete that outlives the page', () => {
	const f = fakeFetch();
	const o = createOwnership({ fetchImpl: f });
	o.made('a');
	assert.equal(o.leave('b'), false, 'a simulation the page did not make (a shared link) is not deleted');
	assert.equal(o.leave('a'), true);
	assert.equal(f.calls.length, 1);
	assert.equal(f.calls[0].url, `/api/simulations/a?graceMs=${LEAVE_GRACE_MS}`);
	assert.equal(f.calls[0].init.method, 'DELETE');
	assert.equal(f.calls[0].init.keepalive, true);
	assert.equal(o.leave('a'), false, 'once');
});

test('moving on to another simulation lets the previous one go, unless it is still shown or kept', async () => {
	const f = fakeFetch((url) => (url.endsWith('/keep') ? { status: 200, body: { id: 'k', kept: true } } : { status: 202 }));
	const o = createOwnership({ fetchImpl: f });
	o.made('a', 'k');
	assert.equal(o.moveOn('a', 'a'), false);
	await o.keep('k');
	assert.equal(o.moveOn('k', 'b'), false, 'kept: shared with someone');
	assert.equal(o.moveOn('a', 'b'), true);
	assert.equal(f.calls.at(-1).init.keepalive, false);
});

test('the list marks what is kept, and deleting a simulation already gone is no error', async () => {
	const f = fakeFetch((url, init) => {
		if (url.includes('mine=true')) {
			return { status: 200, body: { simulations: [{ id: 'x', kept: true }, { id: 'y', kept: false }], truncated: false } };
		}
		return init.method === 'DELETE' ? { status: 404, body: { title: 'Simulation not found', status: 404 } } : { status: 500 };
	});
	const o = createOwnership({ fetchImpl: f });
	const mine = await o.list();
	assert.deepEqual(mine.simulations.map((s) => s.id), ['x', 'y']);
	assert.equal(o.isKept('x'), true);
	assert.equal(o.isKept('y'), false);
	await o.remove('y');
	assert.equal(f.calls.at(-1).url, '/api/simulations/y');
});

test('a refusal names what to do: the action, else the detail, and how long to wait', () => {
	assert.deepEqual(problemAction({ limit: 'maxSimulationsPerClient', detail: 'all 20 are in use', action: 'close a page', retryAfterSeconds: 1 }, 429),
		{ text: 'close a page', waitSeconds: 1, limit: 'maxSimulationsPerClient' });
	assert.deepEqual(problemAction({ detail: 'retry after 3 s', retryAfterSeconds: 3, limit: 'cpuTime' }, 429),
		{ text: 'retry after 3 s', waitSeconds: 3, limit: 'cpuTime' });
	assert.equal(problemAction(null, 503).text, 'HTTP 503');
});

test('list items read as kind, label and profile with their age, in English and Korean', () => {
	const item = { kind: 'scenario', label: 'lost-fin', profile: 'linux', createdAt: 0 };
	assert.deepEqual(describeItem(item, 'en', 3 * 60000), { title: 'scenario · lost-fin · linux', age: '3 min ago' });
	assert.deepEqual(describeItem(item, 'ko', 10000), { title: '시나리오 · lost-fin · linux', age: '방금' });
});
