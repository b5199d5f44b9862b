import test from 'node:test';
import assert from 'node:assert/strict';
import { layoutLadder, columns, segmentLabel, flagText, callText, relatedSegments } from '../ladder.js';
import { normalClose, lostLastAck } from './fixtures.js';

test('every segment of the normal close becomes a delivered arrow that slants downwards', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	assert.equal(l.arrows.length, 7);
	for (const a of l.arrows) {
		assert.equal(a.kind, 'delivered');
		assert.ok(a.y2 > a.y1, `arrow ${a.id} must go down`);
		assert.equal(a.x1, a.from === 'client' ? l.xClient : l.xServer);
		assert.equal(a.x2, a.to === 'client' ? l.xClient : l.xServer);
		assert.equal(a.dashed, false);
	}
	assert.ok(l.height > l.arrows.at(-1).y2);
});

test('arrows are labelled with flags and relative seq/ack', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	const fin = l.arrows.find((a) => a.id === 4);
	assert.deepEqual(fin.label, ['FIN,ACK seq=1 ack=1']);
	const syn = l.arrows.find((a) => a.id === 1);
	assert.deepEqual(syn.label, ['SYN seq=0']);
	assert.deepEqual(segmentLabel({ flags: ['ACK', 'PSH'], relSeq: 1, relAck: 1, len: 100 }), ['PSH,ACK seq=1 ack=1 len=100']);
	assert.deepEqual(segmentLabel({ flags: ['ACK'], relSeq: 2, relAck: 2, len: 0 }, true), ['ACK', 'seq=2 ack=2']);
	assert.equal(flagText(['ACK', 'FIN']), 'FIN,ACK');
});

test('state names appear in order on each line where they change', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	const client = l.states.filter((s) => s.side === 'client').map((s) => s.to);
	const server = l.states.filter((s) => s.side === 'server').map((s) => s.to);
	assert.deepEqual(client, ['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED']);
	assert.deepEqual(server, ['SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
	for (const s of l.states) {
		assert.equal(s.x, s.side === 'client' ? l.xClient : l.xServer);
	}
	const ys = l.states.filter((s) => s.side === 'client').map((s) => s.y);
	assert.deepEqual([...ys].sort((a, b) => a - b), ys, 'state labels go down the line in time order');
});

test('labels on the same side of a line never share a row', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	for (const side of ['client', 'server']) {
		const ys = [...l.states, ...l.calls].filter((x) => x.side === side).map((x) => x.y);
		assert.equal(new Set(ys).size, ys.length, `${side} labels overlap`);
		const starts = l.arrows.filter((a) => a.from === side).map((a) => a.y1);
		assert.equal(new Set(starts).size, starts.length, `${side} arrows start at the same point`);
	}
});

test('calls are shown beside the line with their results', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	const texts = l.calls.map((c) => `${c.side}:${c.lines.join(' ')}`);
	assert.deepEqual(texts, ['client:close() = 0', 'server:recv() = 0 (EOF)', 'server:close() = 0']);
	assert.equal(callText({ call: 'send', args: { bytes: 100 }, result: 'EPIPE' }).errno, true);
	assert.equal(callText({ call: 'close', args: {}, result: null, blocking: true }).result, '…');
	assert.equal(callText({ call: 'shutdown', args: { how: 'SHUT_WR' }, result: 0 }).name, 'shutdown(SHUT_WR)');
});

test('a long pause is compressed and marked as a gap', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	const gapDts = l.gaps.map((g) => g.dtMs);
	assert.ok(gapDts.includes(970), `handshake → close gap, got ${gapDts}`);
	assert.ok(gapDts.includes(59990), 'TIME_WAIT gap');
	assert.ok(l.height < 1200, `the 60 s TIME_WAIT must not stretch the drawing (height ${l.height})`);
});

