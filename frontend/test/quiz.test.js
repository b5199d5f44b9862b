import test from 'node:test';
import assert from 'node:assert/strict';
import { questionForStep, questionText, choiceText, claims, score, STATES, BLOCKS } from '../quiz.js';
import { translate } from '../i18n.js';
import { scenarioRun } from './fixtures.js';

const SCENARIOS = ['active-close', 'close-unread-data', 'close-wait-leak', 'fin-wait-1-zero-window', 'fin-wait-2-timeout',
	'graceful-close', 'half-close', 'linger-abort', 'linger-default', 'linger-timeout', 'lost-fin', 'lost-last-ack', 'no-time-wait',
	'old-duplicate', 'rebind-time-wait', 'server-active-close', 'simultaneous-close', 'three-segment-close'];
const en = (k, p) => translate('en', k, p);
const ko = (k, p) => translate('ko', k, p);

/** What the screen shows before a step: each endpoint's state from the trace up to the step. */
function shownBefore(events, step, pair, side) {
	let s = null;
	for (const e of events) {
		if (e.seq < step.fromSeq && e.type === 'state' && e.pair === pair && e.endpoint === side) {
			s = e.to;
		}
	}
	return s;
}

/** Every question of every scenario: fn({name, run, step, index, q}). */
function eachQuestion(fn) {
	let n = 0;
	for (const name of SCENARIOS) {
		const run = scenarioRun(name);
		run.narration.forEach((step, index) => {
			const q = questionForStep(step, index, run.trace, run.narration);
			if (q) {
				n++;
				fn({ name, run, step, index, q });
			}
		});
	}
	return n;
}

function ask(name, stepNo) {
	const run = scenarioRun(name);
	const i = stepNo - 1;
	return { run, step: run.narration[i], q: questionForStep(run.narration[i], i, run.trace, run.narration) };
}

test('every question of every scenario is about a claim its step\'s trace shows, with one right choice', () => {
	const asked = eachQuestion(({ name, run, step, index: i, q }) => {
		const where = `${name} step ${i + 1}`;
		assert.ok(q.choices.length >= 2 && q.choices.length <= 4, `${where}: ${q.choices.length} choices`);
		assert.equal(q.choices.filter((c) => c.correct).length, 1, where);
		assert.equal(new Set(q.choices.map((c) => c.value)).size, q.choices.length, where);
		assert.ok(step.expectations.includes(q.expectation), `${where}: the claim is an expectation of this step`);
		assert.deepEqual(questionForStep(step, i, run.trace, run.narration), q, 'deterministic');
		const mine = run.trace.filter((e) => e.seq >= step.fromSeq && e.seq < step.toSeq);
		const x = q.expectation;
		if (q.kind === 'state') {
			const pair = mine.find((e) => e.type === 'state' && e.endpoint === x.endpoint && e.to === q.answer)?.pair;
			assert.ok(pair != null, `${where}: the step's trace shows ${x.endpoint} entering ${q.answer}`);
			// the premise is what the screen shows before the step, never the expectation's "from"
			assert.equal(q.params.from ?? null, shownBefore(run.trace, step, pair, x.endpoint), `${where}: premise`);
			assert.ok(!q.choices.some((c) => !c.correct && c.value === q.params.from), `${where}: the state it is in is not offered`);
		}
		if (q.kind === 'call') {
			assert.ok(mine.some((e) => e.type === 'call' && e.call === x.call && e.endpoint === x.endpoint
				&& (String(e.result) === q.answer || (q.answer === BLOCKS && e.blocking))), `${where}: the call and its result are in the step`);
		}
		if (q.kind === 'segment') {
			const first = mine.find((e) => e.type === 'segment' && e.event === 'sent' && e.from === x.from);
			const flags = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'].filter((f) => first?.flags.includes(f)).join(',');
			assert.equal(q.answer.split(' ')[0], flags, `${where}: the side's next segment is the answer`);
		}
	});
	assert.ok(asked >= 50, `questions asked: ${asked}`);
});

test('a state question starts from the state the screen shows (no false premise)', () => {
	// rebind-time-wait step 2 expects "FIN_WAIT_2 → TIME_WAIT", but before the step the client is ESTABLISHED
	const { q } = ask('rebind-time-wait', 2);
	assert.equal(q.key, 'quiz.q.state.end');
	assert.equal(q.params.from, 'ESTABLISHED');
	assert.equal(q.answer, 'TIME_WAIT');
	assert.equal(questionText(q, en), 'The p1 client is in ESTABLISHED now. In which state is it at the end of this step?');
	const next = ask('active-close', 2).q;
	assert.equal(questionText(next, en), 'The client is in ESTABLISHED. Which state does it enter next?');
	assert.equal(next.answer, 'FIN_WAIT_1');
	assert.ok(next.choices.every((c) => STATES.includes(c.value)));
});

