// "Quiz me": before a guided step is revealed, one question generated from that step's expectations (the
// scenario data says what the step does; nothing here knows an answer). Distractors come from generic pools.
// Pure functions; the page draws the question.

export const STATES = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT',
	'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
export const RESULTS = ['0', 'EPIPE', 'ENOTCONN', 'EBADF', 'ECONNRESET', 'EWOULDBLOCK', 'EADDRINUSE', 'ETIMEDOUT'];
export const FLAG_SETS = ['FIN,ACK', 'ACK', 'RST', 'RST,ACK', 'SYN', 'SYN,ACK', 'PSH,ACK'];
const ORDER = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'];

function flagText(flags) {
	return [...(flags || [])].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)).join(',');
}

/** A small deterministic PRNG (mulberry32), so a step always gets the same choices in the same order. */
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let x = a;
		x = Math.imul(x ^ (x >>> 15), x | 1);
		x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
		return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
	};
}

function shuffle(list, rand) {
	const a = [...list];
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[a[i], a[j]] = [a[j], a[i]];
	}
	return a;
}

/** The correct answer plus up to three distractors from the pool (none equal to the answer), shuffled. */
function choicesFrom(answer, pool, rand, preferred = []) {
	const others = [...new Set([...preferred, ...shuffle(pool, rand)])].filter((x) => x !== answer).slice(0, 3);
	return shuffle([answer, ...others], rand).map((value) => ({ value, correct: value === answer }));
}

/** Expectations that can be asked as a question: positive, met by the run, of a kind we can ask about. */
export function usableExpectations(step) {
	const side = (x) => x === 'client' || x === 'server';
	const known = (v) => v != null && v !== '*';
	return (step?.expectations || []).filter((x) => x && x.negate !== true && x.passed !== false
		&& ((x.kind === 'state' && known(x.to) && side(x.endpoint))
			|| (x.kind === 'call' && x.call && known(x.result) && side(x.endpoint))
			// a segment question asks what is sent: expectations about drops or deliveries are not asked
			|| (x.kind === 'segment' && side(x.from) && (x.event == null || x.event === 'sent')
				&& ((x.flags?.length && !x.flags.includes('*')) || x.retransmission != null))));
}

/** Handshake transitions are the least interesting thing a teardown step can ask. */
function interest(x) {
	if (x.kind === 'state') {
		return ['SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'LISTEN'].includes(x.to) ? 1 : 4;
	}
	if (x.kind === 'call') {
		return String(x.result) !== '0' ? 5 : (['connect', 'accept', 'listen'].includes(x.call) ? 0 : 3);
	}
	return x.retransmission ? 4 : 2;
}

/**
 * One question for a narration step, or null when the step has no usable expectation.
 * @returns {kind, key, params, choices: [{value, label?, correct}], answer, expectation}
 */
export function questionForStep(step, index = 0) {
	const usable = usableExpectations(step);
	if (usable.length === 0) {
		return null;
	}
	let best = usable[0];
	for (const x of usable) {
		if (interest(x) > interest(best)) {
			best = x;
		}
	}
	const rand = rng(1000 + index * 7919 + (step.step ?? index));
	const x = best;
	if (x.kind === 'state') {
		// neighbours of the answer in the RFC figure make better distractors than LISTEN
		const near = { FIN_WAIT_1: ['FIN_WAIT_2', 'CLOSING'], FIN_WAIT_2: ['FIN_WAIT_1', 'TIME_WAIT'], TIME_WAIT: ['CLOSED', 'FIN_WAIT_2'],
			CLOSE_WAIT: ['LAST_ACK', 'FIN_WAIT_1'], LAST_ACK: ['CLOSE_WAIT', 'CLOSED'], CLOSING: ['TIME_WAIT', 'FIN_WAIT_2'],
			CLOSED: ['TIME_WAIT', 'LAST_ACK'] }[x.to] || [];
		const pool = STATES.filter((s) => s !== x.from);
		const from = x.from && x.from !== '*' ? x.from : null;
		return { kind: 'state', key: from ? 'quiz.q.state.from' : 'quiz.q.state', params: { side: x.endpoint, from },
			choices: choicesFrom(x.to, pool, rand, near.filter((s) => s !== x.from)), answer: x.to, expectation: x };
	}
	if (x.kind === 'call') {
		const answer = String(x.result);
		const pool = /^\d+$/.test(answer) && answer !== '0' ? [...RESULTS, '0'] : RESULTS;
		return { kind: 'call', key: 'quiz.q.call', params: { side: x.endpoint, call: x.call },
			choices: choicesFrom(answer, pool, rand), answer, expectation: x };
	}
	if (x.flags?.length && !x.flags.includes('*')) {
		const answer = flagText(x.flags);
		return { kind: 'segment', key: 'quiz.q.segment', params: { side: x.from },
			choices: choicesFrom(answer, FLAG_SETS, rand), answer, expectation: x };
	}
	const answer = x.retransmission ? 'retransmission' : 'new';
	return { kind: 'segment-retrans', key: 'quiz.q.segment.retrans', params: { side: x.from, flags: '' },
		choices: shuffle(['new', 'retransmission'], rand).map((value) => ({ value, correct: value === answer, labelKey: `quiz.${value === 'new' ? 'new' : 'retrans'}` })),
		answer, expectation: x };
}

/** Score bookkeeping: answers is {stepIndex: boolean}. */
export function score(answers) {
	const v = Object.values(answers || {});
	return { right: v.filter(Boolean).length, total: v.length };
}
