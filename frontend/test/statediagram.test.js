import test from 'node:test';
import assert from 'node:assert/strict';
import { NODES, EDGES, nodeFor, diagramFocus, edgeGeometry, DIAGRAM_W, DIAGRAM_H } from '../statediagram.js';
import { deriveEndpoints } from '../store.js';
import { normalClose } from './fixtures.js';

test('the figure has all eleven RFC 9293 states and every edge joins two of them', () => {
	const labels = new Set(Object.values(NODES).map((n) => n.label));
	for (const s of ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT']) {
		assert.ok(labels.has(s), s);
	}
	for (const e of EDGES) {
		assert.ok(NODES[e.from] && NODES[e.to], `${e.from} → ${e.to}`);
	}
	for (const n of Object.values(NODES)) {
		assert.ok(n.x > 0 && n.x < DIAGRAM_W && n.y > 0 && n.y < DIAGRAM_H);
	}
});

test('CLOSED is the top node before a connection and the bottom node after it', () => {
	assert.equal(nodeFor('CLOSED', []), 'CLOSED');
	assert.equal(nodeFor('CLOSED', ['CLOSED', 'SYN_SENT']), 'CLOSED');
	assert.equal(nodeFor('CLOSED', ['ESTABLISHED', 'FIN_WAIT_1', 'TIME_WAIT']), 'CLOSED_END');
	assert.equal(nodeFor('TIME_WAIT'), 'TIME_WAIT');
});

test('the last transition of the normal close is the 2MSL timeout edge', () => {
	const ep = deriveEndpoints(normalClose())[1];
	const c = diagramFocus(ep.client);
	assert.equal(c.current, 'CLOSED_END');
	assert.deepEqual(c.edge, { from: 'TIME_WAIT', to: 'CLOSED_END', inFigure: true });
	assert.equal(c.cause, 'TIME_WAIT timer');
	const s = diagramFocus(ep.server);
	assert.deepEqual(s.edge, { from: 'LAST_ACK', to: 'CLOSED_END', inFigure: true });
});

test('a transition the figure does not draw is still emphasised', () => {
	const ep = { state: 'CLOSED', history: ['ESTABLISHED', 'CLOSED'], last: { from: 'ESTABLISHED', to: 'CLOSED', cause: 'abort: RST sent' } };
	const f = diagramFocus(ep);
	assert.deepEqual(f.edge, { from: 'ESTABLISHED', to: 'CLOSED_END', inFigure: false });
	assert.equal(diagramFocus(null).current, null);
});

test('edges start and end on the box borders', () => {
	const g = edgeGeometry('ESTABLISHED', 'FIN_WAIT_1');
	assert.ok(g.y1 > NODES.ESTABLISHED.y && g.y2 < NODES.FIN_WAIT_1.y);
});
