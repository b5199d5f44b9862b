// "My simulations" (issue 20): what this visitor made (GET /api/simulations?mine=true), each with open, keep (a
// link to share) and delete. Builds its own DOM; the page gives it a place and its callbacks.
import { describeItem, problemAction } from './ownership.js';
import { translate } from './i18n.js';
import { h } from './views/dom.js';

/**
 * Mounts the panel after `anchor`. `current()` is the id the page shows; `open(id)` shows another;
 * `deletedCurrent()` is called when the reader deletes the one the page shows.
 */
export function mountMySimulations({ ownership, anchor, lang, current, open, deletedCurrent, onError, location: loc = location }) {
	const tr = (k) => translate(lang(), `mine.${k}`);
	const status = h('p', { class: 'hint mine-status', role: 'status', 'aria-live': 'polite' });
	const list = h('ul', { class: 'mine-list', id: 'mine-list' });
	const summary = h('summary', { id: 'mine-summary' });
	const intro = h('p', { class: 'hint' });
	const refreshButton = h('button', { type: 'button', id: 'mine-refresh', onclick: () => refresh() });
	const panel = h('details', { id: 'mine-panel', class: 'mine-panel chrome' }, summary,
		h('div', { class: 'mine-body' }, intro, refreshButton, list, status));
	panel.addEventListener('toggle', () => {
		if (panel.open) {
			refresh();
		}
	});
	anchor.after(panel);
	let items = [];
	let truncated = false;
	let loading = false;

	const say = (text) => {
		status.textContent = text || '';
	};
	const fail = (e) => {
		say(problemAction(e?.problem, e?.status).text || String(e?.message || e));
		onError?.(e);
	};
	const link = (id) => `${loc.origin}${loc.pathname}?sim=${encodeURIComponent(id)}`;

	function render() {
		summary.textContent = items.length ? `${tr('title')} (${items.length}${truncated ? '+' : ''})` : tr('title');
		intro.textContent = tr('intro');
		refreshButton.textContent = tr('refresh');
		while (list.firstChild) {
			list.removeChild(list.firstChild);
		}
		if (loading && !items.length) {
			list.appendChild(h('li', { class: 'hint', text: tr('loading') }));
			return;
		}
		if (!items.length) {
			list.appendChild(h('li', { class: 'hint', text: tr('empty') }));
		}
		for (const item of items) {
			const d = describeItem(item, lang());
			const here = item.id === current();
			const badges = [here && tr('here'), item.kept && tr('kept'), item.durable === false && tr('memoryOnly')].filter(Boolean);
			list.appendChild(h('li', { class: `mine-item${here ? ' here' : ''}`, 'data-id': item.id },
				h('span', { class: 'mine-title', text: d.title }),
				h('span', { class: 'mine-meta hint', text: [d.age, ...badges].join(' · ') }),
				h('span', { class: 'mine-actions' },
					here ? null : h('button', { type: 'button', class: 'mine-open', text: tr('open'),
						onclick: () => Promise.resolve(open(item.id)).catch(fail) }),
					item.kept || item.durable === false ? null : h('button', { type: 'button', class: 'mine-keep', text: tr('keep'),
						onclick: () => keep(item).catch(fail) }),
					h('button', { type: 'button', class: 'mine-delete', text: tr('del'), onclick: () => remove(item).catch(fail) }))));
		}
		if (truncated) {
			list.appendChild(h('li', { class: 'hint', text: tr('truncated') }));
		}
	}

	async function refresh() {
		loading = true;
		render();
		try {
			const mine = await ownership.list();
			items = mine.simulations || [];
			truncated = !!mine.truncated;
			say('');
		}
		catch (e) {
			fail(e);
		}
		finally {
			loading = false;
			render();
		}
	}

	async function keep(item) {
		await ownership.keep(item.id);
		item.kept = true;
		try {
			await globalThis.navigator?.clipboard?.writeText(link(item.id));
		}
		catch {
			// no clipboard (insecure origin): the link is in the address bar once opened
		}
		say(tr('copied'));
		render();
	}

	async function remove(item) {
		await ownership.remove(item.id);
		items = items.filter((i) => i.id !== item.id);
		render();
		if (item.id === current()) {
			await deletedCurrent?.();
		}
	}

	render();
	return { refresh, render, element: panel };
}
