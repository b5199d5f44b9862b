// What-if comparisons (POST /api/comparisons): ready-made variant sets per scenario, a shared virtual-time
// layout so the variants' ladders line up row by row, and the marks of what differs between them.
// Pure layout functions are tested under node (frontend/test/compare.test.js); renderComparison draws.

import { el } from './svg.js';
import { flagText, estWidth, overlaps } from './ladder.js';

/** Ready-made comparisons offered on a scenario's page, by preset id (the value of ?compare=). */
export const PRESETS = {
	timewait: {
		scenarios: ['lost-last-ack', 'old-duplicate'],
		title: { en: 'TIME_WAIT on vs. off', ko: 'TIME_WAIT 있음 vs. 없음' },
		// without TIME_WAIT the timestamps are off too: with them PAWS (RFC 7323 §5) would drop the old
		// duplicate on linux and bsd, and the hazard TIME_WAIT guards against would not show
		// (the paws-old-duplicate scenario shows that side)
		variants: () => [{ label: 'TIME_WAIT' }, { label: 'no TIME_WAIT', overrides: { timeWaitMs: 0, timestamps: false } }],
	},
	profiles: {
		scenarios: ['linger-timeout'],
		title: { en: 'linux vs. rfc9293 vs. bsd vs. windows', ko: 'linux vs. rfc9293 vs. bsd vs. windows' },
		variants: () => ['linux', 'rfc9293', 'bsd', 'windows'].map((p) => ({ label: p, profile: p })),
	},
	closer: {
		scenarios: ['busy-server-time-wait'],
		title: { en: 'server closes first vs. client closes first', ko: '서버가 먼저 닫음 vs. 클라이언트가 먼저 닫음' },
		// the client-first variant carries its own document: the same load with closer: client
		variants: (doc) => [{ label: 'server closes first', scenario: loadOnly(doc, 'server') },
			{ label: 'client closes first', scenario: loadOnly(doc, 'client') }],
		needsDocument: true,
	},
};

/** The presets offered for a scenario name. */
export function presetsFor(name) {
	return Object.entries(PRESETS).filter(([, p]) => p.scenarios.includes(name)).map(([id, p]) => ({ id, ...p }));
}

/**
 * The variants of ?compare=: a preset id, or a comma-separated list of profiles ("linux,bsd").
 * Returns null for anything else (a bad link must not fire requests).
 */
export function variantsFromParam(param, doc = null) {
	if (!param) {
		return null;
	}
	if (PRESETS[param]) {
		return PRESETS[param].variants(doc);
	}
	const profiles = param.split(',').map((s) => s.trim()).filter(Boolean);
	const known = ['linux', 'rfc9293', 'bsd', 'windows'];
	if (profiles.length >= 2 && profiles.length <= 4 && profiles.every((p) => known.includes(p)) && new Set(profiles).size === profiles.length) {
		return profiles.map((p) => ({ label: p, profile: p }));
	}
	return null;
}

/**
 * busy-server-time-wait cut to the load steps (the port-exhaustion loop is its own lesson), with the given side
 * closing first; the expectations about who holds TIME_WAIT follow the closer.
 */
export function loadOnly(doc, closer) {
	const copy = JSON.parse(JSON.stringify(doc));
	// only the expectations about states follow the closer (the client still connects)
	const swap = (s) => (closer === 'server' || !/^(no )?state /.test(s) ? s
		: s.replace(/\b(server|client)\b/g, (m) => (m === 'server' ? 'client' : 'server')));
	copy.steps = copy.steps.filter((st) => (st.do || []).some((d) => d && typeof d === 'object' && (d.load || d.advance)))
		.slice(0, 2).map((st) => ({
			...st,
			do: st.do.map((d) => (d && typeof d === 'object' && d.load ? { load: { ...d.load, closer } } : d)),
			expect: (st.expect || []).map(swap),
		}));
	return copy;
}

const DRAWN = new Set(['segment', 'state', 'call']);
const SIDES = new Set(['client', 'server']);

/** The events a comparison ladder draws: segments, states and calls of the first maxPairs connections. */
export function drawnEvents(trace, maxPairs = 3) {
	const pairs = [];
	const out = [];
	for (const e of trace || []) {
		if (!DRAWN.has(e.type)) {
			continue;
		}
		const side = e.type === 'segment' ? e.from : e.endpoint;
		if (!SIDES.has(side)) {
			continue;
		}
		if (!pairs.includes(e.pair)) {
			if (pairs.length >= maxPairs) {
				continue;
			}
			pairs.push(e.pair);
		}
		out.push(e);
	}
	return out;
}

