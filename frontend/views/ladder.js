// The ladder panel: the connection menu, the census chart of loads, the ladder diagram, a segment's details
// and the engine's notes.
import { pairIds } from '../store.js';
import { layoutLadder, renderLadder, flagText, ladderRows } from '../ladder.js';
import { formatterFor, noteText } from '../i18n.js';
import { censusSeries, renderCensus, censusSummary } from '../census.js';
import { focusPairId, pairRecord, samplePairs, visibleNow, freshFromSeq, isLoad, stepEndMs } from '../selectors.js';
import { $, h, fill } from './dom.js';

/** The rows of "Segment details" for an arrow of the layout: [name, value]. */
export function segmentRows(a, t, formatMs = formatterFor('en')) {
	const r = a.raw;
	return [
		['id', `#${a.id}`],
		[`${t('side.client')}/${t('side.server')}`, `${r.from} → ${r.to}`],
		['src → dst', `${r.src ?? '?'} → ${r.dst ?? '?'}`],
		['flags', flagText(r.flags)],
		['seq (raw)', r.tcpSeq],
		['ack (raw)', r.ack],
		['relSeq / relAck', `${r.relSeq} / ${r.relAck}`],
		['len', r.len],
		['window', r.window],
		['retransmission', r.retransmission ? t('yes') : t('no')],
		['answers', a.answers != null ? `#${a.answers} (${t('ladder.answers', { id: a.answers })})` : '–'],
		['events', a.events.map((e) => `${e.event} @ ${formatMs(e.timeMs)}`).join(', ')],
	].map(([k, v]) => [k, String(v ?? '–')]);
}

/** The options of the connection menu: all pairs (2–4), each pair, or 24 samples of a load. */
export function pairOptions(state, t, narrow = false) {
	const all = pairIds(state.sim, state.events);
	const load = all.length > 24;
	if (load) {
		const ids = samplePairs(all);
		if (state.pairId != null && state.pairId !== 'all' && !ids.includes(state.pairId)) {
			ids.push(state.pairId);
			ids.sort((a, b) => a - b);
		}
		return { load, total: all.length, disabled: false,
			options: ids.map((id) => ({ value: String(id), text: t('pair.sample', { id, total: all.length }) })) };
	}
	const options = [];
	if (all.length > 1) {
		options.push({ value: 'all', text: t('pair.all') });
	}
	for (const id of all) {
		const p = pairRecord(state, id);
		let text = `pair ${id}`;
		if (p) {
			// a phone shows ports only, so the whole choice fits the menu
			const c = p.client ? `${narrow ? '' : p.client.address}:${p.client.port}` : '?';
			const s = p.server ? `${narrow ? '' : p.server.address}:${p.server.port}` : '?';
			text = t('pair.option', { id: p.id, client: c, server: s });
		}
		options.push({ value: String(id), text });
	}
	return { load, total: all.length, disabled: all.length < 2, options };
}

/**
 * Where the ladder's scroll box should stand to show a step's new items ({top, height} in the drawing's pixels):
 * where it is when they are already in view, else with them a quarter down (never cut at the bottom); when they
 * do not fit, from their first one.
 */
export function freshScrollTop(fresh, scrollTop, viewHeight) {
	if (fresh.height > viewHeight) {
		return Math.max(0, Math.round(fresh.top - 2));
	}
	const margin = Math.min(8, (viewHeight - fresh.height) / 2);
	// the positions that show all of it with the margin: lo ≤ scrollTop ≤ hi
	const lo = fresh.top + fresh.height + margin - viewHeight;
	const hi = fresh.top - margin;
	if (scrollTop >= lo && scrollTop <= hi) {
		return scrollTop;
	}
	const ideal = fresh.top - (viewHeight - fresh.height) / 4;
	return Math.max(0, Math.round(Math.min(hi, Math.max(lo, ideal))));
}

/**
 * The reading frame on screen: the stage on wide screens (its reading part is laid out in the stage's grid), the
 * narration-and-ladder column on narrow ones. Scrolls the page only when the frame is not wholly visible.
 */
export function revealFrame() {
	const reading = $('reading');
	const frame = getComputedStyle(reading).display === 'contents' ? $('stage') : reading;
	const r = frame.getBoundingClientRect();
	if (r.top < -1 || r.bottom > window.innerHeight + 1) {
		window.scrollTo({ top: Math.max(0, window.scrollY + r.top - 4), behavior: 'instant' });
	}
}

