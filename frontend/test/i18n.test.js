import test from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage, translate, missingKeys, pick, formatMs } from '../i18n.js';

test('English and Korean have the same keys', () => {
	assert.deepEqual(missingKeys('en', 'ko'), []);
	assert.deepEqual(missingKeys('ko', 'en'), []);
});

test('the language defaults from the browser, an explicit choice wins', () => {
	assert.equal(detectLanguage({ languages: ['ko-KR', 'en-US'] }), 'ko');
	assert.equal(detectLanguage({ languages: ['de-DE', 'en-GB'] }), 'en');
	assert.equal(detectLanguage({ languages: ['fr'] }), 'en');
	assert.equal(detectLanguage({ search: '?lang=ko', languages: ['en'] }), 'ko');
	assert.equal(detectLanguage({ stored: 'en', languages: ['ko'] }), 'en');
	assert.equal(detectLanguage({ search: '?lang=xx', stored: 'zz', languages: [] }), 'en');
});

test('placeholders are filled and unknown keys fall back', () => {
	assert.equal(translate('en', 'scenarios.step', { n: 2, total: 5 }), 'Step 2 of 5');
	assert.equal(translate('ko', 'scenarios.step', { n: 2, total: 5 }), '5단계 중 2단계');
	assert.equal(translate('ko', 'no.such.key'), 'no.such.key');
	assert.equal(translate('xx', 'side.client'), 'Client');
});

test('localised API values are picked with a fallback', () => {
	assert.equal(pick({ en: 'Normal close', ko: '정상 종료' }, 'ko'), '정상 종료');
	assert.equal(pick({ en: 'Only English' }, 'ko'), 'Only English');
	assert.equal(pick('plain', 'ko'), 'plain');
	assert.equal(pick(null, 'en'), '');
});

test('virtual times read naturally', () => {
	assert.equal(formatMs(0), '0 ms');
	assert.equal(formatMs(2.5), '2.5 ms');
	assert.equal(formatMs(207.25), '207.3 ms');
	assert.equal(formatMs(1500), '1.5 s');
	assert.equal(formatMs(59990), '59.99 s');
	assert.equal(formatMs(60050), '60.05 s');
	assert.equal(formatMs(240000), '4 min');
	assert.equal(formatMs(125000), '2 min 5 s');
	assert.equal(formatMs(null), '–');
	assert.equal(formatMs(125000, 'ko'), '2분 5초', 'no "min" in Korean');
	assert.equal(formatMs(240000, 'ko'), '4분');
});

test('engine notes keep their English text and are translated by code in Korean', async () => {
	const { noteText } = await import('../i18n.js');
	const n = { code: 'TIME_WAIT_ACK_RESENT_FIN', text: 'TIME_WAIT ACKs the retransmitted FIN and restarts its 2MSL timer' };
	assert.equal(noteText('en', n), n.text);
	assert.match(noteText('ko', n), /재전송된 FIN/);
	assert.equal(noteText('ko', { code: 'SOMETHING_NEW', text: 'new note' }), 'new note');
	// a fault note keeps its segment and side; a note with values keeps them
	assert.equal(noteText('ko', { code: 'FAULT_RULE', text: 'DROP 1 ACK segment(s) sent by the client' }),
		'네트워크 장애 규칙: 클라이언트가 보내는 ACK 세그먼트 1개를 손실시킴');
	assert.match(noteText('ko', { code: 'FAULT_RULE', text: 'DELAY 1 DATA segment(s) sent by the server by 35 ms' }), /서버가 보내는 DATA 세그먼트 1개를 35 ms 지연시킴/);
	assert.match(noteText('ko', { code: 'ACK_RATE_LIMITED', text: 'TIME_WAIT ACK suppressed: one per 500 ms (RFC 5961 §7)' }), /500 ms에/);
	assert.equal(noteText('ko', { code: 'SHUT_RD_FLUSH', text: 'something else' }), 'something else', 'an unexpected text stays English');
});
