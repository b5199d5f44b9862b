import test from 'node:test';
import assert from 'node:assert/strict';
import { connectionRow, filterChoices, filterConnections, visibleRange, ladderEvents, oneWayDelay, captureSimulation, uploadType,
	diagnosticLine, endpointText, worstSeverity } from '../capture.js';
import { layoutLadder } from '../ladder.js';
import { Store } from '../store.js';
import { engineNotice } from '../views/header.js';

const conn = (id, { diags = [], client = 'TIME_WAIT', server = 'CLOSED', port = 50000 + id } = {}) => ({
	id, client: { addr: '10.0.0.1', port }, server: { addr: '10.0.0.2', port: 80 }, packets: 7, summary: 'client closed first',
	states: { client, server }, diagnostics: diags.map(([code, severity]) => ({ code, severity, packets: [4], text: { en: `${code} en`, ko: `${code} ko` } })),
});

test('a connection row names its endpoints, packets, summary and diagnostics; IPv6 in brackets', () => {
	const r = connectionRow(conn(3, { diags: [['HALF_CLOSE', 'info'], ['RST_ON_CLOSE', 'warning']] }), 'ko');
	assert.equal(r.head, '#3 10.0.0.1:50003 → 10.0.0.2:80 · 패킷 7개');
	assert.deepEqual(r.diags, ['HALF_CLOSE', 'RST_ON_CLOSE']);
	assert.equal(r.worst, 'warning');
	assert.equal(endpointText({ addr: '::1', port: 9 }), '[::1]:9');
	assert.equal(worstSeverity([{ severity: 'info' }, { severity: 'error' }, { severity: 'warning' }]), 'error');
	assert.equal(worstSeverity([]), null);
});

test('the filters keep connections by diagnostic (or none), by either side\'s end state and by words', () => {
	const all = [conn(1), conn(2, { diags: [['FIN_RETRANSMITTED', 'warning']] }), conn(3, { client: 'CLOSED', server: 'CLOSE_WAIT', diags: [['LONG_CLOSE_WAIT', 'warning']] }),
		conn(4, { diags: [['FIN_RETRANSMITTED', 'warning'], ['HALF_CLOSE', 'info']] })];
	assert.deepEqual(filterConnections(all, { diag: 'FIN_RETRANSMITTED' }).map((c) => c.id), [2, 4]);
	assert.deepEqual(filterConnections(all, { diag: '-' }).map((c) => c.id), [1]);
	assert.deepEqual(filterConnections(all, { state: 'CLOSE_WAIT' }).map((c) => c.id), [3]);
	assert.deepEqual(filterConnections(all, { text: '50004 half' }).map((c) => c.id), [4]);
	assert.deepEqual(filterConnections(all, {}).map((c) => c.id), [1, 2, 3, 4]);
	const ch = filterChoices(all);
	assert.deepEqual(ch.codes[0], { value: 'FIN_RETRANSMITTED', count: 2 });
	assert.equal(ch.clean, 1);
	assert.ok(ch.states.some((s) => s.value === 'CLOSE_WAIT' && s.count === 1));
});

test('a virtualised list draws a screenful plus overscan, whatever the total', () => {
	const r = visibleRange(10000, { scrollTop: 50 * 5000, viewHeight: 300, rowHeight: 50, overscan: 6 });
	assert.equal(r.start, 4994);
	assert.equal(r.end, 5013);
	assert.equal(r.padTop, 4994 * 50);
	assert.equal(r.padBottom, (10000 - 5013) * 50);
	assert.deepEqual(visibleRange(0), { start: 0, end: 0, padTop: 0, padBottom: 0 });
	const end = visibleRange(3, { scrollTop: 9999, viewHeight: 300, rowHeight: 50 });
	assert.equal(end.end, 3);
	assert.equal(end.padBottom, 0);
});

