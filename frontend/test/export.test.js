import test from 'node:test';
import assert from 'node:assert/strict';
import { replayRequests, curlSnippet, pythonSnippet, pyLiteral, pairTiming } from '../export.js';
import { scenarioRun } from './fixtures.js';
import { actionRequest, describeAction } from '../actions.js';

const session = [
	{ op: 'create', body: { profile: 'linux', seed: 42, latencyMs: 10 }, atMs: 0 },
	{ op: 'pair', body: { serverPort: 80 }, atMs: 0, afterMs: 30 },
	{ op: 'event', pair: 1, body: { type: 'lose', side: 'client', segment: 'ACK', count: 1 }, atMs: 500 },
	{ op: 'event', pair: 1, body: { type: 'close', side: 'client' }, atMs: 500 },
	{ op: 'event', pair: 1, body: { type: 'close', side: 'server' }, atMs: 1500.25 },
];

test('realtime pauses become manual clock advances', () => {
	const reqs = replayRequests(session, 5000);
	assert.deepEqual(reqs.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`), [
		'POST /api/simulations {"profile":"linux","seed":42,"latencyMs":10,"clock":"manual"}',
		'POST /api/simulations/{SIM}/pairs {"serverPort":80}',
		'POST /api/simulations/{SIM}/clock {"advanceMs":470}',
		'POST /api/simulations/{SIM}/pairs/1/events {"type":"lose","side":"client","segment":"ACK","count":1}',
		'POST /api/simulations/{SIM}/pairs/1/events {"type":"close","side":"client"}',
		'POST /api/simulations/{SIM}/clock {"advanceMs":1000.25}',
		'POST /api/simulations/{SIM}/pairs/1/events {"type":"close","side":"server"}',
		'POST /api/simulations/{SIM}/clock {"advanceMs":3499.75}',
	]);
});

test('the curl snippet captures the id and quotes JSON for the shell', () => {
	const s = curlSnippet(session, { base: 'http://localhost:8080', endMs: 5000 });
	assert.match(s, /SIM=\$\(curl -s -X POST "\$BASE\/api\/simulations" -H 'Content-Type: application\/json' -d '\{"profile":"linux","seed":42,"latencyMs":10,"clock":"manual"\}'/);
	assert.match(s, /"\$BASE\/api\/simulations\/\$SIM\/pairs\/1\/events" .* -d '\{"type":"close","side":"server"\}'/);
	assert.match(s, /trace\.pcap/);
	const tricky = curlSnippet([{ op: 'create', body: { profile: "it's" }, atMs: 0 }]);
	assert.match(tricky, /"it'\\''s"/);
});

test('the Python snippet uses only the standard library', () => {
	const s = pythonSnippet(session, { base: 'http://localhost:8080', endMs: 5000 });
	assert.match(s, /import json, urllib\.request/);
	assert.match(s, /sim = call\("POST", "\/api\/simulations", \{"profile": "linux", "seed": 42, "latencyMs": 10, "clock": "manual"\}\)\["id"\]/);
	assert.match(s, /print\("close", call\("POST", f"\/api\/simulations\/\{sim\}\/pairs\/1\/events", \{"type": "close", "side": "server"\}\)\["result"\]\)/);
	assert.doesNotMatch(s, /import requests/);
	assert.equal(pyLiteral({ a: true, b: null, c: [1, 'x'] }), '{"a": True, "b": None, "c": [1, "x"]}');
});

test('buttons map to the contract\'s event bodies', () => {
	assert.deepEqual(actionRequest('client', 'close'), { type: 'close', side: 'client' });
	assert.deepEqual(actionRequest('server', 'shutdown', { how: 'SHUT_RD' }), { type: 'shutdown', side: 'server', how: 'SHUT_RD' });
	assert.deepEqual(actionRequest('client', 'linger', { seconds: '2' }), { type: 'setsockopt', side: 'client', option: 'SO_LINGER', onoff: 1, seconds: 2 });
	assert.deepEqual(actionRequest('client', 'lose', { segment: 'FIN' }), { type: 'lose', side: 'client', segment: 'FIN', count: 1 });
	assert.deepEqual(actionRequest('server', 'delay', { segment: 'ACK', ms: '250' }), { type: 'delay', side: 'server', segment: 'ACK', count: 1, ms: 250 });
	assert.deepEqual(actionRequest('client', 'send', { bytes: '' }), { type: 'send', side: 'client', bytes: 100 });
	assert.deepEqual(actionRequest('server', 'resend-fin'), { type: 'resend-fin', side: 'server' });
	assert.throws(() => actionRequest('client', 'explode'));
	assert.equal(describeAction(actionRequest('client', 'shutdown', { how: 'SHUT_WR' })), 'shutdown(SHUT_WR)');
	assert.equal(describeAction(actionRequest('client', 'lose', { segment: 'ACK' })), 'lose next ACK');
});

test('a pair opened later replays at its own handshake time, so later calls replay when they happened in the page', () => {
	// the second pair of old-duplicate opens long after the first; a close on it must replay at its trace time
	const trace = scenarioRun('old-duplicate').trace;
	const p2 = trace.filter((e) => e.pair === 2);
	const { atMs, afterMs } = pairTiming(trace, 2, 0);
	assert.equal(atMs, p2[0].timeMs);
	assert.ok(afterMs > atMs && afterMs - atMs <= 40, `handshake ends ${afterMs - atMs} ms later`);
	const closeAt = afterMs + 256.65;
	const reqs = replayRequests([
		{ op: 'create', body: { seed: 1 }, atMs: 0 },
		{ op: 'pair', body: {}, atMs: atMs, afterMs, pairId: 2 },
		{ op: 'event', pair: 2, body: { type: 'close', side: 'client' }, atMs: closeAt },
	]);
	const advances = reqs.filter((r) => r.body?.advanceMs != null).map((r) => r.body.advanceMs);
	assert.deepEqual(advances, [atMs, Math.round((closeAt - afterMs) * 1000) / 1000]);
	assert.equal(pairTiming([], 9, 123).atMs, 123, 'no event yet: the estimate');
});
