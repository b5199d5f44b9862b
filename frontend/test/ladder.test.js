import test from 'node:test';
import assert from 'node:assert/strict';
import { layoutLadder, columns, segmentLabel, flagText, callText, relatedSegments, overlaps, wrapCall, timeBars, barText, windowsThatMatter, scaledWindow,
	windowProbes, ladderRows } from '../ladder.js';
import { scenarioRun } from './fixtures.js';
import { translate, formatMs } from '../i18n.js';
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
	assert.deepEqual(texts, ['client:connect(10.0.0.1, 80) = …', 'client:↳ connect() = 0', 'server:accept(80) = 0', 'client:close() = 0', 'server:recv() = 0 (EOF)', 'server:close() = 0']);
	assert.equal(callText({ call: 'send', args: { bytes: 100 }, result: 'EPIPE' }).errno, true);
	assert.equal(callText({ call: 'close', args: {}, result: null, blocking: true }).result, '…');
	assert.equal(callText({ call: 'shutdown', args: { how: 'SHUT_WR' }, result: 0 }).name, 'shutdown(SHUT_WR)');
	assert.equal(callText({ call: 'setsockopt', args: { onoff: 1, option: 'SO_LINGER', seconds: 0 }, result: 0 }).name, 'setsockopt(SO_LINGER, {1, 0})');
	assert.equal(callText({ call: 'setsockopt', args: { on: 1, option: 'SO_REUSEADDR' }, result: 0 }).name, 'setsockopt(SO_REUSEADDR, 1)');
});

test('a long pause is compressed and marked as a gap', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	const gapDts = l.gaps.map((g) => g.dtMs);
	assert.ok(gapDts.includes(51), `ACK of FIN → recv() gap, got ${gapDts}`);
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
	const all = normalClose();
	const finSent = all.find((e) => e.type === 'segment' && e.event === 'sent' && e.flags.includes('FIN'));
	const l = layoutLadder(all.filter((e) => e.seq <= finSent.seq), { pair: 1, width: 640 });
	const fin = l.arrows.find((a) => a.id === finSent.id);
	assert.equal(fin.kind, 'inflight');
	assert.ok(fin.x2 > fin.x1 && fin.x2 < l.xServer);
});

test('narrow screens get compact two-line labels, a time column and room for state names', () => {
	const c = columns(370);
	assert.equal(c.compact, true);
	assert.ok(c.timeCol > 0, 'phones see the time too');
	assert.ok(c.xServer - c.xClient >= 130);
	assert.ok(c.out >= 82, 'room for FIN_WAIT_1 beside the line');
	const l = layoutLadder(normalClose(), { pair: 1, width: 370 });
	assert.equal(l.arrows[0].label.length, 2);
	assert.ok(l.arrows.every((a) => a.x1 <= 370 && a.x2 <= 370));
	assert.ok(l.times.length > 3);
	assert.equal(l.collisions, 0);
});

test('other pairs are filtered out', () => {
	const ev = normalClose().map((e) => ({ ...e, pair: 2 }));
	assert.equal(layoutLadder(ev, { pair: 1 }).arrows.length, 0);
	assert.equal(layoutLadder(ev, { pair: 2 }).arrows.length, 7);
});

