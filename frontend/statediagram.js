// The RFC 9293 §3.3.2 connection state diagram, drawn once per endpoint: current state highlighted, the last
// transition's arrow emphasised with its cause. CLOSED appears twice as in the RFC figure: at the top (before
// the connection) and at the bottom (after it).

import { el } from './svg.js';

export const NODE_W = 114;
export const NODE_H = 26;

/** Node positions (centre) in a 360 × 324 drawing. */
export const NODES = {
	CLOSED: { x: 180, y: 18, label: 'CLOSED' },
	LISTEN: { x: 180, y: 60, label: 'LISTEN' },
	SYN_RECEIVED: { x: 62, y: 102, label: 'SYN_RECEIVED' },
	SYN_SENT: { x: 298, y: 102, label: 'SYN_SENT' },
	ESTABLISHED: { x: 180, y: 144, label: 'ESTABLISHED' },
	FIN_WAIT_1: { x: 62, y: 192, label: 'FIN_WAIT_1' },
	CLOSE_WAIT: { x: 298, y: 192, label: 'CLOSE_WAIT' },
	FIN_WAIT_2: { x: 62, y: 244, label: 'FIN_WAIT_2' },
	CLOSING: { x: 180, y: 244, label: 'CLOSING' },
	LAST_ACK: { x: 298, y: 244, label: 'LAST_ACK' },
	TIME_WAIT: { x: 62, y: 304, label: 'TIME_WAIT' },
	CLOSED_END: { x: 298, y: 304, label: 'CLOSED' },
};

export const DIAGRAM_W = 360;
export const DIAGRAM_H = 324;

/** The transitions of the RFC figure, with its own edge labels (event / action). */
export const EDGES = [
	{ from: 'CLOSED', to: 'LISTEN', label: 'passive OPEN' },
	{ from: 'CLOSED', to: 'SYN_SENT', label: 'active OPEN / snd SYN' },
	{ from: 'LISTEN', to: 'SYN_RECEIVED', label: 'rcv SYN / snd SYN,ACK' },
	{ from: 'LISTEN', to: 'SYN_SENT', label: 'SEND / snd SYN' },
	{ from: 'SYN_SENT', to: 'SYN_RECEIVED', label: 'rcv SYN / snd ACK' },
	{ from: 'SYN_RECEIVED', to: 'ESTABLISHED', label: 'rcv ACK of SYN' },
	{ from: 'SYN_SENT', to: 'ESTABLISHED', label: 'rcv SYN,ACK / snd ACK' },
	{ from: 'SYN_RECEIVED', to: 'FIN_WAIT_1', label: 'CLOSE / snd FIN' },
	{ from: 'ESTABLISHED', to: 'FIN_WAIT_1', label: 'CLOSE / snd FIN' },
	{ from: 'ESTABLISHED', to: 'CLOSE_WAIT', label: 'rcv FIN / snd ACK' },
	{ from: 'FIN_WAIT_1', to: 'FIN_WAIT_2', label: 'rcv ACK of FIN' },
	{ from: 'FIN_WAIT_1', to: 'CLOSING', label: 'rcv FIN / snd ACK' },
	{ from: 'FIN_WAIT_2', to: 'TIME_WAIT', label: 'rcv FIN / snd ACK' },
	{ from: 'CLOSING', to: 'TIME_WAIT', label: 'rcv ACK of FIN' },
	{ from: 'CLOSE_WAIT', to: 'LAST_ACK', label: 'CLOSE / snd FIN' },
	{ from: 'LAST_ACK', to: 'CLOSED_END', label: 'rcv ACK of FIN' },
	{ from: 'TIME_WAIT', to: 'CLOSED_END', label: 'Timeout = 2MSL' },
];

/** Maps an RFC state name to a node of the figure; CLOSED is the bottom node once the connection existed. */
export function nodeFor(state, history = []) {
	if (state !== 'CLOSED') {
		return NODES[state] ? state : null;
	}
	const wasConnected = history.some((s) => s && s !== 'CLOSED' && s !== 'LISTEN' && s !== 'SYN_SENT');
	return wasConnected ? 'CLOSED_END' : 'CLOSED';
}

/**
 * What to emphasise: {current, edge: {from, to, inFigure}, cause}. An RFC transition that the figure does not
 * draw (an RST, an abort, FIN_WAIT_1 → TIME_WAIT) is still shown, as a dashed extra arrow.
 */
