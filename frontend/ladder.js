// Ladder (sequence) diagram: pure layout maths (layoutLadder) and an SVG renderer (renderLadder).
// Time flows downwards. Each distinct virtual time gets a row; a line that is busy in a row pushes later items
// of the same time to a sub-row, so labels never overlap. Long pauses are compressed and marked with ⋯.

import { el } from './svg.js';
import { translate, formatMs as defaultFormatMs } from './i18n.js';

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
	const timeCol = width < 500 ? 34 : 58;
	const out = Math.max(width < 500 ? 96 : 82, Math.min(150, Math.round(width * 0.24)));
	return { timeCol, xClient: timeCol + out, xServer: width - out, out, compact: width < 500 };
}

/** "FIN,ACK" etc. in a stable, readable order. */
export function flagText(flags) {
	const order = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'];
	return [...(flags || [])].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join(',');
}

/**
 * The label lines of a segment arrow: flags, then relative seq/ack and payload length, and the advertised window
 * when it matters (opts.window: a number, or null to leave it out) — as Wireshark's flow graph shows it.
 */
export function segmentLabel(seg, compact = false, { window = null } = {}) {
	const flags = flagText(seg.flags);
	const nums = [`seq=${seg.relSeq}`];
	if ((seg.flags || []).includes('ACK')) {
		nums.push(`ack=${seg.relAck}`);
	}
	if (seg.len > 0) {
		nums.push(`len=${seg.len}`);
	}
	const win = window != null ? `win=${window}` : null;
	if (!compact) {
		return [[flags, ...nums, win].filter(Boolean).join(' ')];
	}
	// a phone has about 18 characters between the lines: the payload length gets its own line when needed
	const head = win ? `${flags} ${win}` : flags;
	const line = nums.join(' ');
	return line.length > 18 && seg.len > 0 ? [head, nums.slice(0, -1).join(' '), nums[nums.length - 1]] : [head, line];
}

/**
 * Which segments show their window (by segment id): a zero window, one smaller than the sender's last one
 * (shrinking), and the first one after a zero window (the window opens again). Others leave it out.
 */
export function windowsThatMatter(events) {
	const last = new Map();
	const out = new Map();
	const shifts = new Map();
	for (const e of events) {
		// an RST's window means nothing (Linux sends 0)
		if (e.type !== 'segment' || e.event !== 'sent' || e.window == null || (e.flags || []).includes('RST')) {
			continue;
		}
		const k = `${e.pair}/${e.from}`;
		if ((e.flags || []).includes('SYN')) {
			// a SYN's window is never scaled (RFC 7323 §2.2): not comparable with the later ones; it names the
			// shift its sender will use
			if (e.options?.wscale != null) {
				shifts.set(k, e.options.wscale);
			}
			continue;
		}
		const window = scaledWindow(e, shifts);
		const prev = last.get(k);
		if (window === 0 || (prev != null && (window < prev || prev === 0))) {
			out.set(e.id, window);
		}
		last.set(k, window);
	}
	return out;
}

/**
 * The window a segment advertises in bytes: its header field shifted by the sender's Window Scale when both SYNs
 * offered one (RFC 7323 §2.2); `shifts` maps "pair/endpoint" to the shift its SYN offered.
 */
export function scaledWindow(e, shifts) {
	const mine = shifts.get(`${e.pair}/${e.from}`);
	const peers = shifts.get(`${e.pair}/${e.to}`);
	return mine != null && peers != null ? e.window * 2 ** mine : e.window;
}

/** The segments that are zero-window probes (by id): the engine notes WINDOW_PROBE just before sending one. */
export function windowProbes(events) {
	const out = new Set();
	let probe = null;
	for (const e of events) {
		if (e.type === 'note' && e.code === 'WINDOW_PROBE') {
			probe = e;
		}
		else if (probe && e.type === 'segment' && e.event === 'sent') {
			if (e.pair === probe.pair && e.from === probe.endpoint && e.timeMs === probe.timeMs) {
				out.add(e.id);
			}
			probe = null;
		}
	}
	return out;
}

