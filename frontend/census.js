// Census over time (article situation 4: a busy server that closes first collects TIME_WAITs): one line per
// state, the peak of TIME_WAIT, and the calls that failed (connect() = EADDRNOTAVAIL when the ports run out).
// Pure series maths plus a small SVG renderer.

import { el } from './svg.js';

export const CENSUS_STATES = ['ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'FIN_WAIT_2', 'LAST_ACK', 'FIN_WAIT_1'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '4 4'];

/**
 * Counts per state after every instant of the trace, from its state changes: exact over the whole run (the
 * engine's census events are taken only every so often, and only while a load runs). Needs the trace from seq 0.
 */
function fromStates(events) {
	const counts = Object.fromEntries(CENSUS_STATES.map((s) => [s, 0]));
	const times = [];
	const rows = [];
	let at = null;
	const push = () => {
		times.push(at);
		rows.push({ ...counts });
	};
	for (const e of events) {
		if (e.type !== 'state') {
			continue;
		}
		if (at !== null && e.timeMs !== at) {
			push();
		}
		at = e.timeMs;
		if (e.from in counts) {
			counts[e.from]--;
		}
		if (e.to in counts) {
			counts[e.to]++;
		}
	}
	if (at !== null) {
		push();
	}
	return { times, rows };
}

/** The engine's census events (a trace that does not reach back to seq 0). */
function fromCensusEvents(events) {
	const census = events.filter((e) => e.type === 'census' && e.counts);
	return { times: census.map((e) => e.timeMs), rows: census.map((e) => e.counts) };
}

/**
 * {times:[ms], series:{STATE:[n]}, max, peak: {state, n, timeMs} of TIME_WAIT, failures: [{timeMs, call, errno}]}
 * for the states that are ever non-zero. Drawn for traces with census events and for loads.
 */
export function censusSeries(events, { load = false, endMs = null } = {}) {
	const hasCensus = events.some((e) => e.type === 'census');
	if (!hasCensus && !load) {
		return { times: [], series: {}, max: 0, peak: null, failures: [] };
	}
	const complete = events.length > 0 && events[0].seq === 0;
	const { times, rows } = complete ? fromStates(events) : fromCensusEvents(events);
	if (endMs != null && rows.length && endMs > times[times.length - 1]) {
		// the counts hold until the moment shown
		times.push(endMs);
		rows.push(rows[rows.length - 1]);
	}
	const series = {};
	let max = 0;
	for (const s of CENSUS_STATES) {
		const values = rows.map((r) => Number(r[s] ?? 0));
		if (values.some((v) => v > 0)) {
			series[s] = values;
			max = Math.max(max, ...values);
		}
	}
	let peak = null;
	(series.TIME_WAIT || []).forEach((n, i) => {
		if (!peak || n > peak.n) {
			peak = { state: 'TIME_WAIT', n, timeMs: times[i] };
		}
	});
	const failures = events.filter((e) => e.type === 'call' && typeof e.result === 'string' && /^E[A-Z]+$/.test(e.result))
		.map((e) => ({ timeMs: e.timeMs, call: e.call, errno: e.result, side: e.endpoint }));
	return { times, series, max, peak, failures };
}

/** The chart's words: its title and what a screen reader hears (the peak and the failures). */
export function censusSummary(data, t, formatMs) {
	const parts = [t('timers.censusChart')];
	if (data.peak) {
		parts.push(t('census.peakText', { state: data.peak.state, n: data.peak.n, at: formatMs(data.peak.timeMs) }));
	}
	for (const f of data.failures.slice(0, 3)) {
		parts.push(t('census.failedText', { call: `${f.call}()`, errno: f.errno, at: formatMs(f.timeMs) }));
	}
	return parts.join('. ');
}

/**
 * Draws the series, the TIME_WAIT peak and the failed calls; returns false (and draws nothing) when there are
 * fewer than two points.
 */
export function renderCensus(svg, data, { formatMs, title, t = null, compact = false }) {
	while (svg.firstChild) {
		svg.removeChild(svg.firstChild);
	}
	if (data.times.length < 2 || data.max === 0) {
		return false;
	}
	// a phone: a narrower drawing (so its text is not scaled down) with the legend under the plot
	const W = compact ? 360 : 520;
	const H = compact ? 210 : 170;
	const L = compact ? 34 : 44;
	const R = compact ? 8 : 118;
	const T = 20;
	const B = compact ? 64 : 24;
	const legendAt = (i) => (compact ? { x: L + (i % 2) * 160, y: H - 40 + Math.floor(i / 2) * 14 } : { x: W - R + 6, y: 14 + i * 22 });
	svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
	const t0 = data.times[0];
	const t1 = data.times[data.times.length - 1];
	const x = (tm) => L + ((tm - t0) / Math.max(1e-9, t1 - t0)) * (W - L - R);
	const y = (v) => T + (1 - v / data.max) * (H - T - B);
	svg.appendChild(el('title', {}, title));
	svg.appendChild(el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
	svg.appendChild(el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
	svg.appendChild(el('text', { x: L - 4, y: T + 8, 'text-anchor': 'end', class: 'tick' }, String(data.max)));
	svg.appendChild(el('text', { x: L - 4, y: H - B, 'text-anchor': 'end', class: 'tick' }, '0'));
	svg.appendChild(el('text', { x: L, y: H - B + 14, class: 'tick' }, formatMs(t0)));
	svg.appendChild(el('text', { x: W - R, y: H - B + 14, 'text-anchor': 'end', class: 'tick' }, formatMs(t1)));
	Object.entries(data.series).forEach(([state, values], i) => {
		// a step line: a count holds until the next change
		const pts = [];
		values.forEach((v, k) => {
			if (k > 0) {
				pts.push(`${x(data.times[k]).toFixed(1)},${y(values[k - 1]).toFixed(1)}`);
			}
			pts.push(`${x(data.times[k]).toFixed(1)},${y(v).toFixed(1)}`);
		});
		const dash = DASHES[CENSUS_STATES.indexOf(state)] || '';
		svg.appendChild(el('polyline', { points: pts.join(' '), class: `series s-${state}`, ...(dash ? { 'stroke-dasharray': dash } : {}) }));
		const last = values[values.length - 1];
		const at = legendAt(i);
		svg.appendChild(el('text', { x: at.x + (compact ? 26 : 0), y: at.y, class: `census-legend s-${state}` }, `${state} ${last}`));
		svg.appendChild(compact
			? el('line', { x1: at.x, y1: at.y - 4, x2: at.x + 22, y2: at.y - 4, class: `series s-${state}`, ...(dash ? { 'stroke-dasharray': dash } : {}) })
			: el('line', { x1: at.x, y1: at.y + 5, x2: W - 4, y2: at.y + 5, class: `series s-${state}`, ...(dash ? { 'stroke-dasharray': dash } : {}) }));
	});
	const label = (key, p, fallback) => (t ? t(key, p) : fallback);
	for (const f of data.failures) {
		const fx = x(f.timeMs);
		svg.appendChild(el('line', { x1: fx, y1: T, x2: fx, y2: H - B, class: 'census-fail' }));
		// two short lines beside the mark, on the side with room, low enough to stay clear of the peak label
		const text = label('census.failed', { call: `${f.call}()`, errno: f.errno }, `✕ ${f.call}() = ${f.errno}`);
		const right = fx > (L + W - R) / 2;
		const [first, ...rest] = text.split(' = ');
		const ty = T + 0.6 * (H - T - B);
		svg.appendChild(el('text', { x: right ? fx - 4 : fx + 4, y: ty, 'text-anchor': right ? 'end' : 'start', class: 'census-fail-text' }, first));
		if (rest.length) {
			svg.appendChild(el('text', { x: right ? fx - 4 : fx + 4, y: ty + 12, 'text-anchor': right ? 'end' : 'start', class: 'census-fail-text' },
				`= ${rest.join(' = ')}`));
		}
	}
	if (data.peak && data.peak.n > 0) {
		const px = x(data.peak.timeMs);
		const py = y(data.peak.n);
		svg.appendChild(el('circle', { cx: px, cy: py, r: 3.5, class: 'census-peak' }));
		const text = label('census.peak', { state: data.peak.state, n: data.peak.n }, `${data.peak.state} peak ${data.peak.n}`);
		const right = px > (L + W - R) / 2;
		svg.appendChild(el('text', { x: right ? px - 6 : px + 6, y: py - 6, 'text-anchor': right ? 'end' : 'start', class: 'census-peak-text' }, text));
	}
	return true;
}
