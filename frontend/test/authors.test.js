import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { presetsFor, variantsFromParam, loadOnly, drawnEvents, markDifferences, sharedTimeAxis, formatValue, fromDivergence, heldBySide, capDifferences } from '../compare.js';
import { contentTypeOf, problemText, locateProblem, withSchema } from '../author.js';
import { encodeDocument, decodeDocument, viewUrl, embedSnippet, embedHeight } from '../embed.js';

const fixture = (n) => JSON.parse(readFileSync(new URL(`./fixtures/${n}.json`, import.meta.url)));

test('ready-made comparisons are offered on the scenarios the issue names', () => {
	assert.deepEqual(presetsFor('lost-last-ack').map((p) => p.id), ['timewait']);
	assert.deepEqual(presetsFor('old-duplicate').map((p) => p.id), ['timewait']);
	assert.deepEqual(presetsFor('linger-timeout').map((p) => p.id), ['profiles']);
	assert.deepEqual(presetsFor('busy-server-time-wait').map((p) => p.id), ['closer']);
	assert.deepEqual(presetsFor('active-close'), []);
	assert.deepEqual(variantsFromParam('timewait')[1], { label: 'no TIME_WAIT', overrides: { timeWaitMs: 0, timestamps: false } });
	assert.deepEqual(variantsFromParam('linux,bsd').map((v) => v.profile), ['linux', 'bsd']);
	for (const bad of ['', 'linux', 'linux,linux', 'linux,nope', 'a,b,c,d,e', null]) {
		assert.equal(variantsFromParam(bad), null, String(bad));
	}
});

test('the closer variants keep only the load steps and swap who is expected to hold TIME_WAIT', () => {
	const doc = { name: 'busy', steps: [
		{ do: [{ load: { closer: 'server', connectionsPerSecond: 200 } }, { advance: 1500 }], expect: ['state server * → TIME_WAIT', 'no state client * → TIME_WAIT'] },
		{ do: [{ advance: { ms: 5000 } }], expect: ['state server TIME_WAIT → CLOSED'] },
		{ do: [{ repeat: { max: 400 } }], expect: ['call client connect → EADDRNOTAVAIL'] },
	] };
	const client = loadOnly(doc, 'client');
	assert.equal(client.steps.length, 2);
	assert.equal(client.steps[0].do[0].load.closer, 'client');
	assert.equal(client.steps[0].do[0].load.connectionsPerSecond, 200);
	assert.deepEqual(client.steps[0].expect, ['state client * → TIME_WAIT', 'no state server * → TIME_WAIT']);
	assert.deepEqual(loadOnly(doc, 'server').steps[0].expect, doc.steps[0].expect);
	assert.equal(doc.steps[0].do[0].load.closer, 'server', 'the original is not changed');
});

test('the shared time axis puts the same virtual time at the same height in every variant', () => {
	const a = drawnEvents(fixture('lost-last-ack').trace);
	const b = drawnEvents(fixture('active-close').trace);
	const axis = sharedTimeAxis([a, b]);
	const times = [...axis.rows.keys()];
	assert.deepEqual(times, [...times].sort((x, y) => x - y));
	for (const e of [...a, ...b]) {
		assert.ok(axis.rows.has(e.timeMs), `row for ${e.timeMs}`);
	}
	let prev = -1;
	for (const r of axis.rows.values()) {
		assert.ok(r.y > prev);
		prev = r.y;
	}
	assert.ok(axis.gaps.length > 0, 'the long pause before TIME_WAIT ends is folded');
	assert.ok(axis.height < 2000);
});

test('an item is marked where another variant lacks it, counting repeats', () => {
	const seg = (seq, flags, timeMs) => ({ type: 'segment', event: 'sent', seq, id: seq, from: 'server', to: 'client', flags, len: 0, timeMs, pair: 1 });
	const st = (seq, to, timeMs) => ({ type: 'state', seq, endpoint: 'client', to, timeMs, pair: 1 });
	const one = [seg(1, ['FIN', 'ACK'], 100), st(2, 'TIME_WAIT', 110), st(3, 'CLOSED', 60110)];
	const two = [seg(1, ['FIN', 'ACK'], 100), seg(2, ['FIN', 'ACK'], 100), st(3, 'TIME_WAIT', 110), st(4, 'CLOSED', 110)];
	const [m1, m2] = markDifferences([one, two]);
	assert.deepEqual([...m1], [3]);
	assert.deepEqual([...m2].sort(), [2, 4]);
	assert.deepEqual(markDifferences([one, one]).map((s) => s.size), [0, 0]);
});

test('difference values read as short text', () => {
	assert.equal(formatValue(['CLOSED', 'SYN_SENT']), 'CLOSED → SYN_SENT');
	assert.equal(formatValue({ TIME_WAIT: 60000 }, (ms) => `${ms / 1000} s`), 'TIME_WAIT 60 s');
	assert.equal(formatValue(true), '✓');
	assert.equal(formatValue(3), '3');
	assert.equal(formatValue([]), '–');
});