/** A socket call as text: close(), shutdown(SHUT_WR), send(100), and its result (or … when it blocks). */
export function callText(e) {
	let args = e.args ? Object.values(e.args).filter((v) => v !== null && v !== undefined) : [];
	if (e.call === 'setsockopt' && e.args?.option) {
		// the engine keeps arguments sorted by name; a reader expects setsockopt(SO_LINGER, {1, 2})
		const { option, onoff, seconds, ...rest } = e.args;
		args = [option];
		if (onoff != null) {
			args.push(`{${onoff}, ${seconds ?? 0}}`);
		}
		args.push(...Object.values(rest).filter((v) => v !== null && v !== undefined));
	}
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

const WIDE = /[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7a3\uff00-\uffef]/;

/** Estimated width of a text in px: the ladder uses a monospace font (0.6 em), CJK glyphs are twice as wide. */
export function estWidth(text, fontPx = 11) {
	let n = 0;
	for (const ch of String(text)) {
		n += WIDE.test(ch) ? 1.75 : 1;
	}
	return n * fontPx * 0.62;
}

/** Boxes bucketed by 64-unit bands of y, so a query looks only at its neighbours (long ladders stay linear). */
class BoxIndex {
	constructor() {
		this.bands = new Map();
		this.all = [];
		this.query = 0;
	}

	add(box, item = box) {
		const e = { box, item };
		this.all.push(e);
		for (let k = Math.floor(box.y / 64); k <= Math.floor((box.y + box.h) / 64); k++) {
			let list = this.bands.get(k);
			if (!list) {
				list = [];
				this.bands.set(k, list);
			}
			list.push(e);
		}
	}

	/** Entries whose box may overlap the given box (each at most once). */
	near(box, pad = 0) {
		const k0 = Math.floor((box.y - pad) / 64);
		const k1 = Math.floor((box.y + box.h + pad) / 64);
		if (k0 === k1) {
			return this.bands.get(k0) || [];
		}
		const mark = ++this.query;
		const out = [];
		for (let k = k0; k <= k1; k++) {
			for (const e of this.bands.get(k) || []) {
				if (e.mark !== mark) {
					e.mark = mark;
					out.push(e);
				}
			}
		}
		return out;
	}
}

/** Do two boxes {x, y, w, h} overlap (touching does not count)? */
export function overlaps(a, b, pad = 0) {
	return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;
}

/** Does the arrow's shaft pass through the box? (Liang–Barsky clipping of the segment against the box.) */
export function segmentHitsBox(a, b) {
	const dx = a.x2 - a.x1;
	const dy = a.y2 - a.y1;
	let t0 = 0;
	let t1 = 1;
	const edges = [[-dx, a.x1 - b.x], [dx, b.x + b.w - a.x1], [-dy, a.y1 - b.y], [dy, b.y + b.h - a.y1]];
	for (const [p, q] of edges) {
		if (p === 0) {
			if (q < 0) {
				return false;
			}
		}
		else {
			const r = q / p;
			if (p < 0) {
				t0 = Math.max(t0, r);
			}
			else {
				t1 = Math.min(t1, r);
			}
			if (t0 > t1) {
				return false;
			}
		}
	}
	return true;
}

/** Splits a call's text into lines no wider than maxPx, breaking after ", " and before " = ". */
export function wrapCall(text, maxPx, fontPx = 10.5) {
	if (estWidth(text, fontPx) <= maxPx) {
		return [text];
	}
	const parts = text.split(/(?<=, )|(?<=\()(?!EOF\))|(?= = )|(?<=[^,=] )(?=[^=])/);
	const lines = [];
	let cur = '';
	for (const part of parts) {
		if (cur && estWidth(cur + part, fontPx) > maxPx) {
			lines.push(cur.trimEnd());
			cur = part.trimStart();
		}
		else {
			cur += part;
		}
	}
	if (cur) {
		lines.push(cur);
	}
	// a part longer than the room is cut hard rather than drawn over the time column
	const max = Math.max(4, Math.floor(maxPx / (fontPx * 0.62)));
	return lines.flatMap((ln) => {
		const out = [];
		let rest = ln;
		while (estWidth(rest, fontPx) > maxPx && rest.length > max) {
			out.push(rest.slice(0, max));
			rest = rest.slice(max);
		}
		out.push(rest);
		return out;
	});
}

/** States whose duration is the lesson: drawn as bars along the endpoint's line. */
export const BAR_STATES = ['TIME_WAIT', 'FIN_WAIT_2', 'CLOSE_WAIT'];
const BAR_TIMER = { TIME_WAIT: 'TIME_WAIT', FIN_WAIT_2: 'FIN_WAIT_2' };

/**
 * Long-lived intervals of each endpoint: the bar states and a close() blocked by SO_LINGER. Each bar:
 * {pair, side, kind (state name or 'LINGER'), startMs, endMs|null, startSeq, endSeq, timerMs (the timer's
 * full length when one runs), expiresAtMs, restarts: [{timeMs, seq, expiresAtMs}]}.
 */
export function timeBars(events) {
	const open = new Map();
	const bars = [];
	const key = (pair, side) => `${pair}/${side}`;
	for (const e of events) {
		if (e.endpoint !== 'client' && e.endpoint !== 'server') {
			continue;
		}
		const k = key(e.pair, e.endpoint);
		if (e.type === 'state') {
			const cur = open.get(k);
			if (cur && cur.kind !== 'LINGER') {
				cur.endMs = e.timeMs;
				cur.endSeq = e.seq;
				open.delete(k);
			}
			if (BAR_STATES.includes(e.to)) {
				const bar = { pair: e.pair, side: e.endpoint, kind: e.to, startMs: e.timeMs, endMs: null, startSeq: e.seq, endSeq: null,
					timerMs: null, expiresAtMs: null, restarts: [] };
				bars.push(bar);
				open.set(k, bar);
			}
		}
		else if (e.type === 'timer') {
			const cur = open.get(k);
			const lk = open.get(`${k}/linger`);
			if (cur && BAR_TIMER[cur.kind] === e.timer && e.expiresAtMs != null) {
				if (e.action === 'restarted' || (e.action === 'armed' && cur.timerMs != null)) {
					cur.restarts.push({ timeMs: e.timeMs, seq: e.seq, expiresAtMs: e.expiresAtMs });
				}
				else if (e.action === 'armed') {
					cur.timerMs = e.expiresAtMs - e.timeMs;
				}
				cur.expiresAtMs = e.expiresAtMs;
			}
			if (lk && e.timer === 'LINGER' && e.expiresAtMs != null && (e.action === 'armed' || e.action === 'restarted')) {
				lk.timerMs = e.expiresAtMs - lk.startMs;
				lk.expiresAtMs = e.expiresAtMs;
			}
		}
		else if (e.type === 'call' && e.call === 'close') {
			if (e.blocking && !e.completed) {
				const bar = { pair: e.pair, side: e.endpoint, kind: 'LINGER', startMs: e.timeMs, endMs: null, startSeq: e.seq, endSeq: null,
					timerMs: null, expiresAtMs: null, restarts: [] };
				bars.push(bar);
				open.set(`${k}/linger`, bar);
			}
			else if (e.completed && open.has(`${k}/linger`)) {
				const bar = open.get(`${k}/linger`);
				bar.endMs = e.timeMs;
				bar.endSeq = e.seq;
				bar.result = e.result;
				open.delete(`${k}/linger`);
			}
		}
	}
	// a state left in the instant it was entered has no duration to show
	return bars.filter((b) => b.endMs == null || b.endMs > b.startMs);
}

/**
 * The text beside a bar: what the bar is and how long it lasts (the true length, whatever the drawing
 * compresses), plus a live countdown while it runs. t and formatMs come from i18n. opts.timeWaitMs is the
 * simulation's TIME_WAIT length, for traces that do not record timers (load runs trace states only).
 */
export function barText(bar, nowMs, t, formatMs, { timeWaitMs = null } = {}) {
	// the state box above the bar names the state; a blocked close() needs its name said
	const name = bar.kind === 'LINGER' ? `${t('bar.linger')}: ` : '';
	if (bar.endMs != null) {
		return { head: name + t('bar.lasted', { dt: formatMs(bar.endMs - bar.startMs) }), live: null };
	}
	let timerMs = bar.timerMs;
	let expiresAtMs = bar.expiresAtMs;
	if (timerMs == null && bar.kind === 'TIME_WAIT' && timeWaitMs != null && !bar.timersTraced) {
		timerMs = timeWaitMs;
		expiresAtMs = bar.startMs + timeWaitMs;
	}
	let head;
	if (timerMs != null) {
		head = t(bar.kind === 'TIME_WAIT' ? 'bar.2msl' : 'bar.timer', { dt: formatMs(timerMs) });
	}
	else {
		// what the endpoint is waiting for: only CLOSE_WAIT waits for its application (to call close())
		head = t({ CLOSE_WAIT: 'bar.waitingApp', FIN_WAIT_2: 'bar.waitingFin', LINGER: 'bar.waitingAck', TIME_WAIT: 'bar.waiting2msl' }[bar.kind]
			|| 'bar.waiting');
	}
	const live = expiresAtMs != null
		? t('bar.left', { dt: formatMs(Math.max(0, expiresAtMs - nowMs)) })
		: t('bar.sofar', { dt: formatMs(Math.max(0, nowMs - bar.startMs)) });
	return { head: name + head, live };
}

const english = (k, p) => translate('en', k, p);

/**
 * Lays out one pair's part of the trace (or every pair with tagPairs).
 * @param events trace events (any pair, seq order)
 * @param opts {pair, width, nowMs, t, formatMs, tagPairs, ...LADDER_DEFAULTS}
 * @returns {width, height, xClient, xServer, rows, gaps, arrows, states, calls, bars, boxes, collisions, compact}
 * Every text gets a box ({x, y, w, h}, in drawing units); labels are placed so that no two boxes overlap, and
 * when that cannot be done the rows are spread further apart.
 */
export function layoutLadder(events, opts = {}) {
	let l = null;
	for (let extra = 0; extra <= 4; extra++) {
		l = layoutOnce(events, { ...opts, rowGapExtra: extra * 12 });
		if (l.collisions === 0) {
			return l;
		}
	}
	return l;
}

function layoutOnce(events, opts) {
	const o = { ...LADDER_DEFAULTS, t: english, formatMs: defaultFormatMs, ...opts };
	o.rowGap += o.rowGapExtra || 0;
	const { t, formatMs } = o;
	const { timeCol, xClient, xServer, out, compact } = columns(o.width);
	const xOf = (side) => (side === 'server' ? xServer : xClient);
	// a call without a pair (a connect() or bind() that failed before a connection existed) belongs to every view
	const mine = events.filter((e) => o.pair == null || e.pair === o.pair || (e.pair == null && e.type === 'call'));
	const nowMs = o.nowMs ?? (mine.length ? mine[mine.length - 1].timeMs : 0);
	const outerW = out - 14;
	const fixed = new BoxIndex(); // boxes of texts that do not move
	const addFixed = (b) => {
		fixed.add(b);
		return b;
	};

	const rows = [];
	const gaps = [];
	let row = null;
	const newRow = (y, timeMs, sub) => {
		row = { y, timeMs, slots: new Set(), sub };
		rows.push(row);
		return row;
	};
	const place = (timeMs, slot) => {
		if (row === null) {
			newRow(o.top, timeMs, false);
		}
		else if (timeMs > row.timeMs) {
			const dt = timeMs - row.timeMs;
			let y = row.y + o.rowGap;
			if (dt >= o.gapThresholdMs) {
				gaps.push({ y: row.y + o.rowGap / 2 + o.gapExtra / 2, dtMs: dt });
				y += o.gapExtra;
			}
			newRow(y, timeMs, false);
		}
		else if (row.slots.has(slot)) {
			newRow(row.y + o.subGap, row.timeMs, true);
		}
		row.slots.add(slot);
		return row.y;
	};
	// the outer side of each line holds state boxes, calls and bar texts, top to bottom: free from this y on
	const outerFree = { client: -Infinity, server: -Infinity };
	const placeOuter = (timeMs, side, slot, topOffset) => {
		let y = place(timeMs, slot);
		if (y - topOffset < outerFree[side]) {
			newRow(outerFree[side] + topOffset, timeMs, true);
			row.slots.add(slot);
			y = row.y;
		}
		return y;
	};
	const outerText = (side, y, lines, cls, fontPx = 10.5) => {
		const right = side === 'server';
		const x = right ? xServer + 8 : xClient - 8;
		const items = lines.map((text, i) => {
			const w = estWidth(text, fontPx);
			const box = addFixed({ x: right ? x : x - w, y: y - 6 + i * 12, w, h: 12 });
			return { text, x, y: y + 4 + i * 12, anchor: right ? 'start' : 'end', cls, box };
		});
		outerFree[side] = Math.max(outerFree[side], y + 6 + (lines.length - 1) * 12 + 3);
		return items;
	};

	const bars = timeBars(mine);
	// a states-only trace (a load run) records no timers: a TIME_WAIT bar then takes the simulation's 2MSL
	const barOpts = { timeWaitMs: mine.some((e) => e.type === 'timer') ? null : (o.timeWaitMs ?? null) };
	const shownWindows = windowsThatMatter(mine);
	const probes = windowProbes(mine);
	const barByStart = new Map(bars.map((b) => [b.startSeq, b]));
	const barByEnd = new Map(bars.filter((b) => b.endSeq != null).map((b) => [b.endSeq, b]));
	const restartBySeq = new Map();
	for (const b of bars) {
		for (const r of b.restarts) {
			restartBySeq.set(r.seq, { bar: b, r });
		}
	}
	const barLabels = [];
	const addBarLabel = (bar, side, y) => {
		const { head, live } = barText(bar, nowMs, t, formatMs, barOpts);
		// the countdown's widest form keeps its room while it counts down
		const lines = [head, ...(live != null ? [live] : [])].flatMap((x) => wrapCall(x, outerW));
		const items = outerText(side, y, lines, 'bar-text');
		if (live != null) {
			items[items.length - 1].cls = 'bar-text bar-live';
		}
		barLabels.push(...items);
		bar.labelItems = items;
	};

	const segs = new Map();
	const states = [];
	const calls = [];
	const markers = [];
	// a call without a pair (a bind() or connect() that failed before a connection existed) gets no tag
	const tag = (e) => (o.tagPairs && e.pair != null ? `p${e.pair} ` : '');
	for (const e of mine) {
		if (e.type === 'state') {
			if (e.endpoint !== 'client' && e.endpoint !== 'server') {
				continue;
			}
			if (row && row.timeMs === e.timeMs && row.slots.has(`${e.endpoint}-call`)) {
				row.slots.add(`${e.endpoint}-out`);
			}
			const y = placeOuter(e.timeMs, e.endpoint, `${e.endpoint}-out`, 9);
			const text = `${tag(e)}${e.to}`;
			// a pair tag that does not fit beside the line goes on a line of its own
			const lines = estWidth(text, 10.5) + 9 > out - 8 && o.tagPairs ? [`p${e.pair}`, e.to] : [text];
			const w = Math.max(...lines.map((x) => estWidth(x, 10.5))) + 9;
			const h = 17 + (lines.length - 1) * 12;
			const right = e.endpoint === 'server';
			const box = addFixed({ x: right ? xOf(e.endpoint) + 5 : xOf(e.endpoint) - 5 - w, y: y - 9, w, h });
			outerFree[e.endpoint] = Math.max(outerFree[e.endpoint], y - 9 + h + 3);
			states.push({ side: e.endpoint, x: xOf(e.endpoint), y, from: e.from, to: e.to, cause: e.cause, timeMs: e.timeMs, seq: e.seq,
				text, lines, box, pair: e.pair });
			const bar = barByStart.get(e.seq);
			if (bar) {
				bar.y1 = y;
				addBarLabel(bar, e.endpoint, outerFree[e.endpoint] + 6);
			}
		}
		else if (e.type === 'call') {
			if (e.endpoint !== 'client' && e.endpoint !== 'server') {
				continue;
			}
			const c = callText(e);
			const mark = (c.errno ? '⚠ ' : '') + (c.completed ? '↳ ' : '');
			const full = `${tag(e)}${c.name}${c.result !== '' ? ` = ${c.result}` : ''}${c.eof}`;
			const lines = wrapCall(mark + full, outerW);
			const underState = row && row.timeMs === e.timeMs && row.slots.has(`${e.endpoint}-out`);
			const y = placeOuter(e.timeMs, e.endpoint, `${e.endpoint}-call`, 6);
			const items = outerText(e.endpoint, y, lines, 'call-text');
			calls.push({ side: e.endpoint, x: xOf(e.endpoint), y, lines, items, full, errno: c.errno, blocking: c.blocking,
				completed: c.completed, timeMs: e.timeMs, seq: e.seq, call: e.call, result: e.result, below: !!underState, pair: e.pair });
			const bar = barByStart.get(e.seq);
			if (bar) {
				bar.y1 = y;
				addBarLabel(bar, e.endpoint, outerFree[e.endpoint] + 6);
			}
			const ended = barByEnd.get(e.seq);
			if (ended && ended.kind === 'LINGER') {
				ended.y2 = y;
			}
		}
		else if (e.type === 'timer') {
			const hit = restartBySeq.get(e.seq);
			if (hit) {
				const y = placeOuter(e.timeMs, e.endpoint, `${e.endpoint}-out`, 6);
				const items = outerText(e.endpoint, y, wrapCall(t('bar.restarted', { name: hit.bar.kind }), outerW), 'bar-text bar-restart');
				markers.push({ side: e.endpoint, x: xOf(e.endpoint), y, items, pair: e.pair, bar: hit.bar, timeMs: e.timeMs, seq: e.seq });
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
	// a step that let the clock run past its last event ("five minutes pass") ends with that pause
	if (o.endMs != null && row && o.endMs - row.timeMs >= o.gapThresholdMs) {
		place(o.endMs, 'end');
	}
	for (const s of states) {
		const b = barByEnd.get(s.seq);
		if (b && b.kind !== 'LINGER') {
			b.y2 = s.y;
		}
	}

	const arrows = [];
	for (const s of segs.values()) {
		const raw = s.raw;
		if (s.y1 === undefined) {
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
			y2 = s.y1 + o.rowGap * 0.4;
			kind = 'dropped';
		}
		else {
			x2 = x1 + (xTo - x1) * 0.4;
			y2 = s.y1 + o.rowGap * 0.4;
			kind = 'inflight';
		}
		const tags = [...s.tags];
		if (probes.has(s.id)) {
			tags.push('probe');
		}
		const own = segmentLabel(raw, compact, { window: shownWindows.get(s.id) ?? null });
		const label = o.tagPairs && raw.pair != null ? tagFirst(own, `p${raw.pair}`) : own;
		arrows.push({
			id: s.id, from: raw.from, to: raw.to, x1, y1: s.y1, x2, y2, kind,
			// a probe is an ordinary new segment: it is tagged, not dashed
			dashed: kind !== 'delivered' || s.tags.size > 0,
			tags, flags: raw.flags || [], relSeq: raw.relSeq, relAck: raw.relAck, len: raw.len,
			answers: raw.answers ?? null, label, pair: raw.pair, raw, events: s.events,
			sentAtMs: s.sentAtMs, deliveredAtMs: s.deliveredAtMs ?? null, droppedAtMs: s.droppedAtMs ?? null,
		});
	}
	arrows.sort((a, b) => a.y1 - b.y1 || a.id - b.id);

	const lastY = rows.length ? rows[rows.length - 1].y : o.top;
	const maxArrowY = arrows.reduce((m, a) => Math.max(m, a.y2), 0);
	const maxOuter = Math.max(outerFree.client, outerFree.server, 0);
	const height = Math.max(lastY, maxArrowY, maxOuter) + o.bottom + (rows.length ? 10 : 30);

	// fixed texts between the lines: "lost" marks, gap marks (moved aside when a mark is there), time labels
	for (const a of arrows) {
		if (a.kind === 'dropped') {
			const toRight = a.x2 > a.x1;
			const text = `✕ ${t('ladder.lost')}`;
			const w = estWidth(text, 11);
			a.lost = { text, x: a.x2 + (toRight ? 12 : -12), y: a.y2 + 4, anchor: toRight ? 'start' : 'end' };
			a.lost.box = addFixed({ x: toRight ? a.lost.x : a.lost.x - w, y: a.y2 - 6, w, h: 13 });
		}
	}

	for (const g of gaps) {
		const text = t('ladder.gap', { dt: formatMs(g.dtMs) });
		const w = estWidth(text, 10.5);
		g.text = text;
		const mid = (xClient + xServer) / 2;
		const cands = [mid, mid - w / 2 - 24, mid + w / 2 + 24, xClient + 6 + w / 2, xServer - 6 - w / 2];
		let box = null;
		for (const cx of cands) {
			box = { x: cx - w / 2, y: g.y - 7, w, h: 13 };
			if (!fixed.near(box, 1).some((x) => overlaps(x.box, box, 1))) {
				g.x = cx;
				break;
			}
			g.x = cx;
		}
		g.box = addFixed(box);
	}
	const times = [];
	const timeFont = compact ? 9 : 10;
	for (const r of rows) {
		if (!r.sub && timeCol > 0) {
			const text = formatMs(r.timeMs);
			const w = estWidth(text, timeFont);
			const prev = times[times.length - 1];
			const box = { x: 2, y: r.y - 5, w, h: 11 };
			if (!prev || !overlaps(prev.box, box)) {
				times.push({ text, x: 2, y: r.y + 4, box: addFixed(box) });
			}
		}
	}
	// segment labels: horizontal, beside their arrow, at the first spot along it that no other text uses
	const placed = new BoxIndex();
	const arrowIndex = new BoxIndex();
	for (const a of arrows) {
		const x = Math.min(a.x1, a.x2);
		const y = Math.min(a.y1, a.y2);
		arrowIndex.add({ x, y, w: Math.abs(a.x2 - a.x1), h: Math.abs(a.y2 - a.y1) }, a);
	}
	let collisions = 0;
	const lo = xClient + 6;
	const hi = xServer - 6;
	for (const a of arrows) {
		const lines = [...a.label];
		const tagText = a.tags.map((x) => tagName(x, t)).join(', ');
		if (tagText) {
			const mark = a.tags.some((x) => ['retransmission', 'duplicate', 'delayed'].includes(x)) ? '↻ ' : a.tags.includes('held') ? '‖ ' : '';
			lines.unshift(`${mark}${tagText}`);
		}
		const w = Math.max(...lines.map((ln) => estWidth(ln, 11)));
		const h = lines.length * 12 + 1;
		let best = null;
		let bestScore = Infinity;
		// a segment that arrives long after it was sent (held, delayed) is about its arrival: its label sits near
		// the end of the arrow, where the reader's eye is
		const late = a.kind === 'delivered' && a.y2 - a.y1 > 4 * o.rowGap;
		const ts = late ? [0.85, 0.78, 0.92, 0.7, 0.6, 0.5] : a.kind === 'delivered' ? [0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85] : [0.45, 0.25, 0.7];
		const aim = late ? 0.85 : 0.5;
		for (const side of [-1, 1]) {
			for (const f of ts) {
				const px = a.x1 + (a.x2 - a.x1) * f;
				const py = a.y1 + (a.y2 - a.y1) * f;
				let x = px - w / 2;
				x = Math.max(lo, Math.min(hi - w, x));
				const y = side < 0 ? py - 3 - h : py + 3;
				const box = { x, y, w, h };
				let score = 0;
				for (const e of fixed.near(box, 1)) {
					if (overlaps(box, e.box, 1)) {
						score += 10;
					}
				}
				for (const e of placed.near(box, 1)) {
					if (overlaps(box, e.box, 1)) {
						score += 10;
					}
				}
				if (box.y < o.top - 14) {
					score += 10;
				}
				// a label lying across another arrow reads as that arrow's label; a late arrival's label belongs at
				// its arrival even so (the arrows there are the story it interrupts)
				for (const { item: other } of arrowIndex.near(box)) {
					if (other !== a && segmentHitsBox(other, box)) {
						score += late ? 0.3 : 1.5;
					}
				}
				score += (late ? 3 : 1) * Math.abs(f - aim) + (side > 0 ? 0.3 : 0);
				if (score < bestScore) {
					bestScore = score;
					best = box;
				}
			}
			if (bestScore < 10) {
				break;
			}
		}
		if (bestScore >= 10) {
			collisions++;
		}
		placed.add(best);
		a.labelBox = best;
		a.labelLines = lines.map((text, i) => ({ text, x: best.x + w / 2, y: best.y + 10 + i * 12, cls: i === 0 && tagText ? 'seg-tag' : 'seg-label' }));
	}
	// outer texts of one side must not run into each other either (they are stacked, so this only trips on bugs)
	for (const e of fixed.all) {
		for (const f of fixed.near(e.box)) {
			if (f !== e && e.box !== f.box && overlaps(e.box, f.box, -0.5)) {
				collisions += 0.5; // each pair is met twice
			}
		}
	}
	collisions = Math.ceil(collisions);
	for (const b of bars) {
		if (b.y1 === undefined) {
			continue;
		}
		b.x = xOf(b.side);
		b.y2 = b.y2 ?? (height - 12);
		b.ongoing = b.endMs == null;
	}

	return {
		width: o.width, height, xClient, xServer, timeCol, out, compact, nowMs,
		rows: rows.map(({ y, timeMs, sub }) => ({ y, timeMs, sub: !!sub })), gaps, arrows, states, calls,
		bars: bars.filter((b) => b.y1 !== undefined), markers, barLabels, times, collisions, barOpts, tagged: !!o.tagPairs,
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

const sideName = (side, t) => t(side === 'server' ? 'side.server' : 'side.client');

/** What happened to a segment, for the table and screen readers: delivered at …, lost, still on its way. */
function fate(a, t, formatMs) {
	if (a.kind === 'delivered') {
		return `${t('table.delivered')} ${formatMs(a.deliveredAtMs)}`;
	}
	return a.kind === 'dropped' ? `✕ ${t('table.dropped')}` : '…';
}

/**
 * The ladder as rows of a table, in time order: {timeMs, seq, side, kind (segment|state|call), what, fresh}.
 * Segments are listed when sent, with their fate; states and calls with the side they belong to.
 */
export function ladderRows(layout, { t, formatMs, freshFromSeq = null }) {
	const isFresh = (seq) => freshFromSeq != null && seq >= freshFromSeq;
	const rows = [];
	for (const a of layout.arrows) {
		const tags = a.tags.map((x) => tagName(x, t)).join(', ');
		rows.push({ timeMs: a.sentAtMs, seq: a.events[0].seq, side: t(a.from === 'client' ? 'table.both' : 'table.back'), kind: 'segment',
			what: [a.label.join(' '), tags, fate(a, t, formatMs)].filter(Boolean).join(' · '), fresh: a.events.some((e) => isFresh(e.seq)) });
	}
	for (const st of layout.states) {
		rows.push({ timeMs: st.timeMs, seq: st.seq, side: sideName(st.side, t), kind: 'state',
			what: `${st.pair != null && layout.tagged ? `p${st.pair} ` : ''}${st.from} → ${st.to}${st.cause ? ` (${st.cause})` : ''}`, fresh: isFresh(st.seq) });
	}
	for (const c of layout.calls) {
		rows.push({ timeMs: c.timeMs, seq: c.seq, side: sideName(c.side, t), kind: 'call', what: c.full, fresh: isFresh(c.seq) });
	}
	return rows.sort((x, y) => x.timeMs - y.timeMs || x.seq - y.seq);
}

// ---------------------------------------------------------------- rendering (browser only)


/**
 * Draws a layout into an <svg>. opts: {t (i18n), formatMs, clientName, serverName, onFocus(arrow|null),
 * freshFromSeq, headerSvg, focusId}. Only SVG text nodes carry data; nothing is parsed as markup. The lines, bars
 * and gaps are drawn first; segments, state changes and calls follow in time order (the order a screen reader
 * reads them), each named with its side. One segment is in the tab order; the arrow keys move between segments.
 * Returns {freshBox (what the step added, in drawing units), tick(nowMs) (live countdowns), highlight(id)}.
 */
export function renderLadder(svg, layout, opts) {
	const { t } = opts;
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
	// what only shows time (lines, the time column, gap lines) is decoration: the items carry their times
	const back = el('g', { class: 'ladder-back', 'aria-hidden': 'true' });
	svg.appendChild(back);
	const lineTop = opts.headerSvg ? 0 : 40;
	back.appendChild(el('line', { x1: layout.xClient, y1: lineTop, x2: layout.xClient, y2: layout.height - 6, class: 'timeline' }));
	back.appendChild(el('line', { x1: layout.xServer, y1: lineTop, x2: layout.xServer, y2: layout.height - 6, class: 'timeline' }));
	for (const tm of layout.times) {
		back.appendChild(el('text', { x: tm.x, y: tm.y, class: `time${layout.compact ? ' time-compact' : ''}` }, tm.text));
	}

	const from = opts.freshFromSeq;
	const isFresh = (seq) => from != null && seq != null && seq >= from;
	const fresh = [];
	const noteFresh = (b) => fresh.push(b);

	// long-lived states as bars along the line; the text gives their true length
	const live = [];
	for (const b of layout.bars) {
		const lengthMs = b.endMs != null ? b.endMs - b.startMs : b.timerMs;
		const g = el('g', { class: `bar bar-${b.kind}${b.ongoing ? ' bar-ongoing' : ''}${isFresh(b.startSeq) ? ' fresh' : ''}`,
			'data-side': b.side, 'data-kind': b.kind, 'data-length-ms': lengthMs != null ? String(Math.round(lengthMs * 1000) / 1000) : '' });
		g.appendChild(el('rect', { x: b.x - 4, y: b.y1, width: 8, height: Math.max(2, b.y2 - b.y1), rx: 2, class: 'bar-rect' }));
		if (b.ongoing) {
			g.appendChild(el('path', { d: `M${b.x - 6},${b.y2} L${b.x},${b.y2 + 8} L${b.x + 6},${b.y2}`, class: 'bar-more' }));
		}
		for (const m of layout.markers.filter((x) => x.bar === b)) {
			g.appendChild(el('line', { x1: b.x - 9, y1: m.y, x2: b.x + 9, y2: m.y, class: 'bar-restart-mark' }));
		}
		for (const it of b.labelItems || []) {
			const text = el('text', { x: it.x, y: it.y, 'text-anchor': it.anchor, class: it.cls }, it.text);
			g.appendChild(text);
			if (it.cls.includes('bar-live')) {
				live.push({ text, bar: b });
			}
		}
		g.appendChild(el('title', {}, `${sideName(b.side, t)}: ${b.kind} ${opts.formatMs(b.startMs)} – ${b.endMs != null ? opts.formatMs(b.endMs) : '…'}`));
		svg.appendChild(g);
		if (isFresh(b.startSeq)) {
			for (const it of b.labelItems || []) {
				noteFresh(it.box);
			}
		}
	}
	for (const g of layout.gaps) {
		const gg = el('g', { class: 'gap' });
		gg.appendChild(el('line', { x1: layout.xClient - 20, y1: g.y, x2: layout.xServer + 20, y2: g.y, class: 'gap-line' }));
		gg.appendChild(el('text', { x: g.x, y: g.y + 4, 'text-anchor': 'middle', class: 'gap-text' }, g.text));
		svg.appendChild(gg);
	}

	// the items, in time order
	const items = [];
	const arrowGroups = new Map();
	const order = [];
	for (const a of layout.arrows) {
		const f = a.events.some((e) => isFresh(e.seq));
		const g = el('g', {
			class: `seg seg-${a.kind} ${a.tags.map((x) => `tag-${x}`).join(' ')}${f ? ' fresh' : ''}`,
			tabindex: -1,
			role: 'button',
			'data-id': a.id,
			'aria-label': arrowAria(a, t, opts.formatMs),
		});
		g.appendChild(el('line', { x1: a.x1, y1: a.y1, x2: a.x2, y2: a.y2, class: 'hit' }));
		g.appendChild(el('line', {
			x1: a.x1, y1: a.y1, x2: a.x2, y2: a.y2,
			class: `shaft${a.dashed ? ' dashed' : ''}`,
			'marker-end': a.kind === 'delivered' ? 'url(#arrow-head)' : null,
		}));
		// the texts in the order the accessible name reads them (label, then "✕ lost")
		// (a trailing space, which SVG does not draw, keeps the lines apart in the text a screen reader gets)
		a.labelLines.forEach((ln, i) => {
			const sep = i < a.labelLines.length - 1 || a.kind === 'dropped' ? ' ' : '';
			g.appendChild(el('text', { x: ln.x, y: ln.y, 'text-anchor': 'middle', class: ln.cls }, ln.text + sep));
		});
		if (a.kind === 'dropped') {
			const sz = 7;
			g.appendChild(el('path', { d: `M${a.x2 - sz},${a.y2 - sz} L${a.x2 + sz},${a.y2 + sz} M${a.x2 + sz},${a.y2 - sz} L${a.x2 - sz},${a.y2 + sz}`, class: 'cross' }));
			g.appendChild(el('text', { x: a.lost.x, y: a.lost.y, 'text-anchor': a.lost.anchor, class: 'lost-text' }, a.lost.text));
		}
		g.appendChild(el('title', {}, arrowAria(a, t, opts.formatMs)));
		if (opts.onFocus) {
			const on = () => opts.onFocus(a);
			g.addEventListener('mouseenter', on);
			g.addEventListener('focus', on);
			g.addEventListener('click', on);
		}
		arrowGroups.set(a.id, g);
		order.push(a.id);
		items.push({ timeMs: a.sentAtMs, seq: a.events[0].seq, node: g });
		if (f) {
			// what must be read: the label (and "✕ lost"); the arrow itself passes next to it
			noteFresh(a.labelBox);
			if (a.lost) {
				noteFresh(a.lost.box);
			}
		}
	}

	// state changes: boxes on the outer side of each line
	for (const st of layout.states) {
		const f = isFresh(st.seq);
		const g = el('g', { class: `state-change state-${st.to}${f ? ' fresh' : ''}`, 'data-side': st.side });
		g.appendChild(el('rect', { x: st.box.x, y: st.box.y, width: st.box.w, height: st.box.h, rx: 3, class: 'state-box' }));
		st.lines.forEach((ln, i) => {
			g.appendChild(el('text', { x: st.box.x + st.box.w / 2, y: st.y + 4 + i * 12, 'text-anchor': 'middle',
				class: i === st.lines.length - 1 ? 'state-text' : 'state-tag' }, ln));
		});
		g.appendChild(el('title', {}, `${sideName(st.side, t)}: ${st.from} → ${st.to}${st.cause ? ` (${st.cause})` : ''} · ${opts.formatMs(st.timeMs)}`));
		g.appendChild(el('circle', { cx: st.x, cy: st.y, r: 3, class: 'state-dot' }));
		items.push({ timeMs: st.timeMs, seq: st.seq, node: g });
		if (f) {
			noteFresh({ y: st.box.y, h: st.box.h });
		}
	}

	// calls beside the lines
	for (const c of layout.calls) {
		const f = isFresh(c.seq);
		const g = el('g', { class: `call${c.errno ? ' call-errno' : ''}${c.blocking ? ' call-blocking' : ''}${f ? ' fresh' : ''}`, 'data-side': c.side });
		for (const it of c.items) {
			g.appendChild(el('text', { x: it.x, y: it.y, 'text-anchor': it.anchor, class: it.cls }, it.text));
		}
		g.appendChild(el('title', {}, `${sideName(c.side, t)}: ${c.full} · ${opts.formatMs(c.timeMs)}`));
		items.push({ timeMs: c.timeMs, seq: c.seq, node: g });
		if (f) {
			for (const it of c.items) {
				noteFresh(it.box);
			}
		}
	}
	for (const m of layout.markers) {
		const g = el('g', { class: 'bar-marker', 'data-side': m.side });
		for (const it of m.items) {
			g.appendChild(el('text', { x: it.x, y: it.y, 'text-anchor': it.anchor, class: it.cls }, it.text));
		}
		items.push({ timeMs: m.timeMs ?? 0, seq: m.seq ?? 0, node: g });
	}
	items.sort((x, y) => x.timeMs - y.timeMs || x.seq - y.seq);
	for (const it of items) {
		svg.appendChild(it.node);
	}

	// one tab stop: the segment asked for, else the step's first new one, else the last
	const firstFresh = layout.arrows.find((a) => a.events.some((e) => isFresh(e.seq)));
	let current = arrowGroups.has(opts.focusId) ? opts.focusId : (firstFresh?.id ?? order[order.length - 1]);
	arrowGroups.get(current)?.setAttribute('tabindex', '0');
	const byTime = [...items].filter((it) => it.node.classList.contains('seg')).map((it) => Number(it.node.getAttribute('data-id')));
	svg.onkeydown = (ev) => {
		const at = byTime.indexOf(Number(ev.target?.closest?.('g.seg')?.getAttribute('data-id')));
		if (at < 0) {
			return;
		}
		const next = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: byTime.length - 1 }[ev.key];
		if (next == null || next < 0 || next >= byTime.length) {
			return;
		}
		ev.preventDefault();
		arrowGroups.get(current)?.setAttribute('tabindex', '-1');
		current = byTime[next];
		const g = arrowGroups.get(current);
		g.setAttribute('tabindex', '0');
		g.focus();
	};

	let freshBox = null;
	if (fresh.length) {
		const top = Math.min(...fresh.map((b) => b.y));
		const bottom = Math.max(...fresh.map((b) => b.y + b.h));
		freshBox = { y: top, h: bottom - top };
	}
	return {
		freshBox,
		tick(nowMs) {
			for (const { text, bar } of live) {
				const x = barText(bar, nowMs, t, opts.formatMs, layout.barOpts).live;
				if (x != null && text.textContent !== x) {
					text.textContent = x;
				}
			}
		},
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
	return t({ retransmission: 'ladder.retrans', duplicate: 'ladder.dup', delayed: 'ladder.delayed', held: 'ladder.held', probe: 'ladder.probe' }[tag] || tag);
}

/**
 * Text that describes one arrow for screen readers and tooltips: first what the arrow shows, in the order it
 * shows it (so the spoken name contains the visible text), then its id, direction, time and what it answers.
 */
export function arrowAria(a, t, formatMs) {
	const shown = (a.labelLines ? a.labelLines.map((l) => l.text) : a.label).join(' ');
	const parts = [a.kind === 'dropped' ? `${shown} ✕ ${t('ladder.lost')}` : shown,
		`#${a.id} ${t(a.from === 'client' ? 'side.client' : 'side.server')} → ${t(a.to === 'client' ? 'side.client' : 'side.server')}`,
		formatMs(a.sentAtMs)];
	if (a.answers != null) {
		parts.push(t('ladder.answers', { id: a.answers }));
	}
	return parts.join(' · ');
}
