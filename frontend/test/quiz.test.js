import test from 'node:test';
import assert from 'node:assert/strict';
import { questionForStep, usableExpectations, score, STATES } from '../quiz.js';
import { scenarioRun } from './fixtures.js';

test('every question comes from the step\'s own expectations: exactly one right choice, 3–4 choices, no duplicates', () => {
	for (const name of ['active-close', 'lost-last-ack', 'simultaneous-close', 'linger-timeout', 'old-duplicate']) {
		const run = scenarioRun(name);
		run.narration.forEach((step, i) => {
			const q = questionForStep(step, i);
			if (!q) {
				assert.equal(usableExpectations(step).length, 0);
				return;
			}
			assert.ok(q.choices.length >= 2 && q.choices.length <= 4, `${name} ${i}: ${q.choices.length} choices`);
			assert.equal(q.choices.filter((c) => c.correct).length, 1);
			assert.equal(new Set(q.choices.map((c) => c.value)).size, q.choices.length);
			assert.ok(step.expectations.includes(q.expectation), 'the answer is an expectation of this step');
			assert.deepEqual(questionForStep(step, i), q, 'deterministic');
		});
	}
});

test('a state expectation asks where the endpoint goes; the answer is the expectation\'s target state', () => {
	const step = { step: 3, expectations: [
		{ kind: 'state', negate: false, passed: true, pair: 1, endpoint: 'client', from: 'FIN_WAIT_2', to: 'TIME_WAIT', text: 'x' },
	] };
	const q = questionForStep(step, 2);
	assert.equal(q.key, 'quiz.q.state.from');
	assert.equal(q.answer, 'TIME_WAIT');
	assert.equal(q.choices.length, 4);
	assert.ok(q.choices.every((c) => STATES.includes(c.value)));
	assert.ok(!q.choices.some((c) => c.value === 'FIN_WAIT_2'), 'the state it leaves is not offered');
});

test('negated, failed or unusable expectations give no question; call results and segment flags do', () => {
	assert.equal(questionForStep({ expectations: [{ kind: 'state', negate: true, endpoint: 'client', to: 'TIME_WAIT' }] }), null);
	assert.equal(questionForStep({ expectations: [{ kind: 'state', passed: false, endpoint: 'client', to: 'TIME_WAIT' }] }), null);
	assert.equal(questionForStep({ expectations: [{ kind: 'note', contains: 'RST', text: 'x' }] }), null);
	assert.equal(questionForStep({ expectations: [] }), null);
	assert.equal(questionForStep({ expectations: [{ kind: 'state', endpoint: 'client', from: 'TIME_WAIT', to: '*' }] }), null, 'wildcards are no answer');
	assert.equal(questionForStep({ expectations: [{ kind: 'segment', from: 'client', to: 'server', flags: ['ACK'], event: 'dropped' }] }), null);
	assert.equal(questionForStep({ expectations: [{ kind: 'call', endpoint: 'client', call: 'bind', result: '*' }] }), null);
	assert.equal(questionForStep({ expectations: [{ kind: 'state', endpoint: 'server', from: '*', to: 'CLOSED' }] }).key, 'quiz.q.state');
	const call = questionForStep({ expectations: [{ kind: 'call', endpoint: 'server', call: 'send', result: 'EPIPE' }] });
	assert.equal(call.answer, 'EPIPE');
	assert.ok(call.choices.some((c) => c.value === 'EPIPE' && c.correct));
	const seg = questionForStep({ expectations: [{ kind: 'segment', from: 'server', to: 'client', flags: ['ACK', 'FIN'] }] });
	assert.equal(seg.answer, 'FIN,ACK');
	assert.deepEqual(score({ 1: true, 2: false, 4: true }), { right: 2, total: 3 });
});