test('a dropped ACK ends midway with a cross and the retransmitted FIN is marked', () => {
	const l = layoutLadder(lostLastAck(), { pair: 1, width: 640 });
	const lost = l.arrows.find((a) => a.id === 7);
	assert.equal(lost.kind, 'dropped');
	assert.equal(lost.x2, (l.xClient + l.xServer) / 2);
	assert.ok(lost.y2 > lost.y1);
	assert.equal(lost.dashed, true);
	const re = l.arrows.find((a) => a.id === 8);
	assert.deepEqual(re.tags, ['retransmission']);
	assert.equal(re.kind, 'delivered');
	assert.equal(re.dashed, true);
	assert.ok(re.y1 > lost.y1);
});

test('hovering an ACK finds the segment it acknowledges', () => {
	const l = layoutLadder(lostLastAck(), { pair: 1, width: 640 });
	assert.deepEqual(relatedSegments(l, 9), { answers: 8, answeredBy: [] });
	assert.deepEqual(relatedSegments(l, 6), { answers: null, answeredBy: [7] });
});

test('a segment still in flight is drawn part way', () => {
	const events = normalClose().slice(0, 13); // up to the FIN being sent
	const l = layoutLadder(events, { pair: 1, width: 640 });
	const fin = l.arrows.find((a) => a.id === 4);
	assert.equal(fin.kind, 'inflight');
	assert.ok(fin.x2 > fin.x1 && fin.x2 < l.xServer);
});

test('narrow screens get compact two-line labels and keep room for state names', () => {
	const c = columns(360);
	assert.equal(c.compact, true);
	assert.ok(c.xServer - c.xClient >= 150);
	assert.ok(c.out >= 82, 'room for FIN_WAIT_1 beside the line');
	const l = layoutLadder(normalClose(), { pair: 1, width: 360 });
	assert.equal(l.arrows[0].label.length, 2);
	assert.ok(l.arrows.every((a) => a.x1 <= 360 && a.x2 <= 360));
});

test('other pairs are filtered out', () => {
	const ev = normalClose().map((e) => ({ ...e, pair: 2 }));
	assert.equal(layoutLadder(ev, { pair: 1 }).arrows.length, 0);
	assert.equal(layoutLadder(ev, { pair: 2 }).arrows.length, 7);
});

test('a call recorded right after its state change is drawn under the state box, never on it', () => {
	const ev = normalClose();
	const i = ev.findIndex((e) => e.type === 'call' && e.call === 'close' && e.endpoint === 'client');
	[ev[i], ev[i + 1]] = [ev[i + 1], ev[i]]; // the engine records the transition first, then the call's result
	ev.forEach((e, n) => { e.seq = n; });
	const l = layoutLadder(ev, { pair: 1, width: 640 });
	const st = l.states.find((s) => s.to === 'FIN_WAIT_1');
	const call = l.calls.find((c) => c.call === 'close' && c.side === 'client');
	assert.equal(call.y, st.y);
	assert.equal(call.below, true);
	const fin = l.arrows.find((a) => a.id === 4);
	assert.ok(fin.y1 > st.y, 'the FIN leaves below the labels');
	const next = l.states.find((s) => s.to === 'FIN_WAIT_2');
	assert.ok(next.y - (call.y + 17) >= 20, 'the next label on the line keeps its distance');
});

test('all pairs share the two host lines, each label tagged with its pair', () => {
	const two = [...normalClose(), ...normalClose().map((e) => ({ ...e, pair: 2, id: e.id != null ? e.id + 100 : e.id, timeMs: e.timeMs + 70000 }))]
		.map((e, n) => ({ ...e, seq: n }));
	const l = layoutLadder(two, { width: 640, tagPairs: true });
	assert.equal(l.arrows.length, 14);
	assert.ok(l.arrows.some((a) => a.label[0].startsWith('p2 ')));
	assert.ok(l.states.some((s) => s.text === 'p1 TIME_WAIT'));
	assert.ok(l.calls.some((c) => c.lines[0].startsWith('p2 close()')));
});
