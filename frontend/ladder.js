// Ladder (sequence) diagram: pure layout maths (layoutLadder) and an SVG renderer (renderLadder).
// Time flows downwards. Each distinct virtual time gets a row; a line that is busy in a row pushes later items
// of the same time to a sub-row, so labels never overlap. Long pauses are compressed and marked with ⋯.

import { el } from './svg.js';

export const LADDER_DEFAULTS = {
	width: 640,
	top: 56,
	rowGap: 34,
	subGap: 22,
	gapExtra: 26,
	gapThresholdMs: 50,
	bottom: 30,
};

/** Horizontal geometry for a given width: time column, client line, server line, label room. */
export function columns(width) {
	const timeCol = width < 500 ? 0 : 58;
	const out = Math.max(width < 500 ? 98 : 82, Math.min(150, Math.round(width * 0.24)));
	return { timeCol, xClient: timeCol + out, xServer: width - out, out, compact: width < 500 };
}

/** "FIN,ACK" etc. in a stable, readable order. */
export function flagText(flags) {
	const order = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'];
	return [...(flags || [])].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join(',');
}

/** The label lines of a segment arrow: flags, then relative seq/ack and payload length. */
export function segmentLabel(seg, compact = false) {
	const flags = flagText(seg.flags);
	const nums = [`seq=${seg.relSeq}`];
	if ((seg.flags || []).includes('ACK')) {
		nums.push(`ack=${seg.relAck}`);
	}
	if (seg.len > 0) {
		nums.push(`len=${seg.len}`);
	}
	return compact ? [flags, nums.join(' ')] : [`${flags} ${nums.join(' ')}`];
}

/** A socket call as text: close(), shutdown(SHUT_WR), send(100), and its result (or … when it blocks). */
export function callText(e) {
	const args = e.args ? Object.values(e.args).filter((v) => v !== null && v !== undefined) : [];
	const name = `${e.call}(${args.join(', ')})`;
	let result;
	if (e.blocking && !e.completed) {
		result = '…';
	}
	else if (e.result === null || e.result === undefined) {
		result = '';
	}
	else {
		result = String(e.result);
	}
	const eof = e.call === 'recv' && (e.result === 0 || e.result === '0') ? ' (EOF)' : '';
	return { name, result, eof, errno: typeof e.result === 'string' && /^E[A-Z]+$/.test(e.result),
		blocking: !!e.blocking && !e.completed, completed: !!e.completed };
}

function estWidth(text, fontPx = 11) {
	return text.length * fontPx * 0.62;
}

/**
 * Lays out one pair's part of the trace.
 * @param events trace events (any pair, seq order)
 * @param opts {pair, width, ...LADDER_DEFAULTS}
 * @returns {width, height, xClient, xServer, rows, gaps, arrows, states, calls, compact}
 */
