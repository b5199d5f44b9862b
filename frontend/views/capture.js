// The capture panel (issue 22): a file picker and a drop anywhere on the page, the capture's summary, the
// connection list (filters; virtualised, so thousands of rows cost a screenful of elements) and the chosen
// connection's diagnostics as its narration, with "Replay in the lab". The ladder, state diagrams and timers
// of the stage draw the connection (controllers/capture.js puts its trace in the store).
import { formatMs } from '../i18n.js';
import { problemAction } from '../ownership.js';
import { connectionRow, diagnosticLine, endpointText, filterChoices, filterConnections, visibleRange, choiceLabel } from '../capture.js';
import { $, h, fill, delegate } from './dom.js';

const ROW = 50; // px: the list's rows have one fixed height (two lines, each cut with …)

export function createCaptureView({ store, t, capture, onError = () => {}, doc = document }) {
	const filters = { text: '', diag: '', state: '' };
	let shown = [];
	let lastDoc = null;
	const box = $('capture-list-box');
	const list = $('capture-list');
	const fail = (e) => onError(e);

	$('capture-choose').addEventListener('click', () => $('capture-file').click());
	$('capture-file').addEventListener('change', (ev) => {
		const file = ev.target.files?.[0];
		if (file) {
			capture.upload(file).catch(fail);
		}
		ev.target.value = '';
	});
	// a file dropped anywhere on the page opens it
	let dragDepth = 0;
	const dragging = (on) => doc.body.classList.toggle('capture-dragging', on);
	doc.addEventListener('dragenter', (ev) => {
		if ([...(ev.dataTransfer?.types || [])].includes('Files')) {
			dragDepth++;
			dragging(true);
		}
	});
	doc.addEventListener('dragleave', () => {
		dragDepth = Math.max(0, dragDepth - 1);
		if (!dragDepth) {
			dragging(false);
		}
	});
	doc.addEventListener('dragover', (ev) => {
		if ([...(ev.dataTransfer?.types || [])].includes('Files')) {
			ev.preventDefault();
		}
	});
	doc.addEventListener('drop', (ev) => {
		const file = ev.dataTransfer?.files?.[0];
		dragDepth = 0;
		dragging(false);
		if (file) {
			ev.preventDefault();
			$('capture-panel').scrollIntoView?.({ block: 'start' });
			capture.upload(file).catch(fail);
		}
	});
	$('capture-search').addEventListener('input', (ev) => {
		filters.text = ev.target.value;
		refilter();
	});
	$('capture-diag').addEventListener('change', (ev) => {
		filters.diag = ev.target.value;
		refilter();
	});
	$('capture-state').addEventListener('change', (ev) => {
		filters.state = ev.target.value;
		refilter();
	});
	$('capture-close').addEventListener('click', () => capture.close());
	$('capture-replay').addEventListener('click', () => {
		const n = store.state.capture?.selected;
		if (n != null) {
			capture.replay(n).catch(fail);
		}
	});
	$('capture-whole').addEventListener('click', () => {
		const file = store.state.capture?.file;
		if (file) {
			capture.upload(file, { allowTruncated: true }).catch(fail);
		}
	});
	delegate(list, 'click', 'button.cap-row', (ev, btn) => {
		capture.select(Number(btn.dataset.id)).catch(fail);
	});
	let scrollFrame = 0;
	box.addEventListener('scroll', () => {
		if (!scrollFrame) {
			scrollFrame = requestAnimationFrame(() => {
				scrollFrame = 0;
				drawRows(store.state);
			});
		}
	});

	function refilter() {
		shown = filterConnections(store.state.capture?.doc?.connections, filters);
		box.scrollTop = 0;
		drawRows(store.state);
	}

	function options(select, choices, lang, noneCount) {
		const keep = select.value;
		const opts = [h('option', { value: '', text: choiceLabel('any', lang) })];
		if (noneCount != null) {
			opts.push(h('option', { value: '-', text: choiceLabel({ none: noneCount }, lang) }));
		}
		choices.forEach((ch) => opts.push(h('option', { value: ch.value, text: choiceLabel(ch, lang) })));
		fill(select, opts);
		select.value = [...select.options].some((o) => o.value === keep) ? keep : '';
	}

	function drawRows(state) {
		const lang = state.lang;
		const total = state.capture?.doc?.connections?.length || 0;
		const selected = state.sim?.capture ? state.capture?.selected : null;
		const r = visibleRange(shown.length, { scrollTop: box.scrollTop, viewHeight: box.clientHeight || 300, rowHeight: ROW });
		const rows = [];
		const spacer = (px) => {
			const li = h('li', { class: 'cap-spacer', 'aria-hidden': 'true' });
			li.style.height = `${px}px`; // CSSOM: the Content-Security-Policy allows it, a style attribute it would not
			return li;
		};
		if (r.padTop) {
			rows.push(spacer(r.padTop));
		}
		for (const c of shown.slice(r.start, r.end)) {
			const m = connectionRow(c, lang);
			const codes = m.diags.length ? ` · ${m.diags.join(', ')}` : '';
			rows.push(h('li', { class: 'cap-item' }, h('button', { type: 'button', class: `cap-row${m.worst ? ` sev-${m.worst}` : ''}`,
				'data-id': c.id, 'aria-pressed': String(c.id === selected) },
			h('span', { class: 'cap-head', text: m.head }),
			h('span', { class: 'cap-sum', text: `${m.summary}${codes}` }))));
		}
		if (r.padBottom) {
			rows.push(spacer(r.padBottom));
		}
		if (!shown.length && total) {
			rows.push(h('li', { class: 'hint', text: t('capture.noMatch') }));
		}
		fill(list, rows);
		$('capture-count').textContent = t('capture.count', { shown: shown.length, total });
	}

	function drawDetail(state) {
		const cap = state.capture;
		const n = cap?.selected;
		const conn = n != null ? cap.doc?.connections?.find((x) => x.id === n) : null;
		$('capture-detail').hidden = !conn;
		if (!conn) {
			return;
		}
		const lang = state.lang;
		$('capture-conn-h').textContent = t('capture.conn', { id: conn.id, client: endpointText(conn.client), server: endpointText(conn.server) });
		const range = conn.packetRange ? conn.packetRange.join('–') : '?';
		$('capture-conn-summary').textContent = `${conn.summary || ''} · ${t('capture.where', { point: cap.capturePoint || conn.capturePoint || '?', range })}`;
		const lines = (conn.diagnostics || []).map((d) => diagnosticLine(d, lang));
		fill($('capture-diagnostics'), lines.length ? lines.map((d) => h('li', { class: `diag sev-${d.severity}`, 'data-code': d.code },
			h('strong', { text: `${d.severity === 'info' ? 'ⓘ' : '⚠'} ${d.code}` }), ' ', h('span', { text: d.text }),
			d.packets.length ? h('span', { class: 'hint', text: ` (${t('capture.packets', { list: d.packets.join(', ') })})` }) : null))
			: [h('li', { class: 'hint', text: t('capture.noDiagnostics') })]);
		$('capture-truncated').hidden = !cap.truncated;
		const busy = cap.busy === 'replay';
		$('capture-replay').disabled = busy;
		const rp = cap.replay?.connection === n ? cap.replay.comparison : null;
		$('capture-replay-status').textContent = busy ? t('capture.replaying', { id: n })
			: rp ? t('capture.replayed', { matched: rp.matched ?? 0, differing: rp.differing ?? 0, captureOnly: rp.captureOnly ?? 0, replayOnly: rp.replayOnly ?? 0 })
				: (state.sim?.capture?.connection === n ? t('capture.onLadder', { id: n }) : '');
	}

	return {
		keys: ['lang', 'capture', 'sim'],
		render(state, changed) {
			const cap = state.capture;
			doc.body.dataset.dropText = t('capture.dropHere');
			const docNow = cap?.doc || null;
			$('capture-body').hidden = !docNow;
			$('capture-close').hidden = !cap;
			let status = '';
			if (cap?.busy === 'upload') {
				status = t('capture.uploading', { name: cap.name || '' });
			}
			else if (cap?.busy === 'open') {
				status = t('capture.loading', { id: cap.id });
			}
			else if (cap?.error) {
				status = problemAction(cap.error.problem, cap.error.status).text || String(cap.error.message || cap.error);
			}
			$('capture-status').textContent = status;
			$('capture-status').classList.toggle('error', !!cap?.error);
			$('capture-whole').hidden = !cap?.file;
			if (!docNow) {
				lastDoc = null;
				shown = [];
				fill(list);
				return;
			}
			if (docNow !== lastDoc || !changed || changed.has('lang')) {
				const ch = filterChoices(docNow.connections);
				options($('capture-diag'), ch.codes, state.lang, ch.clean);
				options($('capture-state'), ch.states, state.lang);
				filters.diag = $('capture-diag').value;
				filters.state = $('capture-state').value;
				const skipped = Object.values(docNow.skipped || {}).reduce((a, b) => a + b, 0);
				$('capture-summary').textContent = [t('capture.summary', { connections: t(docNow.connections?.length === 1 ? 'capture.conns.one' : 'capture.conns.many', { n: docNow.connections?.length ?? 0 }),
					packets: docNow.tcpPackets ?? '?', frames: docNow.frames ?? '?', duration: formatMs(docNow.durationMs ?? 0, state.lang) }),
				skipped ? t('capture.skipped', { n: skipped }) : null].filter(Boolean).join(' · ');
				if (docNow !== lastDoc) {
					lastDoc = docNow;
					shown = filterConnections(docNow.connections, filters);
					box.scrollTop = 0;
				}
			}
			drawRows(state);
			drawDetail(state);
		},
	};
}