const captured = [
	{ seq: 0, type: 'segment', timeMs: 0, pair: 1, event: 'sent', id: 1, packet: 1, from: 'client', to: 'server', flags: ['SYN'], relSeq: 0, relAck: 0, len: 0 },
	{ seq: 1, type: 'state', timeMs: 0, pair: 1, endpoint: 'client', from: 'CLOSED', to: 'SYN_SENT', cause: 'connect()', packet: 1 },
	{ seq: 2, type: 'segment', timeMs: 0.2, pair: 1, event: 'sent', id: 2, packet: 2, from: 'server', to: 'client', flags: ['SYN', 'ACK'], relSeq: 0, relAck: 1, len: 0 },
	{ seq: 3, type: 'state', timeMs: 0.2, pair: 1, endpoint: 'server', from: 'LISTEN', to: 'SYN_RECEIVED', cause: 'rcv SYN', packet: 1 },
	{ seq: 4, type: 'segment', timeMs: 0.4, pair: 1, event: 'sent', id: 3, packet: 3, from: 'client', to: 'server', flags: ['ACK'], relSeq: 1, relAck: 1, len: 0 },
	{ seq: 5, type: 'state', timeMs: 0.4, pair: 1, endpoint: 'client', from: 'SYN_SENT', to: 'ESTABLISHED', cause: 'rcv SYN,ACK', packet: 2 },
	{ seq: 6, type: 'state', timeMs: 0.5, pair: 1, endpoint: 'server', from: 'SYN_RECEIVED', to: 'ESTABLISHED', cause: 'rcv ACK of SYN', packet: 3, inferred: true },
	{ seq: 7, type: 'segment', timeMs: 9, pair: 1, event: 'sent', id: 4, packet: 4, from: 'client', to: 'server', flags: ['FIN', 'ACK'], relSeq: 1, relAck: 1, len: 0 },
	{ seq: 8, type: 'segment', timeMs: 9, pair: 1, event: 'dropped', id: 4, packet: 4, from: 'client', to: 'server', flags: ['FIN', 'ACK'], inferred: true },
];

test('a captured segment arrives where the inference put its reception, else half a round trip later; a lost copy does not arrive', () => {
	assert.equal(oneWayDelay(captured), 0.2);
	const evs = ladderEvents(captured);
	const delivered = evs.filter((e) => e.event === 'delivered');
	assert.deepEqual(delivered.map((e) => [e.id, e.timeMs]), [[1, 0.2], [2, 0.4], [3, 0.5]]);
	assert.deepEqual(evs.map((e) => e.seq), evs.map((_, i) => i), 'seq numbered again in order');
	assert.ok(evs.every((e, i) => i === 0 || e.timeMs >= evs[i - 1].timeMs), 'ordered by time');
	assert.equal(oneWayDelay([]), 1);
	// the ladder draws them as arrows that arrive, and the lost FIN as lost
	const store = new Store();
	store.loadSimulation(captureSimulation({ id: 'c', profile: 'linux' }, conn(1), evs));
	store.addEvents(evs);
	assert.equal(store.state.simId, null);
	assert.equal(store.state.sim.capture.connection, 1);
	const lay = layoutLadder(store.state.events, { pairId: 1 });
	const kinds = Object.fromEntries(lay.arrows.map((a) => [a.id, a.kind]));
	assert.deepEqual(kinds, { 1: 'delivered', 2: 'delivered', 3: 'delivered', 4: 'dropped' });
	assert.equal(store.endpoints()[1].server.state, 'ESTABLISHED');
});

test('an upload is typed by its name; a diagnostic speaks the page\'s language', () => {
	assert.equal(uploadType('x.pcapng'), 'application/x-pcapng');
	assert.equal(uploadType('X.PCAP'), 'application/vnd.tcpdump.pcap');
	assert.equal(uploadType('dump.bin'), 'application/octet-stream');
	const d = diagnosticLine({ code: 'HALF_CLOSE', severity: 'info', packets: [5], text: { en: 'half', ko: '반' } }, 'ko');
	assert.deepEqual(d, { code: 'HALF_CLOSE', severity: 'info', text: '반', packets: [5] });
});

test('a simulation recorded by another engine version gets a notice: read-only recording, same trace, or before versions', () => {
	assert.equal(engineNotice({ version: 3 }), null);
	assert.equal(engineNotice(undefined), null);
	assert.deepEqual(engineNotice({ version: 3, recordedBy: [2], recordedTraceServed: true }), { key: 'engine.otherServed', versions: '2' });
	assert.deepEqual(engineNotice({ version: 3, recordedBy: [1, 2], traceMatchesRecording: true, recordedTraceServed: false }), { key: 'engine.otherSame', versions: '1, 2' });
	assert.deepEqual(engineNotice({ version: 3, recordedBy: [0], recordedTraceServed: false }), { key: 'engine.beforeVersions', versions: '0' });
	assert.deepEqual(engineNotice({ version: 3, recordedBy: [2], recordedTraceServed: false }), { key: 'engine.other', versions: '2' });
});