export function layoutLadder(events, opts = {}) {
	const o = { ...LADDER_DEFAULTS, ...opts };
	const { timeCol, xClient, xServer, out, compact } = columns(o.width);
	const xOf = (side) => (side === 'server' ? xServer : xClient);
	const mine = events.filter((e) => o.pair == null || e.pair === o.pair);

	const rows = [];
	const gaps = [];
	let row = null;
	const place = (timeMs, slot) => {
		if (row === null) {
			row = { y: o.top, timeMs, slots: new Set() };
			rows.push(row);
		}
		else if (timeMs > row.timeMs) {
			const dt = timeMs - row.timeMs;
			let y = row.y + o.rowGap;
			if (dt >= o.gapThresholdMs) {
				gaps.push({ y: row.y + o.rowGap / 2 + o.gapExtra / 2, dtMs: dt });
				y += o.gapExtra;
			}
			row = { y, timeMs, slots: new Set() };
			rows.push(row);
		}
		else if (row.slots.has(slot)) {
			row = { y: row.y + o.subGap, timeMs: row.timeMs, slots: new Set(), sub: true };
			rows.push(row);
		}
		row.slots.add(slot);
		return row.y;
	};

	const segs = new Map();
	const states = [];
	const calls = [];
	for (const e of mine) {
		if (e.type === 'state') {
			if (e.endpoint !== 'client' && e.endpoint !== 'server') {
				continue;
			}
			if (row && row.timeMs === e.timeMs && row.slots.has(`${e.endpoint}-call`)) {
				row.slots.add(`${e.endpoint}-out`);
			}
			const y = place(e.timeMs, `${e.endpoint}-out`);
			states.push({ side: e.endpoint, x: xOf(e.endpoint), y, from: e.from, to: e.to, cause: e.cause, timeMs: e.timeMs, seq: e.seq,
				text: o.tagPairs ? `p${e.pair} ${e.to}` : e.to });
		}
		else if (e.type === 'call') {
			if (e.endpoint !== 'client' && e.endpoint !== 'server') {
				continue;
			}
			const y = place(e.timeMs, `${e.endpoint}-call`);
			const c = callText(e);
			const tag = o.tagPairs ? `p${e.pair} ` : '';
			const oneLine = `${tag}${c.name}${c.result !== '' ? ` = ${c.result}` : ''}${c.eof}`;
			const name = estWidth(c.name, 10.5) > out - 10 ? `${e.call}(…)` : c.name;
			const mark = c.errno || c.completed ? 2 : 0; // the ⚠ or ↳ drawn in front
			const lines = estWidth(oneLine, 10.5) + mark * 7 > out - 12 ? [name, `= ${c.result}${c.eof}`] : [oneLine];
			calls.push({ side: e.endpoint, x: xOf(e.endpoint), y, lines, full: oneLine, errno: c.errno, blocking: c.blocking,
				completed: c.completed, timeMs: e.timeMs, seq: e.seq, call: e.call, result: e.result });
			const underState = states.some((st) => st.side === e.endpoint && st.y === y);
			calls[calls.length - 1].below = underState;
			if (lines.length > 1 || underState) {
				// the label needs the room of the next sub-row on this side
				row = { ...row, y: row.y + o.subGap * (lines.length > 1 && underState ? 1.2 : 0.6),
					slots: new Set([`${e.endpoint}-out`, `${e.endpoint}-call`]), sub: true };
				rows.push(row);
			}
		}
		else if (e.type === 'segment') {
			let s = segs.get(e.id);
			if (!s) {
				s = { id: e.id, events: [], tags: new Set() };
				segs.set(e.id, s);
			}
			s.events.push(e);
			const side = e.from;
			const other = e.to;
			switch (e.event) {
				case 'sent':
				case 'duplicated':
					if (s.y1 === undefined) {
						s.y1 = place(e.timeMs, `${side}-in`);
						s.sentAtMs = e.timeMs;
						s.raw = e;
					}
					if (e.event === 'duplicated') {
						s.tags.add('duplicate');
					}
					break;
				case 'delivered':
					s.y2 = place(e.timeMs, `${other}-in`);
					s.deliveredAtMs = e.timeMs;
					break;
				case 'dropped':
					s.dropped = true;
					s.droppedAtMs = e.timeMs;
					break;
				case 'delayed':
					s.tags.add('delayed');
					break;
				case 'held':
					s.tags.add('held');
					break;
				default:
					break;
			}
			if (e.retransmission) {
				s.tags.add('retransmission');
			}
			if (!s.raw) {
				s.raw = e;
			}
		}
	}

	const arrows = [];
	for (const s of segs.values()) {
		const raw = s.raw;
		if (s.y1 === undefined) {
			// first seen after trace compaction or without a sent event: start where we first saw it
			continue;
		}
		const x1 = xOf(raw.from);
		const xTo = xOf(raw.to);
		let x2;
		let y2;
		let kind;
		if (s.y2 !== undefined) {
			x2 = xTo;
			y2 = s.y2;
			kind = 'delivered';
		}
		else if (s.dropped) {
			x2 = (x1 + xTo) / 2;
			y2 = s.y1 + o.rowGap / 2;
			kind = 'dropped';
		}
		else {
			x2 = x1 + (xTo - x1) * 0.4;
			y2 = s.y1 + o.rowGap * 0.4;
			kind = 'inflight';
		}
		const tags = [...s.tags];
		arrows.push({
			id: s.id,
			from: raw.from,
			to: raw.to,
			x1, y1: s.y1, x2, y2,
			kind,
			dashed: kind !== 'delivered' || tags.length > 0,
			tags,
			flags: raw.flags || [],
			relSeq: raw.relSeq,
			relAck: raw.relAck,
			len: raw.len,
			answers: raw.answers ?? null,
			label: o.tagPairs ? tagFirst(segmentLabel(raw, compact), `p${raw.pair}`) : segmentLabel(raw, compact),
			pair: raw.pair,
			raw,
			events: s.events,
			sentAtMs: s.sentAtMs,
			deliveredAtMs: s.deliveredAtMs ?? null,
			droppedAtMs: s.droppedAtMs ?? null,
		});
	}
	arrows.sort((a, b) => a.y1 - b.y1 || a.id - b.id);

	const lastY = rows.length ? rows[rows.length - 1].y : o.top;
	const maxArrowY = arrows.reduce((m, a) => Math.max(m, a.y2), 0);
	const height = Math.max(lastY, maxArrowY) + o.bottom + (rows.length ? 10 : 30);
	return {
		width: o.width, height, xClient, xServer, timeCol, out, compact,
		rows: rows.map(({ y, timeMs, sub }) => ({ y, timeMs, sub: !!sub })), gaps, arrows, states, calls,
	};
}

