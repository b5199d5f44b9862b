// The narration of a guided scenario: title, step, text, the step buttons, "Quiz me" and the article's words.
import { pick } from '../i18n.js';
import { questionText, choiceText } from '../quiz.js';
import { $, h, fill, delegate } from './dom.js';

/** What the narration box shows for a state (pure: tested under node). */
export function narrationModel(state, t) {
	const sc = state.scenario;
	if (!sc) {
		return { hidden: true };
	}
	const lang = state.lang;
	const total = sc.narration.length;
	const step = sc.narration[sc.step];
	const quiz = sc.quiz;
	const pending = quiz?.pending || null;
	const feedback = [];
	if (quiz?.feedback) {
		const answer = choiceText(quiz.feedback.answer, t);
		feedback.push(quiz.feedback.right ? t('quiz.right', { answer }) : t('quiz.wrong', { answer }));
	}
	if (quiz?.feedback === null && quiz.none) {
		feedback.push(t('quiz.none'));
	}
	const done = !!quiz && sc.step >= total - 1 && !pending;
	const answers = Object.values(quiz?.answers || {});
	const art = sc.def?.article;
	return {
		hidden: false,
		title: pick(sc.def?.title, lang) || sc.name,
		stepCount: total ? t('scenarios.step', { n: sc.step + 1, total }) : '',
		stepTitle: step ? pick(step.title, lang) : '',
		text: step ? pick(step.text, lang) : '',
		prevDisabled: sc.step <= 0 && state.reveal != null,
		nextDisabled: (sc.step >= total - 1 && state.reveal == null) || !!pending,
		quizOn: !!quiz,
		pending,
		question: pending ? `${t('quiz.question', { n: pending.index + 1 })}: ${questionText(pending.q, t)}` : '',
		feedback: feedback.join(' '),
		feedbackClass: quiz?.feedback ? (quiz.feedback.right ? 'right' : 'wrong') : '',
		score: done ? t('quiz.score', { right: answers.filter(Boolean).length, total: answers.length }) : '',
		replaying: !!sc.replaying,
		article: art && (art.ko || art.en) ? { ko: art.ko || '', en: art.en || '' } : null,
	};
}

export function createNarrationView({ store, t, scenario, onToggleLanguage }) {
	const box = $('narration');
	let drawnQuestion = null;
	const commands = {
		'step-prev': () => scenario.prev(),
		'step-next': () => scenario.next(),
		'quiz-toggle': () => scenario.toggleQuiz(),
		'step-all': () => scenario.showAll(),
		replay: () => scenario.replay(),
		'narration-lang': () => onToggleLanguage(),
		'scenario-exit': () => scenario.leave(),
	};
	delegate(box, 'click', 'button[id]', (ev, b) => commands[b.id]?.());
	$('quiz-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const picked = $('quiz-form').querySelector('input[name="quiz-choice"]:checked');
		if (picked) {
			scenario.answer(Number(picked.value));
		}
	});
	return {
		keys: ['lang', 'scenario', 'reveal'],
		render(state) {
			const m = narrationModel(state, t);
			box.hidden = m.hidden;
			if (m.hidden) {
				drawnQuestion = null;
				return;
			}
			$('narration-title').textContent = m.title;
			$('narration-step').textContent = m.stepCount;
			$('narration-step-title').textContent = m.stepTitle;
			$('narration-text').textContent = m.text;
			$('step-prev').disabled = m.prevDisabled;
			$('step-next').disabled = m.nextDisabled;
			$('quiz-toggle').setAttribute('aria-pressed', String(m.quizOn));
			$('quiz-toggle').textContent = t('quiz.toggle');
			$('quiz').hidden = !m.pending;
			box.classList.toggle('asking', !!m.pending);
			if (m.pending) {
				$('quiz-question').textContent = m.question;
				const key = `${m.pending.index}/${state.lang}`;
				if (drawnQuestion !== key) {
					drawnQuestion = key;
					fill($('quiz-choices'), m.pending.q.choices.map((c, i) => h('label', {},
						h('input', { type: 'radio', name: 'quiz-choice', value: String(i), required: true }),
						h('span', { text: choiceText(c, t) }))));
				}
			}
			else {
				drawnQuestion = null;
			}
			const fb = $('quiz-feedback');
			fb.hidden = !m.feedback;
			fb.textContent = m.feedback;
			fb.className = `quiz-feedback${m.feedbackClass ? ` ${m.feedbackClass}` : ''}`;
			$('quiz-score').hidden = !m.score;
			$('quiz-score').textContent = m.score;
			$('replay').textContent = m.replaying ? t('scenarios.stop') : t('scenarios.replay');
			$('replay').setAttribute('aria-pressed', String(m.replaying));
			$('narration-lang').textContent = t('lang.toggle');
			$('narration-lang').lang = state.lang === 'ko' ? 'en' : 'ko';
			$('narration-lang').title = t('lang.toggle.aria');
			$('article').hidden = !m.article;
			if (m.article) {
				$('article-ko').textContent = m.article.ko;
				$('article-en').textContent = m.article.en;
			}
		},
	};
}
