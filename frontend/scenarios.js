// Guided scenarios: list, run, and walk through the narration step by step (or replay it slowly).
import { pick } from './i18n.js';
import { questionForStep, score } from './quiz.js';

/**
 * The last seq to show at a narration step (index 0-based). A step produced the events fromSeq ≤ seq < toSeq
 * (half-open, as the scenario runner reports them), so everything below that step's toSeq is visible.
 */
export function revealForStep(narration, step) {
	if (!narration || narration.length === 0) {
		return null;
	}
	const s = narration[Math.max(0, Math.min(step, narration.length - 1))];
	return s.toSeq - 1;
}

/** The index of the narration step that produced a trace seq (the first step whose toSeq > seq). */
export function stepForSeq(narration, seq) {
	for (let i = 0; i < narration.length; i++) {
		if (seq < narration[i].toSeq) {
			return i;
		}
	}
	return narration.length - 1;
}

/** The seqs a slow replay walks through: every segment/state/call event, in order. */
export function replaySeqs(events) {
	return events.filter((e) => e.type === 'segment' || e.type === 'state' || e.type === 'call').map((e) => e.seq);
}

export function createScenarioView({ store, api, t, $, onLoaded, onLeave, onStep = () => {} }) {
	let list = [];
	let replayTimer = null;
	let drawnQuestion = null;

	const current = () => store.state.scenario;

	const setStep = (step, extra = {}) => {
		const sc = current();
		if (!sc) {
			return;
		}
		stopReplay();
		const n = Math.max(0, Math.min(step, sc.narration.length - 1));
		store.set({ scenario: { ...sc, step: n, quiz: sc.quiz ? { ...sc.quiz, pending: null } : null, ...extra },
			reveal: revealForStep(sc.narration, n) });
		onStep(current());
	};

	const stopReplay = () => {
		if (replayTimer) {
			clearInterval(replayTimer);
			replayTimer = null;
			const sc = current();
			if (sc) {
				store.set({ scenario: { ...sc, replaying: false } });
			}
		}
	};

	const replay = () => {
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
		replayTimer = setInterval(() => {
			i++;
			const s = current();
			if (!s || i >= seqs.length) {
				clearInterval(replayTimer);
				replayTimer = null;
				if (s) {
					store.set({ scenario: { ...s, replaying: false, step: s.narration.length - 1 }, reveal: null });
				}
				return;
			}
			store.set({ scenario: { ...s, step: stepForSeq(s.narration, seqs[i]) }, reveal: seqs[i] });
		}, 700);
	};

	const view = {
		async loadList() {
			list = await api.scenarios();
			const sel = $('scenario-select');
			while (sel.firstChild) {
				sel.removeChild(sel.firstChild);
			}
			for (const s of list) {
				const o = document.createElement('option');
				o.value = s.name;
				o.textContent = pick(s.title, store.state.lang);
				sel.appendChild(o);
			}
			view.renderSummary();
		},

		renderSummary() {
			const sel = $('scenario-select');
			for (const o of sel.options) {
				const s = list.find((x) => x.name === o.value);
				if (s) {
					o.textContent = pick(s.title, store.state.lang);
				}
			}
			const s = list.find((x) => x.name === sel.value);
			$('scenario-summary').textContent = s ? pick(s.summary, store.state.lang) : (list.length ? '' : t('scenarios.none'));
			$('scenario-run').disabled = list.length === 0;
		},

		/** Runs a scenario; step is 1-based, "all" shows the whole run (as ?step= in a shared link). */
		async run(name, { profile, step, runner, docText } = {}) {
			stopReplay();
			// runner: an author's document already run (POST /api/scenarios/runs) instead of a built-in one
			const run = runner ? await runner() : await api.runScenario(name, profile ? { profile } : {});
			drawnQuestion = null;
			const def = (!runner && list.find((x) => x.name === name)) || { name, title: run.title, summary: run.summary };
			await onLoaded({ ...run, name });
			$('scenario-select').value = name;
			const narration = run.narration || [];
			const all = step === 'all';
			const index = all ? narration.length - 1 : Math.max(0, (Number(step) || 1) - 1);
			store.set({ scenario: { name, def, narration, step: Math.min(index, Math.max(0, narration.length - 1)), replaying: false,
				seed: run.seed ?? null, profile: run.profile ?? profile ?? null, profileParam: profile || null, quiz: null,
				docText: docText ?? null },
			reveal: all ? null : revealForStep(narration, index) });
			onStep(current());
			$('scenario-select').value = name;
			$('narration').focus?.();
		},

		renderQuiz(sc) {
			const quiz = sc.quiz;
			const box = $('quiz');
			const pending = quiz?.pending;
			box.hidden = !pending;
			$('narration').classList.toggle('asking', !!pending);
			if (pending) {
				const q = pending.q;
				const key = `${pending.index}/${store.state.lang}`;
				const many = sc.narration.some((n) => (n.expectations || []).some((x) => x.pair != null && x.pair !== 1));
				const side = (x) => (x === 'client' || x === 'server' ? t(`side.${x}`) : x)
					+ (many && q.expectation.pair != null ? ` (p${q.expectation.pair})` : '');
				$('quiz-question').textContent = `${t('quiz.question', { n: pending.index + 1 })}: ${t(q.key, { ...q.params, side: side(q.params.side) })}`;
				if (drawnQuestion !== key) {
					drawnQuestion = key;
					const host = $('quiz-choices');
					while (host.firstChild) {
						host.removeChild(host.firstChild);
					}
					q.choices.forEach((c, i) => {
						const label = document.createElement('label');
						const input = document.createElement('input');
						input.type = 'radio';
						input.name = 'quiz-choice';
						input.value = String(i);
						input.required = true;
						const span = document.createElement('span');
						span.textContent = c.labelKey ? t(c.labelKey) : c.value;
						label.append(input, span);
						host.appendChild(label);
					});
					host.querySelector('input')?.focus({ preventScroll: true });
				}
			}
			else {
				drawnQuestion = null;
			}
			const fb = $('quiz-feedback');
			const lines = [];
			if (quiz?.feedback) {
				lines.push(quiz.feedback.right ? t('quiz.right', { answer: quiz.feedback.answer }) : t('quiz.wrong', { answer: quiz.feedback.answer }));
			}
			if (quiz?.feedback === null && quiz.none) {
				lines.push(t('quiz.none'));
			}
			const done = quiz && sc.step >= sc.narration.length - 1 && !pending;
			fb.hidden = lines.length === 0;
			fb.textContent = lines.join(' ');
			fb.className = `quiz-feedback${quiz?.feedback ? (quiz.feedback.right ? ' right' : ' wrong') : ''}`;
			$('quiz-score').hidden = !done;
			$('quiz-score').textContent = done ? t('quiz.score', score(quiz.answers)) : '';
		},

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

		render() {
			view.renderSummary();
			const sc = current();
			const box = $('narration');
			box.hidden = !sc;
			if (!sc) {
				return;
			}
			const lang = store.state.lang;
			$('narration-title').textContent = pick(sc.def?.title, lang) || sc.name;
			const total = sc.narration.length;
			const step = sc.narration[sc.step];
			$('narration-step').textContent = total ? t('scenarios.step', { n: sc.step + 1, total }) : '';
			$('narration-step-title').textContent = step ? pick(step.title, lang) : '';
			$('narration-text').textContent = step ? pick(step.text, lang) : '';
			const quiz = sc.quiz;
			$('step-prev').disabled = sc.step <= 0 && store.state.reveal != null;
			$('step-next').disabled = (sc.step >= total - 1 && store.state.reveal == null) || !!quiz?.pending;
			$('quiz-toggle').setAttribute('aria-pressed', String(!!quiz));
			$('quiz-toggle').textContent = t('quiz.toggle');
			view.renderQuiz(sc);
			$('replay').textContent = sc.replaying ? t('scenarios.stop') : t('scenarios.replay');
			$('replay').setAttribute('aria-pressed', String(!!sc.replaying));
			$('narration-lang').textContent = t('lang.toggle');
			$('narration-lang').setAttribute('aria-label', t('lang.toggle.aria'));
			const art = sc.def?.article;
			const hasArticle = !!(art && (art.ko || art.en));
			$('article').hidden = !hasArticle;
			if (hasArticle) {
				$('article-ko').textContent = art.ko || '';
				$('article-en').textContent = art.en || '';
			}
		},
	};

	$('scenario-select').addEventListener('change', () => view.renderSummary());
	$('scenario-run').addEventListener('click', () => view.run($('scenario-select').value).catch((e) => {
		$('scenario-summary').textContent = `⚠ ${e.message || e}`;
	}));
	$('step-next').addEventListener('click', () => {
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
		if (sc.quiz) {
			// predict, then reveal: the next step stays hidden until its question is answered
			const index = sc.step + 1;
			const q = questionForStep(sc.narration[index], index);
			if (q) {
				stopReplay();
				store.set({ scenario: { ...sc, quiz: { ...sc.quiz, pending: { index, q }, feedback: null, none: false } } });
				return;
			}
			setStep(index, { quiz: { ...sc.quiz, pending: null, feedback: null, none: true } });
			return;
		}
		setStep(sc.step + 1);
	});
	$('quiz-toggle').addEventListener('click', () => {
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
		const s0 = { ...sc, quiz: { answers: {}, pending: null, feedback: null, none: false } };
		store.set({ scenario: s0 });
		setStep(0, { quiz: s0.quiz });
		$('step-next').focus();
	});
	$('quiz-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const sc = current();
		const pending = sc?.quiz?.pending;
		const picked = $('quiz-form').querySelector('input[name="quiz-choice"]:checked');
		if (!pending || !picked) {
			return;
		}
		const choice = pending.q.choices[Number(picked.value)];
		const right = !!choice?.correct;
		const answerChoice = pending.q.choices.find((c) => c.correct);
		const answer = answerChoice.labelKey ? t(answerChoice.labelKey) : answerChoice.value;
		const answers = { ...sc.quiz.answers, [pending.index]: right };
		setStep(pending.index, { quiz: { ...sc.quiz, answers, pending: null, feedback: { right, answer }, none: false } });
		$('step-next').focus();
	});
	$('step-prev').addEventListener('click', () => {
		const sc = current();
		if (sc) {
			setStep(store.state.reveal == null ? sc.narration.length - 1 : sc.step - 1);
		}
	});
	$('step-all').addEventListener('click', () => {
		const sc = current();
		stopReplay();
		if (sc) {
			store.set({ scenario: { ...sc, step: sc.narration.length - 1, quiz: sc.quiz ? { ...sc.quiz, pending: null } : null }, reveal: null });
			onStep(current());
		}
	});
	$('replay').addEventListener('click', replay);
	$('scenario-exit').addEventListener('click', () => view.leave());
	return view;
}
