// "My simulations" (issue 20): what this visitor made (GET /api/simulations?mine=true), each with open, keep (a
// link to share) and delete. Builds its own DOM; the page gives it a place and its callbacks.
import { describeItem, problemAction } from './ownership.js';
import { h } from './views/dom.js';

const S = {
	title: { en: 'My simulations', ko: '내 시뮬레이션' },
	intro: { en: 'What you made on this site. Simulations nobody keeps are deleted soon after you leave them; keep one to share its link.',
		ko: '이 사이트에서 만든 것들입니다. 아무도 보관하지 않은 시뮬레이션은 떠난 뒤 곧 삭제됩니다. 링크를 공유하려면 보관하세요.' },
	empty: { en: 'Nothing yet.', ko: '아직 없습니다.' },
	loading: { en: 'Loading…', ko: '불러오는 중…' },
	open: { en: 'Open', ko: '열기' },
	keep: { en: 'Keep & copy link', ko: '보관하고 링크 복사' },
	kept: { en: 'kept', ko: '보관됨' },
	copied: { en: 'Kept; link copied', ko: '보관됨, 링크 복사됨' },
	del: { en: 'Delete', ko: '삭제' },
	here: { en: 'on this page', ko: '이 페이지' },
	memoryOnly: { en: 'memory only', ko: '메모리에만' },
	truncated: { en: 'Only the newest are listed.', ko: '최근 것만 표시합니다.' },
	refresh: { en: 'Refresh', ko: '새로 고침' },
};

/**
 * Mounts the panel after `anchor`. `current()` is the id the page shows; `open(id)` shows another;
 * `deletedCurrent()` is called when the reader deletes the one the page shows.
 */
export function mountMySimulations({ ownership, anchor, lang, current, open, deletedCurrent, onError, location: loc = location }) {
	const tr = (k) => S[k][lang() === 'ko' ? 'ko' : 'en'];
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
