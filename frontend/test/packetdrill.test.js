import test from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE, exportUrl, verdictRows, summary } from '../packetdrill.js';

test('export URL names simulation, pair and side', () => {
	assert.equal(exportUrl('a b', 2, 'server'), '/api/simulations/a%20b/pairs/2/packetdrill?side=server');
});

test('verdicts attach to their script lines; the failing line carries expected and actual', () => {
	const script = '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n`true`\n+0 > S 0:0(0) <...>\n+0 close(3) = 0';
	const rows = verdictRows(script, {
		passed: false,
		lines: [{ line: 1, status: 'ok', message: 'returned 3' }, { line: 2, status: 'skipped', message: 'shell' }, { line: 3, status: 'failed', message: 'x' }],
		failure: { line: 3, message: 'timed out waiting for packet', expected: 'S 0:0(0)', actual: 'nothing sent' },
	});
	assert.deepEqual(rows.map((r) => r.status), ['ok', 'skipped', 'failed', null]);
	assert.equal(rows[2].expected, 'S 0:0(0)');
	assert.equal(rows[2].actual, 'nothing sent');
	assert.equal(rows[2].message, 'timed out waiting for packet');
});

test('summary counts verdicts', () => {
	assert.equal(summary({ passed: true, lines: [{ status: 'ok' }, { status: 'skipped' }] }),
		'passed — 1 ok, 1 skipped, 0 unsupported, 0 failed');
	assert.match(summary({ passed: false, failure: { line: 7 }, lines: [] }), /^failed at line 7/);
});

test('the example is a server-side script with a listen and an accept', () => {
	assert.match(EXAMPLE, /listen\(3, 1\) = 0/);
	assert.match(EXAMPLE, /accept\(3, \.\.\., \.\.\.\) = 4/);
});
