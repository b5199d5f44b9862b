// "Results": what each call returned; a call that blocked is completed from the trace when it returns.
import { completionOf } from '../results.js';
import { $, h, fill } from './dom.js';

/** The lines shown: the newest 8, a pending call replaced by its completion once the trace has it. */
export function resultItems(state, t) {
	return state.results.slice(0, 8).map((r) => {
		let text = r.text;
		let err = r.errno;
		const done = r.pending ? completionOf(state.events, r.pending) : null;
		if (done) {
			const res = String(done.result);
			err = /^E[A-Z]+$/.test(res);
			text = t('result.ok', { call: r.who + r.label, result: t('pending.done', { result: err ? `${res} (${t(`errno.${res}`)})` : res }) });
		}
		return { text: `${err ? '⚠ ' : '✓ '}${text}`, errno: !!err };
	});
}

export function createResultsView({ t }) {
	return {
		keys: ['lang', 'results', 'events'],
		render(state) {
			$('results-empty').hidden = state.results.length > 0;
			fill($('results'), resultItems(state, t).map((r) => h('li', { class: r.errno ? 'errno' : '', text: r.text })));
		},
	};
}
