// Census over time (article situation 4: a busy server that closes first collects TIME_WAITs): one line per
// state drawn from the trace's census events. Pure series maths plus a small SVG renderer.

import { el } from './svg.js';

export const CENSUS_STATES = ['ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'FIN_WAIT_2', 'LAST_ACK', 'FIN_WAIT_1'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '4 4'];

/** {times:[ms], series:{STATE:[n]}, max} for the states that are ever non-zero. */
export function censusSeries(events) {
	const census = events.filter((e) => e.type === 'census' && e.counts);
	const times = census.map((e) => e.timeMs);
	const series = {};
	let max = 0;
	for (const s of CENSUS_STATES) {
		const values = census.map((e) => Number(e.counts[s] ?? 0));
		if (values.some((v) => v > 0)) {
			series[s] = values;
			max = Math.max(max, ...values);
		}
	}
	return { times, series, max };
}


/** Draws the series; returns false (and draws nothing) when there are fewer than two census points. */
export function renderCensus(svg, data, { formatMs, title }) {
	while (svg.firstChild) {
		svg.removeChild(svg.firstChild);
	}
	if (data.times.length < 2 || data.max === 0) {
		return false;
	}
	const W = 520;
	const H = 170;
	const L = 44;
	const R = 110;
	const T = 10;
	const B = 24;
	svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
	const t0 = data.times[0];
	const t1 = data.times[data.times.length - 1];
	const x = (t) => L + ((t - t0) / Math.max(1e-9, t1 - t0)) * (W - L - R);
	const y = (v) => T + (1 - v / data.max) * (H - T - B);
	svg.appendChild(el('title', {}, title));
	svg.appendChild(el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
	svg.appendChild(el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
	svg.appendChild(el('text', { x: L - 4, y: T + 8, 'text-anchor': 'end', class: 'tick' }, String(data.max)));
	svg.appendChild(el('text', { x: L - 4, y: H - B, 'text-anchor': 'end', class: 'tick' }, '0'));
	svg.appendChild(el('text', { x: L, y: H - 6, class: 'tick' }, formatMs(t0)));
	svg.appendChild(el('text', { x: W - R, y: H - 6, 'text-anchor': 'end', class: 'tick' }, formatMs(t1)));
	Object.entries(data.series).forEach(([state, values], i) => {
		const pts = values.map((v, k) => `${x(data.times[k]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
		const dash = DASHES[CENSUS_STATES.indexOf(state)] || '';
		svg.appendChild(el('polyline', { points: pts, class: `series s-${state}`, ...(dash ? { 'stroke-dasharray': dash } : {}) }));
		const last = values[values.length - 1];
		svg.appendChild(el('text', { x: W - R + 6, y: 14 + i * 22, class: `legend s-${state}` }, `${state} ${last}`));
		svg.appendChild(el('line', { x1: W - R + 6, y1: 19 + i * 22, x2: W - 4, y2: 19 + i * 22, class: `series s-${state}`, ...(dash ? { 'stroke-dasharray': dash } : {}) }));
	});
	return true;
}