/** What a drawn item is, for matching it across variants (same thing at the same virtual time). */
export function itemKey(e) {
	if (e.type === 'segment') {
		return `seg|${e.from}|${flagText(e.flags)}|${e.len}|${e.timeMs}`;
	}
	if (e.type === 'state') {
		return `state|${e.endpoint}|${e.to}|${e.timeMs}`;
	}
	return `call|${e.endpoint}|${e.call}|${e.result}|${e.timeMs}`;
}

/**
 * Marks, per variant, the items another variant does not have (counting repeats: a third identical ACK is
 * marked when another variant sent only two). Only a segment's first event (sent/duplicated) counts.
 * @returns Array<Set<seq>> of marked seqs per variant
 */
export function markDifferences(variantEvents) {
	const keyed = variantEvents.map((evs) => evs.filter((e) => e.type !== 'segment' || e.event === 'sent' || e.event === 'duplicated')
		.map((e) => ({ seq: e.seq, key: itemKey(e) })));
	const counts = keyed.map((items) => {
		const m = new Map();
		items.forEach((i) => m.set(i.key, (m.get(i.key) || 0) + 1));
		return m;
	});
	return keyed.map((items, v) => {
		const seen = new Map();
		const marked = new Set();
		for (const i of items) {
			const n = (seen.get(i.key) || 0) + 1;
			seen.set(i.key, n);
			if (counts.some((c, w) => w !== v && (c.get(i.key) || 0) < n)) {
				marked.add(i.seq);
			}
		}
		return marked;
	});
}

export const CMP = { width: 330, timeCol: 44, out: 96, top: 30, sub: 17, rowGap: 12, gapThresholdMs: 50, gapExtra: 16, bottom: 20 };

/**
 * One time axis for every variant: each distinct virtual time (of any variant) gets a row tall enough for the
 * busiest variant at that time, so the same time is at the same height in every ladder.
 * @returns {rows: Map<timeMs, {y, lines}>, gaps: [{y, dtMs}], height}
 */
export function sharedTimeAxis(variantEvents, o = CMP) {
	const need = new Map();
	for (const evs of variantEvents) {
		const per = new Map();
		for (const e of evs) {
			if (e.type === 'segment' && e.event !== 'sent' && e.event !== 'duplicated' && e.event !== 'delivered') {
				continue;
			}
			const side = e.type === 'segment' ? (e.event === 'delivered' ? `${e.to}-in` : `${e.from}-out`) : e.endpoint;
			const k = `${e.timeMs}|${side}`;
			per.set(k, (per.get(k) || 0) + 1);
			need.set(e.timeMs, Math.max(need.get(e.timeMs) || 1, per.get(k)));
		}
	}
	const times = [...need.keys()].sort((a, b) => a - b);
	const rows = new Map();
	const gaps = [];
	let y = o.top;
	let prev = null;
	for (const t of times) {
		if (prev !== null && t - prev >= o.gapThresholdMs) {
			gaps.push({ y: y + o.gapExtra / 2 - o.rowGap / 2, dtMs: t - prev });
			y += o.gapExtra;
		}
		rows.set(t, { y, lines: need.get(t) });
		y += need.get(t) * o.sub + o.rowGap;
		prev = t;
	}
	return { rows, gaps, height: y + o.bottom };
}