test('a document travels in a link and comes back byte for byte', async () => {
	const doc = `name: mine\ntitle: {en: "Mine — 내 것"}\nsteps:\n- do: [open, {close: client}, idle]\n`;
	const token = await encodeDocument(doc);
	assert.match(token, /^[A-Za-z0-9_-]+$/);
	assert.equal(await decodeDocument(token), doc);
	const big = JSON.stringify(fixture('active-close'));
	assert.ok((await encodeDocument(big)).length < big.length / 2, 'compressed');
	await assert.rejects(decodeDocument('not base64!'));
	await assert.rejects(decodeDocument('AAAA'));
});

test('a view link keeps the view and drops live ids; the embed snippet opens it without chrome', () => {
	const u = viewUrl('http://h/?sim=abc&scenario=lost-last-ack&step=3&lang=ko&profile=bsd&compare=timewait&x=1#f', { embed: true });
	const q = new URL(u).searchParams;
	assert.deepEqual([...q.keys()], ['scenario', 'step', 'lang', 'profile', 'compare', 'embed']);
	assert.equal(new URL(viewUrl('http://h/?sim=abc')).searchParams.get('sim'), 'abc', 'a sandbox keeps its simulation');
	const s = embedSnippet('http://h/?a=1&b="x"', { height: 700 });
	assert.match(s, /^<iframe src="http:\/\/h\/\?a=1&amp;b=&quot;x&quot;" width="100%" height="700"/);
	assert.ok(embedHeight({ compare: true, ladderHeight: 2000, variants: 4 }) <= 1400);
	assert.ok(embedHeight({ ladderHeight: 100 }) >= 480);
});

test('an editor problem names step and field and is found in the text', () => {
	assert.equal(contentTypeOf(' {"a":1}'), 'application/json');
	assert.equal(contentTypeOf('name: x'), 'application/yaml');
	const p = { step: 2, field: 'do[0].close.side', message: 'must be client or server' };
	assert.equal(problemText(p), 'step 2 · do[0].close.side: must be client or server');
	assert.equal(problemText({ message: 'bad' }), 'bad');
	const json = JSON.stringify({ name: 'x', steps: [{ do: [{ close: 'client' }] }, { title: 'close it', do: [{ close: 'nobody' }] }, { do: [{ recv: { side: 'server' } }] }] }, null, 2);
	const at = locateProblem(json, p);
	assert.match(json.slice(at.start, at.end), /"close": "nobody"/);
	const yaml = 'name: x\nsteps:\n- do: [{close: client}]\n- title: two\n  do: [{close: nobody}]\n';
	const y = locateProblem(yaml, p);
	assert.equal(yaml.slice(y.start, y.end), '  do: [{close: nobody}]');
});

test('long lists are shown from where the variants part', () => {
	const v = fromDivergence({ a: ['SYN', 'ACK', 'FIN', 'ACK'], b: ['SYN', 'ACK', 'RST'] });
	assert.deepEqual(v, { a: ['…', 'ACK', 'FIN', 'ACK'], b: ['…', 'ACK', 'RST'] });
	assert.deepEqual(fromDivergence({ a: ['X'], b: ['Y'] }), { a: ['X'], b: ['Y'] });
	assert.deepEqual(fromDivergence({ a: 1, b: 2 }), { a: 1, b: 2 });
});

test('many connections are summed per side and their rows capped', () => {
	const held = { 'pair 1 server': { TIME_WAIT: { ms: 60000 } }, 'pair 2 server': { TIME_WAIT: { ms: 59000 } }, 'pair 3 client': { FIN_WAIT_2: { ms: 61 } } };
	assert.deepEqual(heldBySide(held), ['server TIME_WAIT ×2, ≤ 60000 ms', 'client FIN_WAIT_2 61 ms']);
	const diffs = [...Array(10).keys()].map((i) => ({ aspect: 'states', endpoint: `pair ${i} client`, values: {} })).concat([{ aspect: 'wire', endpoint: null, values: {} }]);
	const capped = capDifferences(diffs, 4);
	assert.equal(capped.length, 6);
	assert.deepEqual(capped[5], { aspect: 'states', more: 6 });
	const doc = { steps: [{ do: [{ load: { closer: 'server' } }], expect: ['call client connect → 0', 'state server * → TIME_WAIT'] }] };
	assert.deepEqual(loadOnly(doc, 'client').steps[0].expect, ['call client connect → 0', 'state client * → TIME_WAIT']);
});

test('the editor names the served JSON Schema first in a JSON document, once', () => {
	const doc = withSchema({ name: 'active-close', $schema: 'old', steps: [] }, 'http://localhost:8080');
	assert.deepEqual(Object.keys(doc), ['$schema', 'name', 'steps']);
	assert.equal(doc.$schema, 'http://localhost:8080/api/scenarios/schema');
});