function tagFirst(lines, tag) {
	return [`${tag} ${lines[0]}`, ...lines.slice(1)];
}

/** Segments ids that a given arrow acknowledges (its answers) and that acknowledge it. */
export function relatedSegments(layout, id) {
	const a = layout.arrows.find((x) => x.id === id);
	return {
		answers: a?.answers ?? null,
		answeredBy: layout.arrows.filter((x) => x.answers === id).map((x) => x.id),
	};
}

// ---------------------------------------------------------------- rendering (browser only)


/**
 * Draws a layout into an <svg>. opts: {t (i18n), formatMs, clientName, serverName, onFocus(arrow|null)}.
 * Only SVG text nodes carry data; nothing is parsed as markup.
 */
export function renderLadder(svg, layout, opts) {
	const { t, formatMs } = opts;
	while (svg.firstChild) {
		svg.removeChild(svg.firstChild);
	}
	svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
	svg.style.maxWidth = `${layout.width}px`;

	const defs = el('defs');
	for (const [id, cls] of [['arrow-head', 'head'], ['arrow-head-hi', 'head hi']]) {
		const m = el('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 10, markerHeight: 10, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
		m.appendChild(el('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
		defs.appendChild(m);
	}
	svg.appendChild(defs);

	// header (in its own <svg> above the scrolling area when given, so it stays visible) and time lines
	const headSvg = opts.headerSvg || svg;
	if (opts.headerSvg) {
		while (headSvg.firstChild) {
			headSvg.removeChild(headSvg.firstChild);
		}
		headSvg.setAttribute('viewBox', `0 0 ${layout.width} 40`);
		headSvg.style.maxWidth = `${layout.width}px`;
	}
	const head = el('g', { class: 'ladder-head' });
	head.appendChild(el('text', { x: layout.xClient, y: 18, 'text-anchor': 'middle', class: 'side-name' }, t('side.client')));
	head.appendChild(el('text', { x: layout.xServer, y: 18, 'text-anchor': 'middle', class: 'side-name' }, t('side.server')));
	if (opts.clientName) {
		head.appendChild(el('text', { x: layout.xClient, y: 33, 'text-anchor': 'middle', class: 'addr' }, opts.clientName));
	}
	if (opts.serverName) {
		head.appendChild(el('text', { x: layout.xServer, y: 33, 'text-anchor': 'middle', class: 'addr' }, opts.serverName));
	}
	headSvg.appendChild(head);
	const lineTop = opts.headerSvg ? 0 : 40;
	svg.appendChild(el('line', { x1: layout.xClient, y1: lineTop, x2: layout.xClient, y2: layout.height - 6, class: 'timeline' }));
	svg.appendChild(el('line', { x1: layout.xServer, y1: lineTop, x2: layout.xServer, y2: layout.height - 6, class: 'timeline' }));

	// time labels and gaps
	if (layout.timeCol > 0) {
		for (const r of layout.rows) {
			if (!r.sub) {
				svg.appendChild(el('text', { x: 4, y: r.y + 4, class: 'time' }, formatMs(r.timeMs)));
			}
		}
	}
	for (const g of layout.gaps) {
		const gg = el('g', { class: 'gap' });
		gg.appendChild(el('line', { x1: layout.xClient - 20, y1: g.y, x2: layout.xServer + 20, y2: g.y, class: 'gap-line' }));
		gg.appendChild(el('text', { x: (layout.xClient + layout.xServer) / 2, y: g.y + 4, 'text-anchor': 'middle', class: 'gap-text' },
			t('ladder.gap', { dt: formatMs(g.dtMs) })));
		svg.appendChild(gg);
	}

	// arrows
	const arrowGroups = new Map();
	for (const a of layout.arrows) {
		const fresh = opts.freshFromSeq != null && a.events[0].seq >= opts.freshFromSeq;
		const g = el('g', {
			class: `seg seg-${a.kind} ${a.tags.map((x) => `tag-${x}`).join(' ')}${fresh ? ' fresh' : ''}`,
			tabindex: 0,
			role: 'button',
			'data-id': a.id,
			'aria-label': arrowAria(a, t, formatMs),
		});
		g.appendChild(el('line', { x1: a.x1, y1: a.y1, x2: a.x2, y2: a.y2, class: 'hit' }));
		g.appendChild(el('line', {
			x1: a.x1, y1: a.y1, x2: a.x2, y2: a.y2,
			class: `shaft${a.dashed ? ' dashed' : ''}`,
			'marker-end': a.kind === 'delivered' ? 'url(#arrow-head)' : null,
		}));
		if (a.kind === 'dropped') {
			const s = 7;
			g.appendChild(el('path', { d: `M${a.x2 - s},${a.y2 - s} L${a.x2 + s},${a.y2 + s} M${a.x2 + s},${a.y2 - s} L${a.x2 - s},${a.y2 + s}`, class: 'cross' }));
			const toRight = a.x2 > a.x1;
			g.appendChild(el('text', { x: a.x2 + (toRight ? 12 : -12), y: a.y2 + 4, 'text-anchor': toRight ? 'start' : 'end', class: 'lost-text' }, `✕ ${t('ladder.lost')}`));
		}
		const mx = a.kind === 'delivered' ? (a.x1 + a.x2) / 2 : (a.x1 * 0.55 + a.x2 * 0.45);
		const my = a.kind === 'delivered' ? (a.y1 + a.y2) / 2 : (a.y1 * 0.55 + a.y2 * 0.45);
		const lines = [...a.label];
		const tagText = a.tags.map((x) => tagName(x, t)).join(', ');
		if (tagText) {
			lines.unshift(`↻ ${tagText}`.replace('↻ ' + t('ladder.held'), '‖ ' + t('ladder.held')));
		}
		const lineH = 12;
		const y0 = my - 5 - (lines.length - 1) * lineH;
		const rot = `rotate(${labelAngle(a).toFixed(2)} ${mx.toFixed(1)} ${my.toFixed(1)})`;
		lines.forEach((ln, i) => {
			g.appendChild(el('text', { x: mx, y: y0 + i * lineH, 'text-anchor': 'middle', transform: rot,
				class: i === 0 && tagText ? 'seg-tag' : 'seg-label' }, ln));
		});
		const title = el('title', {}, arrowAria(a, t, formatMs));
		g.appendChild(title);
		if (opts.onFocus) {
			const on = () => opts.onFocus(a);
			g.addEventListener('mouseenter', on);
			g.addEventListener('focus', on);
			g.addEventListener('click', on);
		}
		arrowGroups.set(a.id, g);
		svg.appendChild(g);
	}

	// state changes: boxes on the outer side of each line
	for (const s of layout.states) {
		const right = s.side === 'server';
		const text = s.text ?? s.to;
		const w = estWidth(text, 10.5) + 9;
		const x = right ? s.x + 5 : s.x - 5 - w;
		const fresh = opts.freshFromSeq != null && s.seq >= opts.freshFromSeq;
		const g = el('g', { class: `state-change state-${s.to}${fresh ? ' fresh' : ''}`, 'data-side': s.side });
		g.appendChild(el('rect', { x, y: s.y - 9, width: w, height: 17, rx: 3, class: 'state-box' }));
		g.appendChild(el('text', { x: x + w / 2, y: s.y + 4, 'text-anchor': 'middle', class: 'state-text' }, text));
		g.appendChild(el('title', {}, `${s.from} → ${s.to}: ${s.cause ?? ''} (${formatMs(s.timeMs)})`));
		g.appendChild(el('circle', { cx: s.x, cy: s.y, r: 3, class: 'state-dot' }));
		svg.appendChild(g);
	}

	// calls beside the lines (under the state box when both happen at once)
	for (const c of layout.calls) {
		const right = c.side === 'server';
		const x = right ? c.x + 8 : c.x - 8;
		const dy = c.below ? 17 : 0;
		const g = el('g', { class: `call${c.errno ? ' call-errno' : ''}${c.blocking ? ' call-blocking' : ''}`, 'data-side': c.side });
		c.lines.forEach((ln, i) => {
			g.appendChild(el('text', { x, y: c.y + 4 + dy + i * 12, 'text-anchor': right ? 'start' : 'end', class: 'call-text' },
				(i === 0 && c.errno ? '⚠ ' : '') + (i === 0 && c.completed ? '↳ ' : '') + ln));
		});
		g.appendChild(el('title', {}, c.full));
		svg.appendChild(g);
	}

	return {
		highlight(id) {
			for (const g of arrowGroups.values()) {
				g.classList.remove('focused', 'answered', 'answering');
			}
			if (id == null) {
				return;
			}
			const rel = relatedSegments(layout, id);
			arrowGroups.get(id)?.classList.add('focused');
			if (rel.answers != null) {
				arrowGroups.get(rel.answers)?.classList.add('answered');
			}
		},
	};
}

/** Angle (degrees) that lays an arrow's label along the arrow, never upside down. */
export function labelAngle(a) {
	let deg = (Math.atan2(a.y2 - a.y1, a.x2 - a.x1) * 180) / Math.PI;
	if (deg > 90) {
		deg -= 180;
	}
	else if (deg < -90) {
		deg += 180;
	}
	return deg;
}

function tagName(tag, t) {
	return t({ retransmission: 'ladder.retrans', duplicate: 'ladder.dup', delayed: 'ladder.delayed', held: 'ladder.held' }[tag] || tag);
}

/** Text that describes one arrow for screen readers and tooltips. */
export function arrowAria(a, t, formatMs) {
	const parts = [`#${a.id} ${t(a.from === 'client' ? 'side.client' : 'side.server')} → ${t(a.to === 'client' ? 'side.client' : 'side.server')}`,
		a.label.join(' ')];
	if (a.tags.length) {
		parts.push(a.tags.map((x) => tagName(x, t)).join(', '));
	}
	if (a.kind === 'dropped') {
		parts.push(`✕ ${t('ladder.lost')}`);
	}
	parts.push(formatMs(a.sentAtMs));
	if (a.answers != null) {
		parts.push(t('ladder.answers', { id: a.answers }));
	}
	return parts.join(' · ');
}
