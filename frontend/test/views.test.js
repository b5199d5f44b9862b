import test from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store.js';
import { translate } from '../i18n.js';
import { narrationModel } from '../views/narration.js';
import { headerModel } from '../views/header.js';
import { resultItems } from '../views/results.js';
import { clockModel } from '../views/clock.js';
import { segmentRows, pairOptions, freshScrollTop } from '../views/ladder.js';
import { viewsFor } from '../views/render-loop.js';
import { stepPair, samplePairs, focusPairId, visibleNow, freshFromSeq, branching } from '../selectors.js';
import { layoutLadder } from '../ladder.js';
import { revealForStep } from '../scenarios.js';
import { scenarioRun } from './fixtures.js';

const t = (k, p) => translate('en', k, p);
const ko = (k, p) => translate('ko', k, p);

function atStep(name, step, extra = {}) {
	const run = scenarioRun(name);
	const sc = { name, def: { title: { en: run.name, ko: run.name } }, narration: run.narration, step, quiz: null, ...extra };
	return { lang: 'en', events: run.trace, reveal: revealForStep(run.narration, step), scenario: sc, pairId: 1, sim: null, clock: null };
}

test('the narration model: step counter, buttons, and a question that keeps Next disabled', () => {
	const s = atStep('lost-last-ack', 0);
	const m = narrationModel(s, t);
	assert.equal(m.stepCount, 'Step 1 of 5');
	assert.equal(m.prevDisabled, true);
	assert.equal(m.nextDisabled, false);
	const q = { key: 'quiz.q.state.endNew', params: { side: 'client' }, choices: [{ value: 'TIME_WAIT', correct: true }] };
	const asking = narrationModel({ ...s, scenario: { ...s.scenario, quiz: { answers: {}, pending: { index: 1, q } } } }, t);
	assert.equal(asking.nextDisabled, true);
	assert.match(asking.question, /^Before step 2, predict: .*client/i);
	const done = narrationModel({ ...atStep('lost-last-ack', 4), scenario: { ...atStep('lost-last-ack', 4).scenario,
		quiz: { answers: { 1: true, 2: false }, pending: null, feedback: { right: false, answer: { value: 'CLOSED' } } } } }, t);
	assert.equal(done.score, 'Quiz score: 1 of 2 right.');
	assert.equal(done.feedback, '✗ Not quite: the answer is CLOSED.');
	assert.equal(narrationModel({ ...s, scenario: null }, t).hidden, true);
});

test('the header says "(live)" only while a stream follows the simulation', () => {
	assert.equal(headerModel({ simId: 'abcdef0123', connection: 'live' }).status, '(live)');
	assert.equal(headerModel({ simId: 'abcdef0123', connection: 'idle' }).status, '');
	assert.equal(headerModel({ simId: 'abcdef0123', connection: 'idle' }).simText, 'abcdef01');
});

test('a blocked call is completed from the trace in the results list', () => {
	const state = { events: [{ seq: 9, type: 'call', pair: 1, endpoint: 'client', call: 'close', completed: true, result: 0 }],
		results: [{ text: 'Client: close() → pending', errno: false, who: 'Client: ', label: 'close()', pending: { pair: 1, side: 'client', call: 'close', seq: 3 } }] };
	assert.deepEqual(resultItems(state, t), [{ text: '✓ Client: close() → blocked, then returned 0', errno: false }]);
});

test('the clock line names the mode', () => {
	assert.equal(clockModel({ clock: { mode: 'manual', nowMs: 5 }, events: [], reveal: null }, t).mode, '(manual clock)');
	const running = clockModel({ clock: { mode: 'realtime', paused: false, speed: 2, nowMs: 1000, receivedAt: 0 }, events: [], reveal: null }, t, 500);
	assert.equal(running.now, 'Virtual time: 2 s');
	assert.equal(running.paused, false);
});

test('segment details list the raw fields of an arrow', () => {
	const layout = layoutLadder(scenarioRun('active-close').trace, { pair: 1, width: 640 });
	const rows = Object.fromEntries(segmentRows(layout.arrows[0], t));
	assert.equal(rows.flags, 'SYN');
	assert.ok(rows.window !== '–');
});

test('the connection menu offers all pairs for a story and 24 samples for a load', () => {
	const old = { ...atStep('old-duplicate', 5), reveal: null };
	const m = pairOptions(old, t);
	assert.equal(m.options[0].value, 'all');
	assert.equal(m.load, false);
	const many = Array.from({ length: 300 }, (_, i) => ({ seq: i, type: 'state', pair: i + 1, endpoint: 'client', from: 'CLOSED', to: 'SYN_SENT', timeMs: i }));
	const load = pairOptions({ events: many, sim: null, pairId: 150 }, ko);
	assert.equal(load.load, true);
	assert.ok(load.options.some((o) => o.value === '150'), 'the chosen sample stays in the menu');
	assert.ok(load.options.length <= 25);
	assert.deepEqual(samplePairs([1, 2, 3]), [1, 2, 3]);
});

test('the focus pair follows the step in all-pairs mode', () => {
	const s = { ...atStep('old-duplicate', 3), pairId: 'all' };
	assert.equal(focusPairId(s), 2, 'step 4 is about the new connection');
	assert.equal(stepPair(s.scenario.narration[0], s.events), 1);
	assert.equal(freshFromSeq(s), s.scenario.narration[3].fromSeq);
	assert.equal(branching(s), true);
	assert.equal(visibleNow(s), s.events.filter((e) => e.seq <= s.reveal).at(-1).timeMs);
});

test('a load step is about the connection it ends with', () => {
	const events = [];
	for (let p = 1; p <= 30; p++) {
		events.push({ seq: events.length, type: 'state', pair: p, endpoint: 'server', from: 'LAST_ACK', to: 'CLOSED', timeMs: p });
	}
	assert.equal(stepPair({ fromSeq: 0, toSeq: events.length }, events), 30);
});

test('views are drawn only when a key they name changed', () => {
	const a = { keys: ['lang'] };
	const b = { keys: ['events', 'reveal'] };
	const all = { keys: '*' };
	assert.deepEqual(viewsFor([a, b, all], new Set(['reveal'])), [b, all]);
	assert.deepEqual(viewsFor([a, b], null), [a, b]);
	assert.ok(new Store() instanceof EventTarget);
});

test('the ladder box moves only as far as the step\'s new items need, and never cuts them at the bottom', () => {
	// already in view: stays
	assert.equal(freshScrollTop({ top: 100, height: 50 }, 60, 300), 60);
	// below the view: brought in, a quarter down
	const st = freshScrollTop({ top: 900, height: 100 }, 0, 300);
	assert.ok(900 - st > 0 && 900 + 100 - st <= 300, `${st}`);
	// nearly as tall as the view: the whole of it, with what margin there is
	const tall = freshScrollTop({ top: 17, height: 334 }, 5, 341);
	assert.ok(tall <= 17 && 17 + 334 - tall <= 341, `${tall}`);
	// taller than the view: from its first item
	assert.equal(freshScrollTop({ top: 500, height: 900 }, 0, 300), 498);
	assert.equal(freshScrollTop({ top: 0, height: 10 }, 400, 300), 0);
});