export function createLadderView({ store, t }) {
	let focusedSegment = null;
	let handle = null;
	let drawnSim = null;
	let lastFreshStep = null;
	let pendingFresh = null; // {layout, box, reveal}: shown once every view has drawn
	let followTail = true;
	const scroller = () => document.querySelector('.ladder-scroll');

	const fmt = () => formatterFor(store.state.lang);
	$('pair-select').addEventListener('change', (e) => {
		focusedSegment = null;
		store.set({ pairId: e.target.value === 'all' ? 'all' : Number(e.target.value) });
	});
	// a highlight belongs to the segment being read: it goes when the focus or the pointer leaves the ladder
	$('ladder').addEventListener('focusout', (e) => {
		if (!$('ladder').contains(e.relatedTarget)) {
			handle?.highlight(null);
		}
	});
	$('ladder').addEventListener('mouseleave', () => {
		if (!$('ladder').contains(document.activeElement)) {
			handle?.highlight(null);
		}
	});
	// "Read as a table": the table below opens and takes the focus
	$('ladder-table-link').addEventListener('click', (e) => {
		e.preventDefault();
		$('ladder-table-details').open = true;
		$('ladder-table-box').focus({ preventScroll: true });
		$('ladder-table-box').scrollIntoView({ block: 'start' });
	});

	function width() {
		const box = scroller();
		const w = box ? box.clientWidth - 2 : 640;
		return Math.max(300, Math.min(760, w > 0 ? w : 640));
	}

	function clearDetails() {
		focusedSegment = null;
		lastFreshStep = null;
		fill($('seg-fields'));
		$('seg-hint').hidden = false;
		document.activeElement?.closest?.('#ladder g.seg')?.blur();
		handle?.highlight(null);
	}

	function showSegment(a) {
		focusedSegment = a.id;
		handle?.highlight(a.id);
		fill($('seg-fields'), segmentRows(a, t, fmt()).flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
		$('seg-hint').hidden = true;
	}

	function renderPairSelect(state) {
		const sel = $('pair-select');
		const m = pairOptions(state, t, window.innerWidth < 500);
		fill(sel, m.options.map((o) => h('option', { value: o.value, text: o.text })));
		if (state.pairId != null) {
			sel.value = String(state.pairId);
		}
		sel.disabled = m.disabled;
		$('load-hint').textContent = m.load ? t('pair.loadHint', { n: m.total }) : '';
	}

	function renderCensusChart(state) {
		const chart = $('census-chart');
		const data = censusSeries(store.visible(), { load: isLoad(state), endMs: visibleNow(state) });
		const drawn = renderCensus(chart, data, { formatMs: fmt(), title: t('timers.censusChart'), t, compact: window.innerWidth < 640 });
		// an <svg> has no hidden property: the attribute is what hides it
		chart.toggleAttribute('hidden', !drawn);
		if (drawn) {
			chart.setAttribute('aria-label', censusSummary(data, t, fmt()));
		}
		$('load-hint').hidden = !isLoad(state) || !drawn;
	}

	function renderNotes(state) {
		const notes = store.visible().filter((e) => e.type === 'note' && (e.pair == null || state.pairId === 'all' || e.pair === state.pairId)).slice(-6);
		fill($('notes'), notes.map((n) => {
			const who = n.endpoint === 'client' || n.endpoint === 'server' ? `${t(`side.${n.endpoint}`)}: ` : '';
			return h('li', { title: n.text, text: `${fmt()(n.timeMs)} · ${who}${noteText(state.lang, n)}` });
		}));
	}

	function renderLadderView(state) {
		const events = store.visible();
		const pair = pairRecord(state, focusPairId(state));
		// keyboard focus on a segment is kept across redraws of the same simulation only (ids repeat across simulations)
		const active = drawnSim === state.simId ? document.activeElement?.closest?.('#ladder g.seg') : null;
		const activeId = active ? active.getAttribute('data-id') : null;
		if (drawnSim !== state.simId) {
			clearDetails();
		}
		drawnSim = state.simId;
		const all = state.pairId === 'all';
		const box = scroller();
		// follow the tail only while the reader is at the tail
		if (box && box.scrollHeight > box.clientHeight + 2) {
			followTail = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
		}
		quietUntil = performance.now() + 400;
		const formatMs = fmt();
		const layout = layoutLadder(events, { pair: all ? null : state.pairId, width: width(), tagPairs: all, top: 22,
			nowMs: visibleNow(state), endMs: stepEndMs(state), t, formatMs, timeWaitMs: state.sim?.constants?.timeWaitMs ?? null });
		handle = renderLadder($('ladder'), layout, {
			t, formatMs, focusId: activeId != null ? Number(activeId) : focusedSegment,
			clientName: pair?.client ? (all ? pair.client.address : `${pair.client.address}:${pair.client.port}`) : '',
			serverName: pair?.server ? (all ? pair.server.address : `${pair.server.address}:${pair.server.port}`) : '',
			onFocus: (a) => showSegment(a),
			freshFromSeq: freshFromSeq(state),
			headerSvg: $('ladder-head'),
		});
		$('ladder-empty').hidden = layout.arrows.length + layout.states.length + layout.calls.length > 0;
		renderTable(layout, formatMs, state);
		if (activeId != null) {
			// a re-render must not steal the keyboard focus from the segment being read
			$('ladder').querySelector(`g.seg[data-id="${CSS.escape(activeId)}"]`)?.focus({ preventScroll: true });
		}
		if (focusedSegment != null && layout.arrows.some((x) => x.id === focusedSegment)) {
			handle.highlight(focusedSegment);
		}
		const sc = state.scenario;
		const stepKey = sc && !sc.replaying ? `${state.simId}/${sc.step}/${state.reveal}/${state.pairId}` : null;
		current = stepKey && handle.freshBox ? { layout, box: handle.freshBox } : null;
		if (current && stepKey !== lastFreshStep) {
			lastFreshStep = stepKey;
			readerScrolled = false;
			// scrolled once the whole page is drawn: the narration's height decides the ladder box's
			pendingFresh = { ...current, reveal: true };
		}
		else if (stepKey && !current && stepKey !== lastFreshStep) {
			// a step that adds nothing drawable (time passes) still brings the reading frame on screen
			lastFreshStep = stepKey;
			pendingFresh = { reveal: true };
		}
		else if (current && !readerScrolled) {
			// the same step drawn again (a new width, the other language): its items stay in view
			pendingFresh = { ...current, reveal: false };
		}
		else if (box && followTail && !stepKey) {
			box.scrollTop = box.scrollHeight;
		}
	}

	/** The same items as the picture, as a table in time order (side, kind, what); the step's new rows marked. */
	function renderTable(layout, formatMs, state) {
		const rows = ladderRows(layout, { t, formatMs, freshFromSeq: freshFromSeq(state) });
		const head = h('thead', {}, h('tr', {}, ['time', 'side', 'kind', 'what'].map((k) => h('th', { scope: 'col', text: t(`table.${k}`) }))));
		const body = h('tbody', {}, rows.map((r) => h('tr', { class: r.fresh ? 'fresh' : null },
			h('td', { text: formatMs(r.timeMs) }), h('td', { text: r.side }), h('td', { text: t(`table.${r.kind}`) }), h('td', { text: r.what }))));
		fill($('ladder-table'), head, body);
	}

	/**
	 * Brings what the step added into view inside the ladder's own scroll box. The page moves only when the reading
	 * frame (narration and ladder, one screen high) is not wholly on screen, and then to show exactly the frame.
	 */
	function showFresh(layout, fresh, reveal = true) {
		const box = scroller();
		if (reveal) {
			revealFrame();
		}
		if (!fresh) {
			return;
		}
		const scale = $('ladder').getBoundingClientRect().width / layout.width || 1;
		const top = freshScrollTop({ top: fresh.y * scale, height: fresh.h * scale }, box.scrollTop, box.clientHeight);
		if (top !== box.scrollTop) {
			ownScroll = top;
			box.scrollTop = top;
		}
	}

	// the ladder box changes size after a step was shown (fonts arrive, the narration grows): its items stay in
	// view until the reader scrolls the ladder
	let current = null;
	let readerScrolled = false;
	let ownScroll = null;
	let quietUntil = 0; // a redraw that changes the ladder's height moves its scroll position too: not the reader
	scroller().addEventListener('scroll', () => {
		if (ownScroll != null && Math.abs(scroller().scrollTop - ownScroll) < 2) {
			ownScroll = null;
			return;
		}
		if (performance.now() > quietUntil) {
			readerScrolled = true;
		}
	}, { passive: true });
	if (typeof ResizeObserver === 'function') {
		new ResizeObserver(() => {
			if (current && !readerScrolled) {
				showFresh(current.layout, current.box, false);
			}
		}).observe(scroller());
	}

	let resizeTimer = null;
	window.addEventListener('resize', () => {
		clearTimeout(resizeTimer);
		resizeTimer = setTimeout(() => {
			renderLadderView(store.state);
			renderPairSelect(store.state);
			renderCensusChart(store.state);
		}, 150);
	});

	return {
		keys: ['lang', 'events', 'reveal', 'pairId', 'sim', 'scenario', 'simId'],
		render(state, changed) {
			const has = (...k) => !changed || k.some((x) => changed.has(x));
			if (has('lang', 'sim', 'events', 'pairId')) {
				renderPairSelect(state);
			}
			if (has('lang', 'events', 'reveal', 'sim')) {
				renderCensusChart(state); // after the menu: the load hint names the chart only when it is drawn
			}
			if (has('lang', 'events', 'reveal', 'pairId', 'sim', 'scenario', 'simId')) {
				renderLadderView(state);
				renderNotes(state);
			}
		},
		/** Runs after every view drew (the narration's height is known then). */
		afterRender() {
			if (pendingFresh) {
				const f = pendingFresh;
				pendingFresh = null;
				showFresh(f.layout, f.box, f.reveal);
			}
		},
		/** Countdowns between clock reports. */
		tick(nowMs) {
			handle?.tick(nowMs);
		},
		clearDetails,
	};
}
