// The "Guided scenarios" row: the list of scenarios, the chosen one's summary and "Run scenario".
import { pick } from '../i18n.js';
import { $, h, fill } from './dom.js';

export function createScenarioPickerView({ store, t, onRun }) {
	const sel = $('scenario-select');
	let error = '';
	const summary = (state) => {
		const list = state.scenarios || [];
		const s = list.find((x) => x.name === sel.value);
		$('scenario-summary').textContent = error || (s ? pick(s.summary, state.lang) : (list.length ? '' : t('scenarios.none')));
		$('scenario-run').disabled = list.length === 0;
	};
	sel.addEventListener('change', () => {
		error = '';
		summary(store.state);
	});
	$('scenario-run').addEventListener('click', () => {
		error = '';
		onRun(sel.value).catch((e) => {
			error = `⚠ ${e.message || e}`;
			summary(store.state);
		});
	});
	let drawnList = null;
	return {
		keys: ['lang', 'scenarios', 'scenario'],
		render(state) {
			const list = state.scenarios || [];
			if (drawnList !== list) {
				drawnList = list;
				fill(sel, list.map((s) => h('option', { value: s.name, text: pick(s.title, state.lang) })));
			}
			for (const o of sel.options) {
				const s = list.find((x) => x.name === o.value);
				if (s) {
					o.textContent = pick(s.title, state.lang);
				}
			}
			if (state.scenario && list.some((x) => x.name === state.scenario.name)) {
				sel.value = state.scenario.name;
			}
			summary(state);
		},
	};
}