/** Draws one variant's ladder on the shared axis into an <svg>. */
export function renderVariant(svg, evs, axis, marked, { label, formatMs, misdelivered = [], o = CMP, lang = 'en' }) {
	while (svg.firstChild) {
		svg.removeChild(svg.firstChild);
	}
	const W = o.width;
	const xC = o.timeCol + o.out;
	const xS = W - o.out;
	const xOf = (s) => (s === 'server' ? xS : xC);
	svg.setAttribute('viewBox', `0 0 ${W} ${axis.height}`);
	svg.setAttribute('width', W);
	svg.setAttribute('height', axis.height);
	svg.appendChild(el('text', { x: xC, y: 14, class: 'cmp-side', 'text-anchor': 'middle' }, lang === 'ko' ? '클라이언트' : 'client'));
	svg.appendChild(el('text', { x: xS, y: 14, class: 'cmp-side', 'text-anchor': 'middle' }, lang === 'ko' ? '서버' : 'server'));
	for (const x of [xC, xS]) {
		svg.appendChild(el('line', { x1: x, y1: 20, x2: x, y2: axis.height - 8, class: 'cmp-line' }));
	}
	for (const g of axis.gaps) {
		svg.appendChild(el('text', { x: xC + (xS - xC) / 2, y: g.y + 4, class: 'cmp-gap', 'text-anchor': 'middle' }, `⋯ ${formatMs(g.dtMs)} ⋯`));
	}
	const used = new Map();
	const slot = (t, side) => {
		const k = `${t}|${side}`;
		const n = used.get(k) || 0;
		used.set(k, n + 1);
		return axis.rows.get(t).y + n * o.sub;
	};
	const segs = new Map();
	const labels = [];
	for (const e of evs) {
		if (e.type === 'segment') {
			let s = segs.get(e.id);
			if (!s) {
				s = { e, marked: false };
				segs.set(e.id, s);
			}
			if ((e.event === 'sent' || e.event === 'duplicated') && s.y1 === undefined) {
				s.y1 = slot(e.timeMs, `${e.from}-out`);
				s.marked = marked.has(e.seq);
				s.e = e;
			}
			else if (e.event === 'delivered') {
				s.y2 = slot(e.timeMs, `${e.to}-in`);
			}
			else if (e.event === 'dropped') {
				s.dropped = true;
			}
		}
		else {
			const y = slot(e.timeMs, e.endpoint);
			const text = e.type === 'state' ? e.to : `${e.call}()${e.result == null ? ' …' : ` = ${e.result}`}`;
			labels.push({ x: e.endpoint === 'server' ? xS + 5 : xC - 5, y, anchor: e.endpoint === 'server' ? 'start' : 'end', text,
				cls: `${e.type === 'state' ? 'cmp-state' : 'cmp-call'}${marked.has(e.seq) ? ' diff' : ''}`, seq: e.seq, fontPx: e.type === 'state' ? 10.5 : 9.5 });
		}
	}
	// texts that do not move; the flags of each arrow are then placed where they cover none of them (nor each other)
	const taken = [];
	const boxOf = (x, y, text, fontPx, anchor) => {
		const w = estWidth(text, fontPx);
		const left = anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x;
		return { x: left, y: y - fontPx + 1, w, h: fontPx + 1 };
	};
	for (const l of labels) {
		l.box = boxOf(l.x, l.y + 4, l.text, l.fontPx, l.anchor);
		taken.push(l.box);
	}
	for (const g of axis.gaps) {
		taken.push(boxOf(xC + (xS - xC) / 2, g.y + 4, `⋯ ${formatMs(g.dtMs)} ⋯`, 9.5, 'middle'));
	}
	const notes = [];
	for (const m of misdelivered) {
		const r = axis.rows.get(m.timeMs);
		if (!r) {
			continue;
		}
		const text = lang === 'ko' ? `⚠ 다른 연결(#${m.fromPair})의 ${m.bytes}바이트 수신` : `⚠ ${m.bytes} B from connection #${m.fromPair}`;
		const x = m.endpoint === 'server' ? xS - 5 : xC + 5;
		const anchor = m.endpoint === 'server' ? 'end' : 'start';
		const y = r.y + o.sub + 4;
		const box = boxOf(x, y, text, 10, anchor);
		taken.push(box);
		notes.push({ x, y, anchor, text });
	}
	// a time whose row a wide call on the client side runs into is left out here: the other columns show it
	for (const [t, r] of axis.rows) {
		const text = formatMs(t);
		const box = boxOf(2, r.y + 4, text, 9.5, 'start');
		if (!taken.some((b) => overlaps(b, box, 1))) {
			svg.appendChild(el('text', { x: 2, y: r.y + 4, class: 'cmp-time' }, text));
			taken.push(box);
		}
	}
	for (const s of segs.values()) {
		if (s.y1 === undefined) {
			continue;
		}
		const x1 = xOf(s.e.from);
		const xTo = xOf(s.e.to);
		let x2 = xTo;
		let y2 = s.y2;
		if (y2 === undefined) {
			x2 = x1 + (xTo - x1) * 0.55;
			y2 = s.y1 + o.sub * 0.8;
		}
		const cls = `cmp-seg${s.marked ? ' diff' : ''}${s.dropped ? ' lost' : ''}${s.e.retransmission ? ' rexmit' : ''}`;
		const g = el('g', { class: cls, 'data-seq': s.e.seq });
		g.appendChild(el('line', { x1, y1: s.y1, x2, y2 }));
		const dir = Math.sign(x2 - x1) || 1;
		g.appendChild(el('path', { d: `M${x2},${y2} l${-7 * dir},-3.5 l0,7 z`, class: 'cmp-head' }));
		if (s.dropped) {
			g.appendChild(el('text', { x: x2, y: y2 + 4, 'text-anchor': 'middle', class: 'cmp-x' }, '✕'));
			taken.push(boxOf(x2, y2 + 4, '✕', 12, 'middle'));
		}
		const len = s.e.len ? ` ${s.e.len}B` : '';
		const text = `${flagText(s.e.flags)}${len}`;
		let best = null;
		for (const f of [0.5, 0.32, 0.68, 0.2, 0.8]) {
			for (const dy of [-3, 11]) {
				const x = x1 + (x2 - x1) * f;
				const y = s.y1 + (y2 - s.y1) * f + dy;
				const box = boxOf(x, y, text, 9.5, 'middle');
				const hits = taken.filter((b) => overlaps(b, box, 0.5)).length;
				if (!best || hits < best.hits) {
					best = { x, y, box, hits };
				}
			}
			if (best.hits === 0) {
				break;
			}
		}
		taken.push(best.box);
		g.appendChild(el('text', { x: best.x, y: best.y, 'text-anchor': 'middle', class: 'cmp-flags' }, text));
		g.appendChild(el('title', {}, `${s.e.from} → ${s.e.to} ${text} @ ${formatMs(s.e.timeMs)}${s.dropped ? ' (lost)' : ''}`));
		svg.appendChild(g);
	}
	for (const l of labels) {
		svg.appendChild(el('text', { x: l.x, y: l.y + 4, 'text-anchor': l.anchor, class: l.cls, 'data-seq': l.seq }, l.text));
	}
	for (const n of notes) {
		svg.appendChild(el('text', { x: n.x, y: n.y, 'text-anchor': n.anchor, class: 'cmp-misdelivered diff' }, n.text));
	}
	svg.setAttribute('aria-label', label);
}

