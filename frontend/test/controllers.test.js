import test from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store.js';
import { createScenarioController } from '../controllers/scenario.js';
import { createSimulationController, resultLine } from '../controllers/simulation.js';
import { urlFor } from '../controllers/url.js';
import { translate } from '../i18n.js';
import { scenarioRun } from './fixtures.js';

const t = (k, p) => translate('en', k, p);

function scenarioWith(name, { onStep = () => {} } = {}) {
	const run = scenarioRun(name);
	const store = new Store();
	const api = {
		scenarios: async () => [{ name, title: { en: name }, summary: { en: '' } }],
		runScenario: async () => ({ ...run, simulationId: 'sim-1' }),
	};
	const onLoaded = async (r) => {
		store.loadSimulation({ id: r.simulationId, pairs: [] });
		store.addEvents(r.trace);
	};
	const fakeTimers = { setInterval: () => 1, clearInterval: () => {} };
	const sc = createScenarioController({ store, api, onLoaded, onStep, timers: fakeTimers });
	return { store, sc, run };
}

test('a scenario opens at the linked step and Next/Previous move the reveal point', async () => {
	const steps = [];
	const { store, sc, run } = scenarioWith('lost-last-ack', { onStep: (s) => steps.push(s.step) });
	await sc.loadList();
	await sc.run('lost-last-ack', { step: '3' });
	assert.equal(store.state.scenario.step, 2);
	assert.equal(store.state.reveal, run.narration[2].toSeq - 1);
	sc.next();
	assert.equal(store.state.scenario.step, 3);
	sc.prev();
	sc.prev();
	assert.equal(store.state.scenario.step, 1);
	sc.showAll();
	assert.equal(store.state.reveal, null, 'everything shown');
	assert.deepEqual(steps, [2, 3, 2, 1, 4]);
});

test('the quiz asks before it reveals, and sends the focus to Next after an answer', async () => {
	const { store, sc } = scenarioWith('lost-last-ack');
	await sc.run('lost-last-ack', { step: '1' });
	sc.toggleQuiz();
	assert.equal(store.state.focus.id, 'step-next');
	const revealed = store.state.reveal;
	sc.next();
	const pending = store.state.scenario.quiz.pending;
	assert.ok(pending, 'a question for step 2');
	assert.equal(store.state.reveal, revealed, 'step 2 stays hidden until answered');
	assert.equal(store.state.focus.id, 'quiz-first-choice');
	const right = pending.q.choices.findIndex((c) => c.correct);
	sc.answer(right);
	assert.equal(store.state.scenario.step, 1);
	assert.equal(store.state.scenario.quiz.feedback.right, true);
	assert.equal(store.state.focus.id, 'step-next');
	assert.deepEqual(sc.score(), { right: 1, total: 1 });
});

test('leaving a scenario clears it and tells the page once', async () => {
	let left = 0;
	const store = new Store();
	const c2 = createScenarioController({ store, api: { runScenario: async () => ({ ...scenarioRun('active-close'), simulationId: 's' }) },
		onLoaded: async () => {}, onLeave: () => left++ });
	await c2.run('active-close');
	c2.leave();
	c2.leave();
	assert.equal(store.state.scenario, null);
	assert.equal(left, 1);
});

test('the address keeps lang and compare and replaces the view parameters', () => {
	assert.equal(urlFor('http://h/?lang=ko&scenario=a&step=3&compare=timewait', { sim: 'x' }), 'http://h/?lang=ko&compare=timewait&sim=x');
	assert.equal(urlFor('http://h/?sim=x', { scenario: 'b', step: 2, profile: null }), 'http://h/?scenario=b&step=2');
});

test('result lines name the side and explain an errno', () => {
	assert.deepEqual(resultLine({ side: 'client', label: 'send(100)', result: 'EPIPE' }, t),
		{ text: 'Client: send(100) → EPIPE (broken pipe: this side already shut down writing)', errno: true, who: 'Client: ' });
	assert.equal(resultLine({ label: 'close()', result: 0 }, t).text, 'close() → 0');
	assert.equal(resultLine({ label: 'x', error: { message: 'boom', problem: {} } }, t).errno, true);
});

function fakeSimApi(log) {
	let seq = 0;
	const ev = (o) => ({ seq: seq++, timeMs: 0, ...o });
	return {
		createSimulation: async (b) => (log.push(['create', b]), { id: 'S', seed: b.seed }),
		openPair: async () => (log.push(['pair']), { id: 1, client: { port: 40000 } }),
		trace: async (id, since) => {
			log.push(['trace', since]);
			return since === 0 ? { events: [ev({ type: 'state', pair: 1, endpoint: 'client', from: 'SYN_SENT', to: 'ESTABLISHED', timeMs: 20 })] } : { events: [] };
		},
		clock: async (id, b) => (log.push(['clock', b]), { nowMs: 45, clock: 'realtime', paused: false, speed: 1 }),
		getSimulation: async () => ({ id: 'S', nowMs: 43.8, clock: 'realtime', pairs: [{ id: 1 }] }),
		event: async (id, pair, body) => (log.push(['event', pair, body]), { result: 0, trace: [ev({ type: 'call', pair, endpoint: body.side, call: body.type, result: 0, timeMs: 5000 })] }),
	};
}

test('a new simulation replays from where its handshake ended, not from when the realtime clock was read', async () => {
	const log = [];
	const store = new Store();
	const urls = { set: (p) => log.push(['url', p]) };
	const sim = createSimulationController({ store, api: fakeSimApi(log), t, urls, scenario: { leave() {} },
		connectStream: () => ({ close() {} }), env: { location: {}, setTimeout: () => 0, clearTimeout() {}, setInterval: () => 0, clearInterval() {}, now: () => 0 } });
	await sim.start('linux');
	assert.equal(store.state.actions[1].afterMs, 20, 'the handshake ended at 20 ms (the clock read 43.8 ms)');
	assert.deepEqual(log.find((x) => x[0] === 'url'), ['url', { sim: 'S' }]);
	assert.equal(store.state.connection, 'idle');
	await sim.pairAction('client', 'close', {});
	assert.deepEqual(log.find((x) => x[0] === 'event'), ['event', 1, { type: 'close', side: 'client' }]);
	assert.equal(store.state.actions[2].atMs, 5000);
	assert.match(store.state.results[0].text, /Client: close\(\) → 0/);
});
