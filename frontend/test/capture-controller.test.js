import test from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store.js';
import { createOwnership } from '../ownership.js';
import { createCaptureController } from '../controllers/capture.js';

const doc = { id: 'cap1', profile: 'linux', frames: 3, tcpPackets: 3, connections: [{ id: 1, client: { addr: '10.0.0.1', port: 5000 },
	server: { addr: '10.0.0.2', port: 80 }, packets: 3, summary: 's', states: { client: 'ESTABLISHED', server: 'ESTABLISHED' }, diagnostics: [] }] };
const trace = { connection: 1, capturePoint: 'client', truncated: false, events: [
	{ seq: 0, type: 'segment', timeMs: 0, pair: 1, event: 'sent', id: 1, packet: 1, from: 'client', to: 'server', flags: ['SYN'] },
	{ seq: 1, type: 'state', timeMs: 0, pair: 1, endpoint: 'client', from: 'CLOSED', to: 'SYN_SENT', cause: 'connect()', packet: 1 }] };

function harness(routes) {
	const calls = [];
	const fetchImpl = async (url, init) => {
		calls.push({ url, method: init.method, type: init.headers['Content-Type'] });
		const [status, body] = routes(url, init);
		return { status, ok: status < 400, text: async () => JSON.stringify(body) };
	};
	const store = new Store({ simId: 'old' });
	const urls = { last: null, set(p) { this.last = p; } };
	const ownership = createOwnership({ fetchImpl: async () => ({ status: 202, ok: true, text: async () => '' }) });
	const opened = [];
	let left = 0;
	const c = createCaptureController({ store, urls, ownership, fetchImpl, openSimulation: async (id) => opened.push(id),
		show: { leaveOthers: () => left++ } });
	return { c, store, urls, ownership, calls, opened, left: () => left };
}

test('an upload shows the capture; choosing a connection puts its trace on the stage; a replay is made here and opened', async () => {
	const h = harness((url, init) => {
		if (url === '/api/captures' && init.method === 'POST') return [201, doc];
		if (url.endsWith('/connections/1/trace')) return [200, trace];
		if (url.endsWith('/connections/1/replays')) return [201, { simulationId: 'rep1', comparison: { matched: 3, differing: 0, captureOnly: 0, replayOnly: 0 } }];
		return [404, { detail: 'no' }];
	});
	await h.c.upload({ name: 'x.pcapng', size: 10 });
	assert.equal(h.calls[0].type, 'application/x-pcapng');
	assert.equal(h.store.state.capture.doc.id, 'cap1');
	assert.deepEqual(h.urls.last, { capture: 'cap1' });
	await h.c.select(1);
	assert.equal(h.left(), 1, 'the scenario and the stream were left');
	assert.equal(h.store.state.simId, null);
	assert.equal(h.store.state.sim.capture.connection, 1);
	assert.equal(h.store.state.pairId, 1);
	assert.ok(h.store.state.events.some((e) => e.event === 'delivered'));
	assert.deepEqual(h.urls.last, { capture: 'cap1', conn: 1 });
	await h.c.replay(1);
	assert.deepEqual(h.opened, ['rep1']);
	assert.equal(h.ownership.madeHere('rep1'), true);
	assert.equal(h.store.state.capture.replay.comparison.matched, 3);
});

test('a file cut short is kept to be read again with allowTruncated; a refusal leaves the reason in the store', async () => {
	const h = harness((url) => (url.includes('allowTruncated') ? [201, doc] : [422, { kind: 'truncated', detail: 'cut short at packet 9' }]));
	const file = { name: 'cut.pcap' };
	await assert.rejects(h.c.upload(file));
	assert.equal(h.store.state.capture.file, file);
	assert.equal(h.store.state.capture.error.status, 422);
	await h.c.upload(h.store.state.capture.file, { allowTruncated: true });
	assert.equal(h.calls[1].url, '/api/captures?allowTruncated=true');
	assert.equal(h.store.state.capture.file, null);
	assert.equal(h.store.state.capture.doc.id, 'cap1');
	h.c.close();
	assert.equal(h.store.state.capture, null);
	assert.deepEqual(h.urls.last, { capture: null, conn: null, sim: 'old' });
});