/**
 * Long lists (segments on the wire, call results) shown from where they part: the common beginning of all
 * variants' lists becomes "…". Values of other shapes are returned as they are.
 */
export function fromDivergence(values, keep = 1) {
	const lists = Object.values(values);
	if (!lists.every(Array.isArray) || lists.length < 2) {
		return values;
	}
	let common = 0;
	while (lists.every((l) => common < l.length && l[common] === lists[0][common])) {
		common++;
	}
	const cut = Math.max(0, common - keep);
	if (cut === 0) {
		return values;
	}
	return Object.fromEntries(Object.entries(values).map(([k, l]) => [k, ['…', ...l.slice(cut)]]));
}

/**
 * Time held per side and state over all connections ("server TIME_WAIT 60 s", or "×200, longest 60 s" when many
 * connections held it), from a summary's held map keyed by "pair N side".
 */
export function heldBySide(held, formatMs = (ms) => `${ms} ms`) {
	const agg = new Map();
	for (const [ep, states] of Object.entries(held || {})) {
		const side = ep.split(' ').pop();
		for (const [st, x] of Object.entries(states)) {
			const k = `${side} ${st}`;
			const a = agg.get(k) || { n: 0, max: 0 };
			a.n++;
			a.max = Math.max(a.max, x.ms);
			agg.set(k, a);
		}
	}
	return [...agg].map(([k, a]) => (a.n === 1 ? `${k} ${formatMs(a.max)}` : `${k} ×${a.n}, ≤ ${formatMs(a.max)}`));
}

/** At most `max` per-endpoint rows of one aspect; the rest counted in one row {aspect, more}. */
export function capDifferences(diffs, max = 4) {
	const seen = new Map();
	const out = [];
	for (const d of diffs) {
		const n = (seen.get(d.aspect) || 0) + 1;
		seen.set(d.aspect, n);
		if (!d.endpoint || n <= max) {
			out.push(d);
		}
	}
	for (const [aspect, n] of seen) {
		if (n > max && diffs.some((d) => d.aspect === aspect && d.endpoint)) {
			out.push({ aspect, more: n - max });
		}
	}
	return out;
}

/** A difference's values as short text. */
export function formatValue(v, formatMs = (ms) => `${ms} ms`) {
	if (Array.isArray(v)) {
		return v.length ? v.join(' → ') : '–';
	}
	if (v && typeof v === 'object') {
		const parts = Object.entries(v).map(([k, x]) => `${k} ${typeof x === 'number' ? formatMs(x) : formatValue(x, formatMs)}`);
		return parts.length ? parts.join(', ') : '–';
	}
	if (typeof v === 'boolean') {
		return v ? '✓' : '✗';
	}
	return String(v);
}