test('a call recorded right after its state change is drawn under the state box, never on it', () => {
	const l = layoutLadder(normalClose(), { pair: 1, width: 640 });
	const st = l.states.find((s) => s.to === 'FIN_WAIT_1');
	const call = l.calls.find((c) => c.call === 'close' && c.side === 'client');
	assert.ok(call.y > st.y);
	assert.ok(!overlaps(call.items[0].box, st.box));
	const next = l.states.find((s) => s.side === 'client' && s.to === 'FIN_WAIT_2');
	assert.ok(next.box.y >= call.items.at(-1).box.y + 12, 'the next label on the line keeps its distance');
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

const REAL = ['active-close', 'lost-last-ack', 'simultaneous-close', 'linger-default', 'linger-timeout', 'old-duplicate', 'fin-wait-2-timeout', 'faults'];
const en = (k, p) => translate('en', k, p);

function textBoxes(l) {
	return [
		...l.arrows.map((a) => [`seg ${a.id}`, a.labelBox]),
		...l.arrows.filter((a) => a.lost).map((a) => [`lost ${a.id}`, a.lost.box]),
		...l.states.map((s) => [`state ${s.text}`, s.box]),
		...l.calls.flatMap((c) => c.items.map((it) => [`call ${it.text}`, it.box])),
		...l.barLabels.map((it) => [`bar ${it.text}`, it.box]),
		...l.markers.flatMap((m) => m.items.map((it) => [`mark ${it.text}`, it.box])),
		...l.gaps.map((g) => [`gap ${g.text}`, g.box]),
		...l.times.map((x) => [`time ${x.text}`, x.box]),
	];
}

test('no two ladder texts overlap: every step of the real scenarios, one pair or all, desktop and phone widths', () => {
	for (const name of REAL) {
		const run = scenarioRun(name);
		// the faults trace (duplicate, delay, a held ACK released across other arrows) has no steps: all of it
		const steps = run.narration.length ? run.narration : [{ step: 'all', toSeq: Infinity }];
		for (const step of steps) {
			const events = run.trace.filter((e) => e.seq < step.toSeq);
			for (const width of [640, 370]) {
				for (const tagPairs of [false, true]) {
					const l = layoutLadder(events, { pair: tagPairs ? null : 1, tagPairs, width, t: en, formatMs });
					const boxes = textBoxes(l);
					for (let i = 0; i < boxes.length; i++) {
						for (let j = i + 1; j < boxes.length; j++) {
							assert.ok(!overlaps(boxes[i][1], boxes[j][1]),
								`${name} step ${step.step} width ${width}${tagPairs ? ' all pairs' : ''}: ${boxes[i][0]} overlaps ${boxes[j][0]}`);
						}
					}
					for (const [what, b] of boxes) {
						assert.ok(b.x >= 0 && b.x + b.w <= width + 0.5, `${name} ${width}: ${what} leaves the drawing`);
					}
				}
			}
		}
	}
});

test('simultaneous close: the crossing FINs and ACKs get labels of their own', () => {
	const run = scenarioRun('simultaneous-close');
	const l = layoutLadder(run.trace, { pair: 1, width: 640, t: en, formatMs });
	const fins = l.arrows.filter((a) => a.flags.includes('FIN') && !a.flags.includes('SYN'));
	assert.equal(fins.length, 2);
	assert.ok(!overlaps(fins[0].labelBox, fins[1].labelBox));
});

test('long calls wrap instead of hiding their arguments or result', () => {
	const lines = wrapCall('setsockopt(SO_LINGER, {1, 0}) = 0', 110);
	assert.ok(lines.length > 1);
	assert.equal(lines.join('').replace(/\s+/g, ''), 'setsockopt(SO_LINGER,{1,0})=0');
	assert.ok(lines.every((x) => !x.includes('SO_LI') || x.includes('SO_LINGER')), `no word is cut: ${lines}`);
	const l = layoutLadder(scenarioRun('linger-default').trace, { pair: 1, width: 370, t: en, formatMs });
	const so = l.calls.find((c) => c.call === 'setsockopt');
	if (so) {
		assert.match(so.lines.join(' '), /= 0/);
	}
});

test('TIME_WAIT is a bar with its true length and a restart by the retransmitted FIN is marked', () => {
	const run = scenarioRun('lost-last-ack');
	const bars = timeBars(run.trace);
	const tw = bars.find((b) => b.kind === 'TIME_WAIT');
	assert.equal(tw.timerMs, 60000, '2MSL on linux');
	assert.equal(tw.restarts.length, 1);
	assert.equal(tw.endMs - tw.startMs, tw.restarts[0].timeMs + 60000 - tw.startMs, 'ends 2MSL after the restart');
	const step4 = run.trace.filter((e) => e.seq < run.narration[3].toSeq);
	const l = layoutLadder(step4, { pair: 1, width: 640, t: en, formatMs });
	const bar = l.bars.find((b) => b.kind === 'TIME_WAIT');
	assert.equal(bar.ongoing, true);
	assert.equal(l.markers.length, 1, 'the restart is drawn on the bar');
	const now = step4.at(-1).timeMs;
	const { head, live } = barText(bar, now, en, formatMs);
	assert.equal(head, '2MSL = 60 s');
	assert.equal(live, `${formatMs(bar.expiresAtMs - now)} left`);
	assert.ok(bar.y2 > bar.y1 && bar.y2 < l.height, 'an ongoing bar runs to the end of the drawing');
	const done = layoutLadder(run.trace, { pair: 1, width: 640, t: en, formatMs }).bars.find((b) => b.kind === 'TIME_WAIT');
	assert.match(barText(done, 0, en, formatMs).head, /lasted 60\.22 s/);
});

test('CLOSE_WAIT and FIN_WAIT_2 are bars too; a close() blocked by SO_LINGER is a bar until it returns', () => {
	const kinds = timeBars(scenarioRun('active-close').trace).map((b) => `${b.side}:${b.kind}`);
	assert.deepEqual(kinds, ['server:CLOSE_WAIT', 'client:FIN_WAIT_2', 'client:TIME_WAIT']);
	const linger = timeBars(scenarioRun('linger-timeout').trace).find((b) => b.kind === 'LINGER');
	assert.ok(linger, 'linger-timeout blocks close()');
	assert.ok(linger.endMs > linger.startMs);
});

test('on a phone no segment label is wider than the room between the lines', () => {
	for (const name of REAL) {
		const l = layoutLadder(scenarioRun(name).trace, { pair: 1, width: 370, t: en, formatMs });
		for (const a of l.arrows) {
			assert.ok(a.labelBox.x >= l.xClient && a.labelBox.x + a.labelBox.w <= l.xServer,
				`${name} #${a.id} ${a.label.join(' / ')}: ${Math.round(a.labelBox.x)}..${Math.round(a.labelBox.x + a.labelBox.w)}`);
		}
	}
});

test('the window is in a label where it matters: zero, smaller than before, open again; a probe is tagged', () => {
	const events = scenarioRun('fin-wait-1-zero-window').trace;
	const wins = windowsThatMatter(events);
	const sent = (id) => events.find((e) => e.type === 'segment' && e.event === 'sent' && e.id === id);
	assert.ok([...wins.values()].includes(0), 'the zero window of step 2');
	for (const [id, w] of wins) {
		assert.equal(w, sent(id).window);
		assert.ok(!sent(id).flags.includes('SYN'), 'a SYN\'s window is where it starts, not news');
	}
	const l = layoutLadder(events, { pair: 1, width: 640, t: en, formatMs });
	const zero = l.arrows.find((a) => a.label[0].includes('win=0'));
	assert.deepEqual(zero.label, ['ACK seq=1 ack=1001 win=0']);
	assert.ok(l.arrows.some((a) => a.label[0] === 'ACK seq=1 ack=1001 win=1000'), 'the window update after zero');
	const probes = windowProbes(events);
	assert.ok(probes.size >= 2, 'linux probes the zero window');
	for (const a of l.arrows.filter((x) => probes.has(x.id))) {
		assert.deepEqual(a.tags, ['probe']);
		assert.equal(a.dashed, false, 'a probe is new data, not a retransmission');
		assert.equal(a.labelLines[0].text, 'window probe');
	}
	assert.ok(!l.arrows.some((a) => a.flags.includes('SYN') && a.label[0].includes('win=')));
	// phones: the window goes with the flags
	assert.deepEqual(segmentLabel({ flags: ['ACK'], relSeq: 1, relAck: 1001, len: 0 }, true, { window: 0 }), ['ACK win=0', 'seq=1 ack=1001']);
	// an RST's window (Linux sends 0) is no news
	assert.equal(windowsThatMatter([{ type: 'segment', event: 'sent', id: 1, pair: 1, from: 'server', flags: ['RST'], window: 0 }]).size, 0);
});

test('windows are compared and shown in bytes, scaled by the shift each SYN offered (RFC 7323 §2.2)', () => {
	const seg = (id, from, flags, window, options) => ({ type: 'segment', event: 'sent', id, pair: 1, from, to: from === 'client' ? 'server' : 'client', flags, window, options });
	const events = [
		seg(1, 'client', ['SYN'], 65535, { mss: 1460, wscale: 10 }),
		seg(2, 'server', ['SYN', 'ACK'], 65535, { mss: 1460, wscale: 7 }),
		seg(3, 'client', ['ACK'], 63), // 64,512 bytes: less than the SYN's 65,535, but a SYN's window is not scaled
		seg(4, 'server', ['ACK'], 504), // 64,512 bytes
		seg(5, 'client', ['ACK'], 62), // shrinking: 63,488 bytes
	];
	assert.deepEqual([...windowsThatMatter(events)], [[5, 63488]]);
	// without a shift from both SYNs the field is bytes
	const unscaled = [seg(1, 'client', ['SYN'], 65535, { wscale: 10 }), seg(2, 'server', ['SYN', 'ACK'], 65535, { mss: 1460 }),
		seg(3, 'client', ['ACK'], 63)];
	assert.equal(scaledWindow(unscaled[2], new Map([['1/client', 10]])), 63);
});

test('a bar says what it waits for: only CLOSE_WAIT waits for the app; a states-only TIME_WAIT takes 2MSL', () => {
	const bar = (kind, extra = {}) => ({ kind, startMs: 0, endMs: null, timerMs: null, expiresAtMs: null, restarts: [], ...extra });
	assert.equal(barText(bar('CLOSE_WAIT'), 10, en, formatMs).head, 'waiting for the app to close()');
	assert.equal(barText(bar('FIN_WAIT_2'), 10, en, formatMs).head, 'waiting for the peer\'s FIN');
	assert.equal(barText(bar('LINGER'), 10, en, formatMs).head, 'close() blocked: until the FIN is acknowledged');
	const tw = barText(bar('TIME_WAIT', { startMs: 1000 }), 2000, en, formatMs, { timeWaitMs: 60000 });
	assert.deepEqual(tw, { head: '2MSL = 60 s', live: '59 s left' });
	// half-close: the client's FIN_WAIT_2 has no timer (it did not close()), so it waits for the FIN
	const half = layoutLadder(scenarioRun('half-close').trace.filter((e) => e.seq < scenarioRun('half-close').narration[3].toSeq),
		{ pair: 1, width: 640, t: en, formatMs });
	const fw2 = half.bars.find((b) => b.kind === 'FIN_WAIT_2');
	assert.match(fw2.labelItems.map((it) => it.text).join(' '), /^waiting for the peer's FIN/);
	for (const name of REAL) {
		const l = layoutLadder(scenarioRun(name).trace, { pair: 1, width: 640, t: en, formatMs });
		for (const b of l.bars.filter((x) => x.kind !== 'CLOSE_WAIT')) {
			assert.doesNotMatch(b.labelItems.map((it) => it.text).join(' '), /app/, `${name}: ${b.kind} does not wait for the app`);
		}
	}
});

test('a call without a pair is drawn in every view, never tagged "pnull"', () => {
	const run = scenarioRun('old-duplicate');
	const all = layoutLadder(run.trace, { width: 640, tagPairs: true, t: en, formatMs });
	const bind = all.calls.find((c) => c.pair == null);
	assert.ok(bind.full.startsWith('bind(1500) = EADDRINUSE'), bind.full);
	assert.ok(!all.calls.some((c) => c.full.includes('pnull')));
	const one = layoutLadder(run.trace, { pair: 2, width: 640, t: en, formatMs });
	assert.ok(one.calls.some((c) => c.pair == null && c.errno), 'the failed bind() beside connection 2');
});

test('the table lists the ladder in time order with sides; a segment arriving late is drawn with its label near the arrival', () => {
	const run = scenarioRun('old-duplicate');
	const l = layoutLadder(run.trace, { width: 640, tagPairs: true, t: en, formatMs });
	const rows = ladderRows(l, { t: en, formatMs, freshFromSeq: run.narration[4].fromSeq });
	for (let i = 1; i < rows.length; i++) {
		assert.ok(rows[i].timeMs > rows[i - 1].timeMs || (rows[i].timeMs === rows[i - 1].timeMs && rows[i].seq > rows[i - 1].seq), 'time order');
	}
	assert.deepEqual([...new Set(rows.map((r) => r.kind))].sort(), ['call', 'segment', 'state']);
	assert.ok(rows.some((r) => r.kind === 'state' && r.side === 'Client' && r.what.startsWith('p1 TIME_WAIT → CLOSED')));
	assert.ok(rows.some((r) => r.kind === 'segment' && r.side === 'client → server'));
	const held = l.arrows.find((a) => a.tags.includes('held'));
	assert.ok(rows.find((r) => r.seq === held.events[0].seq).fresh, 'delivered in step 5: new in step 5');
	const labelMid = held.labelBox.y + held.labelBox.h / 2;
	assert.ok(labelMid > held.y1 + (held.y2 - held.y1) / 2, 'the label is in the arrival half of the arrow');
});

test('a step that lets the clock run past its last event ends with that pause', () => {
	const run = scenarioRun('close-wait-leak');
	const step = run.narration[3];
	assert.ok(step.endMs >= 300000, 'five minutes pass');
	const events = run.trace.filter((e) => e.seq < step.toSeq);
	const l = layoutLadder(events, { pair: 1, width: 640, endMs: step.endMs, t: en, formatMs });
	assert.equal(l.rows.at(-1).timeMs, step.endMs);
	assert.ok(l.gaps.at(-1).dtMs >= 200000);
	assert.ok(l.times.some((x) => x.text === formatMs(step.endMs)));
});
