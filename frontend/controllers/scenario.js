// Guided scenarios: run one, walk its narration step by step, replay it slowly, and the "Quiz me" mode
// (predict, then reveal). Changes only the store; the narration view draws it. No DOM here.
import { revealForStep, stepForSeq, replaySeqs } from '../scenarios.js';
import { questionForStep, score } from '../quiz.js';
import { stepPair, isLoad } from '../selectors.js';
import { pairIds } from '../store.js';

/**
 * @param store the Store
 * @param api the REST client (scenarios, runScenario)
 * @param onLoaded async (run) => void: the page loads the run's simulation into the store
 * @param onStep (scenario) => void: called after every step change (the URL follows)
 * @param onLeave () => void: the reader left the scenario (the page follows the live simulation again)
 * @param timers {setInterval, clearInterval} (tests pass fakes)
 */
export function createScenarioController({ store, api, onLoaded = async () => {}, onStep = () => {}, onLeave = () => {},
	timers = globalThis }) {
	let replayTimer = null;
	const current = () => store.state.scenario;
	const focus = (id) => store.set({ focus: { id, n: (store.state.focus?.n || 0) + 1 } });

	/** In a load run the ladder shows the connection the step is about. */
	const pairFor = (sc, n) => {
		if (!isLoad(store.state)) {
			return {};
		}
		const p = stepPair(sc.narration[n], store.state.events);
		return p != null ? { pairId: p } : {};
	};

	const setStep = (step, extra = {}) => {
		const sc = current();
		if (!sc) {
			return;
		}
		stopReplay();
		const n = Math.max(0, Math.min(step, sc.narration.length - 1));
		store.set({ scenario: { ...sc, step: n, quiz: sc.quiz ? { ...sc.quiz, pending: null } : null, ...extra },
			reveal: revealForStep(sc.narration, n), ...pairFor(sc, n) });
		onStep(current());
	};

	function stopReplay() {
		if (replayTimer) {
			timers.clearInterval(replayTimer);
			replayTimer = null;
			const sc = current();
			if (sc) {
				store.set({ scenario: { ...sc, replaying: false } });
			}
		}
	}

	const c = {
		list: [],

		async loadList() {
			c.list = await api.scenarios();
			store.set({ scenarios: c.list });
			return c.list;
		},

		/** Runs a scenario; step is 1-based, "all" shows the whole run (as ?step= in a shared link). */
		async run(name, { profile, step, runner, docText } = {}) {
			stopReplay();
			// runner: an author's document already run (POST /api/scenarios/runs) instead of a built-in one
			const run = runner ? await runner() : await api.runScenario(name, profile ? { profile } : {});
			const def = (!runner && c.list.find((x) => x.name === name)) || { name, title: run.title, summary: run.summary };
			await onLoaded({ ...run, name });
			const narration = run.narration || [];
			const all = step === 'all';
			const index = Math.min(all ? narration.length - 1 : Math.max(0, (Number(step) || 1) - 1), Math.max(0, narration.length - 1));
			const sc = { name, def, narration, step: index, replaying: false, seed: run.seed ?? null, profile: run.profile ?? profile ?? null,
				profileParam: profile || null, quiz: null, docText: docText ?? null };
			store.set({ scenario: sc, reveal: all ? null : revealForStep(narration, index), ...(all ? {} : pairFor(sc, index)) });
			onStep(current());
			return run;
		},

		next() {
			const sc = current();
			if (!sc) {
				return;
			}
			if (sc.step >= sc.narration.length - 1) {
				stopReplay();
				store.set({ reveal: null });
				onStep(current());
				return;
			}
			const index = sc.step + 1;
			if (sc.quiz) {
				// predict, then reveal: the next step stays hidden until its question is answered
				const q = questionForStep(sc.narration[index], index, store.state.events, sc.narration);
				if (q) {
					stopReplay();
					store.set({ scenario: { ...sc, quiz: { ...sc.quiz, pending: { index, q }, feedback: null, none: false } } });
					focus('quiz-first-choice');
					return;
				}
				setStep(index, { quiz: { ...sc.quiz, pending: null, feedback: null, none: true } });
				focus('step-next');
				return;
			}
			setStep(index);
		},

		prev() {
			const sc = current();
			if (sc) {
				setStep(store.state.reveal == null ? sc.narration.length - 1 : sc.step - 1);
			}
		},

		showAll() {
			const sc = current();
			stopReplay();
			if (sc) {
				store.set({ scenario: { ...sc, step: sc.narration.length - 1, quiz: sc.quiz ? { ...sc.quiz, pending: null } : null }, reveal: null });
				onStep(current());
			}
		},

		toggleQuiz() {
			const sc = current();
			if (!sc) {
				return;
			}
			if (sc.quiz) {
				store.set({ scenario: { ...sc, quiz: null } });
				return;
			}
			// a quiz starts from the first step; every later step is asked before it is shown
			stopReplay();
			setStep(0, { quiz: { answers: {}, pending: null, feedback: null, none: false } });
			focus('step-next');
		},

		/** The reader's answer (index into the pending question's choices): reveals the step and says if it was right. */
		answer(choiceIndex) {
			const sc = current();
			const pending = sc?.quiz?.pending;
			if (!pending) {
				return;
			}
			const choice = pending.q.choices[choiceIndex];
			const right = !!choice?.correct;
			const answerChoice = pending.q.choices.find((x) => x.correct);
			const answers = { ...sc.quiz.answers, [pending.index]: right };
			setStep(pending.index, { quiz: { ...sc.quiz, answers, pending: null, feedback: { right, answer: answerChoice }, none: false } });
			// the reader goes on from Next (or, after the last question, reads the score beside it)
			focus('step-next');
		},

		score: () => score(current()?.quiz?.answers),

		replay() {
			const sc = current();
			if (!sc) {
				return;
			}
			if (replayTimer) {
				stopReplay();
				return;
			}
			const seqs = replaySeqs(store.state.events);
			if (seqs.length === 0) {
				return;
			}
			let i = 0;
			store.set({ scenario: { ...sc, replaying: true, step: 0 }, reveal: seqs[0] });
			replayTimer = timers.setInterval(() => {
				i++;
				const s = current();
				if (!s || i >= seqs.length) {
					timers.clearInterval(replayTimer);
					replayTimer = null;
					if (s) {
						store.set({ scenario: { ...s, replaying: false, step: s.narration.length - 1 }, reveal: null });
					}
					return;
				}
				store.set({ scenario: { ...s, step: stepForSeq(s.narration, seqs[i]) }, reveal: seqs[i] });
			}, 700);
		},

		stopReplay,

		leave({ silent = false } = {}) {
			stopReplay();
			if (!current()) {
				return;
			}
			store.set({ scenario: null, reveal: null });
			if (!silent) {
				onLeave();
			}
		},

		/** The pair a freshly loaded run shows: all pairs for 2–4, the first sample of a load, else the only one. */
		initialPair(sim) {
			const ids = pairIds(sim, store.state.events);
			if (ids.length > 1 && ids.length <= 4) {
				return 'all';
			}
			return ids.length > 24 ? ids[0] : null;
		},
	};
	return c;
}
