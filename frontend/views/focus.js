// Keyboard focus asked for by a controller (store key "focus": {id, n}), moved once the views have drawn: a
// control that was disabled or hidden a moment ago (Next while a question was open) can take it then.
import { $ } from './dom.js';

const usable = (el) => !!el && !el.disabled && !el.closest('[hidden]') && el.getClientRects().length > 0;

/** The element a focus request means; "quiz-first-choice" is the first answer of the open question. */
function target(id) {
	if (id === 'quiz-first-choice') {
		return document.querySelector('#quiz-choices input');
	}
	return $(id);
}

export function createFocusView({ fallbacks = ['step-next', 'narration'] } = {}) {
	let done = 0;
	return {
		keys: ['focus'],
		render(state) {
			const f = state.focus;
			if (!f || f.n === done) {
				return;
			}
			done = f.n;
			for (const id of [f.id, ...fallbacks]) {
				const el = target(id);
				if (usable(el)) {
					el.focus({ preventScroll: true });
					return;
				}
			}
		},
	};
}