export function diagramFocus(endpoint) {
	if (!endpoint || !endpoint.state) {
		return { current: null, edge: null, cause: null };
	}
	const current = nodeFor(endpoint.state, endpoint.history);
	if (!endpoint.last) {
		return { current, edge: null, cause: null };
	}
	const idx = (endpoint.history || []).lastIndexOf(endpoint.last.to);
	const before = idx > 0 ? endpoint.history.slice(0, idx) : [];
	const from = nodeFor(endpoint.last.from, before);
	const to = current;
	const inFigure = EDGES.some((e) => e.from === from && e.to === to);
	return { current, edge: { from, to, inFigure }, cause: endpoint.last.cause ?? null };
}

/** Where an arrow between two nodes starts and ends (on the boxes' borders). */
export function edgeGeometry(fromId, toId) {
	const a = NODES[fromId];
	const b = NODES[toId];
	const clip = (p, q) => {
		const dx = q.x - p.x;
		const dy = q.y - p.y;
		const sx = dx === 0 ? Infinity : (NODE_W / 2) / Math.abs(dx);
		const sy = dy === 0 ? Infinity : (NODE_H / 2) / Math.abs(dy);
		const s = Math.min(sx, sy);
		return { x: p.x + dx * s, y: p.y + dy * s };
	};
	const p1 = clip(a, b);
	const p2 = clip(b, a);
	return { x1: p1.x, y1: p1.y, x2: p2.x, y2: p2.y, mx: (p1.x + p2.x) / 2, my: (p1.y + p2.y) / 2 };
}


/** Draws the diagram for one endpoint into an <svg>. */
export function renderStateDiagram(svg, endpoint, { idPrefix = 'sd' } = {}) {
	while (svg.firstChild) {
		svg.removeChild(svg.firstChild);
	}
	svg.setAttribute('viewBox', `0 0 ${DIAGRAM_W} ${DIAGRAM_H}`);
	const focus = diagramFocus(endpoint);
	const defs = el('defs');
	for (const [id, cls] of [[`${idPrefix}-head`, 'head'], [`${idPrefix}-head-hi`, 'head hi']]) {
		const m = el('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
		m.appendChild(el('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
		defs.appendChild(m);
	}
	svg.appendChild(defs);

	const drawEdge = (from, to, hi, extra) => {
		const g = edgeGeometry(from, to);
		const line = el('line', {
			x1: g.x1, y1: g.y1, x2: g.x2, y2: g.y2,
			class: `edge${hi ? ' edge-hi' : ''}${extra ? ' edge-extra' : ''}`,
			'marker-end': `url(#${idPrefix}-head${hi ? '-hi' : ''})`,
		});
		svg.appendChild(line);
		return g;
	};
	for (const e of EDGES) {
		const hi = focus.edge && focus.edge.inFigure && focus.edge.from === e.from && focus.edge.to === e.to;
		if (!hi) {
			drawEdge(e.from, e.to, false, false);
		}
	}
	let hiGeom = null;
	if (focus.edge && focus.edge.from && focus.edge.to && focus.edge.from !== focus.edge.to) {
		hiGeom = drawEdge(focus.edge.from, focus.edge.to, true, !focus.edge.inFigure);
	}

	for (const [id, n] of Object.entries(NODES)) {
		const cur = focus.current === id;
		const g = el('g', { class: `node${cur ? ' node-current' : ''}`, 'data-state': n.label });
		g.appendChild(el('rect', { x: n.x - NODE_W / 2, y: n.y - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 5 }));
		g.appendChild(el('text', { x: n.x, y: n.y + 4, 'text-anchor': 'middle' }, cur ? `● ${n.label}` : n.label));
		svg.appendChild(g);
	}

	if (hiGeom && focus.cause) {
		const text = focus.cause;
		const w = text.length * 7.4 + 10;
		const x = Math.min(Math.max(hiGeom.mx - w / 2, 2), DIAGRAM_W - w - 2);
		const g = el('g', { class: 'cause' });
		g.appendChild(el('rect', { x, y: hiGeom.my - 9, width: w, height: 17, rx: 3 }));
		g.appendChild(el('text', { x: x + w / 2, y: hiGeom.my + 4, 'text-anchor': 'middle' }, text));
		svg.appendChild(g);
	}
	return focus;
}