test('a call made twice in a step is named by its argument or as the last call', () => {
	const bind = ask('old-duplicate', 4).q;
	assert.equal(questionText(bind, en), 'What does the client\'s bind(1500) return?');
	assert.equal(bind.answer, 'EADDRINUSE');
	const recv = ask('graceful-close', 4).q;
	assert.equal(recv.key, 'quiz.q.call.last');
	assert.equal(recv.answer, '0');
});

test('the lesson is asked before trivia: an RST, a blocked close(), a retransmission; never a byte count', () => {
	assert.equal(ask('close-unread-data', 3).q.answer, 'RST,ACK');
	const blocked = ask('linger-timeout', 3).q;
	assert.equal(blocked.answer, BLOCKS);
	assert.equal(choiceText(blocked.choices.find((c) => c.correct), en), 'it blocks (does not return yet)');
	assert.equal(ask('linger-timeout', 4).q.key, 'quiz.q.call.returns');
	const fin = ask('lost-last-ack', 4).q;
	assert.equal(choiceText(fin.choices.find((c) => c.correct), en), 'FIN,ACK again (a retransmission)');
	assert.equal(ask('linger-timeout', 2).q, null, 'setsockopt() = 0 is not a question');
	assert.equal(ask('half-close', 4).q, null, 'recv() = 500 is not a question');
	assert.ok(claims(ask('fin-wait-1-zero-window', 2).step, scenarioRun('fin-wait-1-zero-window').trace).every((c) => c.kind !== 'call'));
	// the reuse that works where it failed before
	assert.equal(ask('rebind-time-wait', 4).q.answer, '0');
});

test('Korean questions attach particles to the word (클라이언트는, 서버가) and read without English', () => {
	eachQuestion(({ name, index: i, q }) => {
		const text = questionText(q, ko);
		assert.doesNotMatch(text, /[A-Za-z0-9_)\]] (는|은|가|이|의|를|을|에|로) /, `${name} ${i + 1}: ${text}`);
		assert.doesNotMatch(text, /\b(The|What|Which|client|server)\b/, `${name} ${i + 1}: ${text}`);
		for (const c of q.choices) {
			assert.doesNotMatch(choiceText(c, ko), /\b(again|nothing|blocks)\b/);
		}
	});
	assert.equal(questionText(ask('active-close', 2).q, ko), '클라이언트는 지금 ESTABLISHED 상태입니다. 다음에는 어떤 상태가 될까요?');
	assert.equal(questionText(ask('close-unread-data', 3).q, ko), '서버가 다음에 보내는 세그먼트는 무엇일까요?');
});

test('expectations the trace does not show, negated or wildcard ones give no question', () => {
	const events = [{ seq: 0, type: 'state', pair: 1, endpoint: 'client', from: 'ESTABLISHED', to: 'FIN_WAIT_1', timeMs: 0 }];
	const step = (x) => ({ fromSeq: 0, toSeq: 1, expectations: [x] });
	assert.equal(questionForStep(step({ kind: 'state', endpoint: 'client', from: '*', to: 'TIME_WAIT' }), 1, events), null, 'not in the trace');
	assert.equal(questionForStep(step({ kind: 'state', negate: true, endpoint: 'client', to: 'FIN_WAIT_1' }), 1, events), null);
	assert.equal(questionForStep(step({ kind: 'state', passed: false, endpoint: 'client', to: 'FIN_WAIT_1' }), 1, events), null);
	assert.equal(questionForStep(step({ kind: 'state', endpoint: 'client', to: '*' }), 1, events), null);
	assert.equal(questionForStep(step({ kind: 'note', contains: 'RST' }), 1, events), null);
	assert.equal(questionForStep({ expectations: [] }, 1, events), null);
	assert.equal(questionForStep(step({ kind: 'state', endpoint: 'client', from: '*', to: 'FIN_WAIT_1' }), 1, events).key, 'quiz.q.state.endNew',
		'an endpoint the screen has not shown yet gets no premise');
	assert.deepEqual(score({ 1: true, 2: false, 4: true }), { right: 2, total: 3 });
});
