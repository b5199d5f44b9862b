import test from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store.js';
import { createOwnership } from '../ownership.js';
import { recordingApi, followOwnership } from '../controllers/ownership.js';
import { resultLine } from '../controllers/simulation.js';
import { ApiError } from '../api.js';
import { translate } from '../i18n.js';
import { fakeFetch } from './fake-fetch.js';

test('what the REST client creates is recorded as made here: a new simulation and a scenario run', async () => {
	const o = createOwnership({ fetchImpl: fakeFetch(() => ({ status: 202 })) });
	const api = recordingApi({ createSimulation: async () => ({ id: 's1' }), runScenario: async () => ({ simulationId: 'r1' }),
		getSimulation: async (id) => ({ id }) }, o);
	await api.createSimulation({});
	await api.runScenario('lost-fin');
	assert.equal(o.madeHere('s1'), true);
	assert.equal(o.madeHere('r1'), true);
	assert.deepEqual(await api.getSimulation('x'), { id: 'x' }, 'the other routes pass through');
});

test('showing another simulation lets the previous one go; leaving the page lets go of all made here', () => {
	const f = fakeFetch(() => ({ status: 202 }));
	const o = createOwnership({ fetchImpl: f });
	const store = new Store();
	const listeners = {};
	const order = [];
	followOwnership({ store, ownership: o, win: { addEventListener: (type, fn) => { listeners[type] = fn; } },
		beforeLeave: () => order.push(`stopped with ${f.calls.length} requests sent`) });
	o.made('a', 'b', 'v1', 'v2');
	store.set({ simId: 'a' });
	assert.equal(f.calls.length, 0, 'nothing shown before: nothing let go');
	store.set({ simId: 'shared' });
	assert.deepEqual(f.calls.map((c) => c.url), ['/api/simulations/a?graceMs=10000']);
	store.set({ simId: 'b' });
	assert.equal(f.calls.length, 1, 'a shared link the page did not make is not deleted');
	listeners.pagehide();
	assert.deepEqual(order, ['stopped with 1 requests sent'], 'the page stops following before it lets go');
	assert.deepEqual(f.calls.slice(1).map((c) => c.url).sort(),
		['/api/simulations/b?graceMs=10000', '/api/simulations/v1?graceMs=10000', '/api/simulations/v2?graceMs=10000']);
	assert.ok(f.calls.slice(1).every((c) => c.init.keepalive === true && c.init.method === 'DELETE'));
});

test('a refused request names the action the reader can take, in either language', () => {
	const error = new ApiError(429, { limit: 'maxSimulationsPerClient', detail: 'you hold 20', action: 'Delete one under "My simulations".' });
	const en = resultLine({ label: 'New simulation', error }, (k, p) => translate('en', k, p));
	assert.equal(en.text, 'New simulation was refused: Delete one under "My simulations".');
	assert.equal(en.errno, true);
	const ko = resultLine({ label: 'x', error: new ApiError(429, { detail: 'busy' }) }, (k, p) => translate('ko', k, p));
	assert.match(ko.text, /거절.*busy/);
});
