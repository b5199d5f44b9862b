// "Quiz me": before a guided step is revealed, one question about it. A question is made only from a claim of the
// step's expectations that the step's own trace shows, phrased from what the screen shows before the step (the
// state each endpoint is in), and about the step's lesson first (an errno, a blocked call, an RST, a
// retransmission, TIME_WAIT) rather than trivia (byte counts). Distractors come from generic pools. Pure functions.

export const STATES = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT',
	'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
export const RESULTS = ['0', 'EPIPE', 'ENOTCONN', 'EBADF', 'ECONNRESET', 'EWOULDBLOCK', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ETIMEDOUT'];
export const FLAG_SETS = ['FIN,ACK', 'ACK', 'RST', 'RST,ACK', 'SYN', 'SYN,ACK', 'PSH,ACK'];
const ORDER = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'];
const SIDES = ['client', 'server'];
const HANDSHAKE = ['SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'LISTEN'];
// a call that blocked: the answer "it blocks" (the result of a call that has not returned yet)
export const BLOCKS = 'pending';

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

/** The correct answer plus up to three distractors (preferred first, none in `exclude`), shuffled. */
function choicesFrom(answer, pool, rand, { preferred = [], exclude = [], labels = {} } = {}) {
	const others = [...new Set([...preferred, ...shuffle(pool, rand)])].filter((x) => x !== answer && !exclude.includes(x)).slice(0, 3);
	return shuffle([answer, ...others], rand).map((value) => ({ value, correct: value === answer, ...(labels[value] ? { labelKey: labels[value] } : {}) }));
}

/** Expectations that can be asked as a question: positive, met by the run, of a kind we can ask about. */
export function usableExpectations(step) {
	const known = (v) => v != null && v !== '*';
	return (step?.expectations || []).filter((x) => x && x.negate !== true && x.passed !== false
		&& ((x.kind === 'state' && known(x.to) && SIDES.includes(x.endpoint))
			|| (x.kind === 'call' && x.call && known(x.result) && SIDES.includes(x.endpoint))
			// a segment question asks what is sent: expectations about drops or deliveries are not asked
			|| (x.kind === 'segment' && SIDES.includes(x.from) && (x.event == null || x.event === 'sent')
				&& x.flags?.length && !x.flags.includes('*'))));
}

const inStep = (step, e) => e.seq >= step.fromSeq && e.seq < step.toSeq;
const samePair = (x, e) => x.pair == null || e.pair === x.pair;

/** The state an endpoint shows before the step (null when the trace has not mentioned it yet). */
function stateBefore(events, step, pair, side) {
	let s = null;
	for (const e of events) {
		if (e.seq >= step.fromSeq) {
			break;
		}
		if (e.type === 'state' && e.pair === pair && e.endpoint === side) {
			s = e.to;
		}
	}
	return s;
}

function callArgs(e) {
	const a = e.args || {};
	if (e.call === 'bind' && a.port != null) {
		return String(a.port);
	}
	return '';
}

/**
 * The claims of a step that its trace shows, each as a question candidate with a lesson score (higher first).
 * events: the scenario's whole trace (seq order); narration: every step (for contrasts with earlier steps).
 */
export function claims(step, events) {
	if (!step || !events?.length || step.fromSeq == null) {
		return [];
	}
	const mine = events.filter((e) => inStep(step, e));
	const out = [];
	usableExpectations(step).forEach((x, order) => {
		const c = x.kind === 'state' ? stateClaim(x, step, events, mine) : x.kind === 'call' ? callClaim(x, step, events, mine) : segmentClaim(x, mine);
		if (c) {
			out.push({ ...c, order, expectation: x });
		}
	});
	// the lesson first: an errno, a blocked call, an RST, a retransmission, TIME_WAIT (by weight); then the
	// first claim in the author's order (scenario authors list the step's point first); the handshake and
	// close() = 0 last
	const tier = (c) => (c.score >= 7 ? 2 : c.score >= 3 ? 1 : 0);
	return out.sort((a, b) => tier(b) - tier(a) || (tier(a) === 2 ? b.score - a.score : 0) || a.order - b.order);
}

function stateClaim(x, step, events, mine) {
	const states = mine.filter((e) => e.type === 'state' && e.endpoint === x.endpoint && samePair(x, e));
	const pairs = new Set(states.map((e) => e.pair));
	if (states.length === 0 || pairs.size !== 1) {
		return null; // the claim is not in this step's trace, or it is about several connections at once
	}
	const pair = states[0].pair;
	const shown = stateBefore(events, step, pair, x.endpoint);
	const first = states[0];
	const last = states[states.length - 1];
	const fromOk = x.from == null || x.from === '*' || x.from === first.from;
	let form = null;
	let hit = null;
	if (first.to === x.to && fromOk && shown != null && first.from === shown) {
		form = 'next'; // "it is in ESTABLISHED: which state does it enter next?"
		hit = first;
	}
	else if (last.to === x.to) {
		form = 'end'; // "it is in ESTABLISHED now: in which state is it at the end of this step?"
		hit = last;
	}
	if (!form) {
		return null;
	}
	let score = 5;
	if (HANDSHAKE.includes(x.to)) {
		score = 1;
	}
	else if (x.to === 'TIME_WAIT') {
		score = 7;
	}
	else if (x.to === 'CLOSED') {
		// early: an RST or an assassinated TIME_WAIT; in time: the TIME_WAIT timer or the last ACK
		score = hit.from === 'ESTABLISHED' || (hit.from === 'TIME_WAIT' && !/timer/i.test(hit.cause || '')) ? 8 : 4;
	}
	else if (['CLOSE_WAIT', 'LAST_ACK', 'FIN_WAIT_2', 'CLOSING'].includes(x.to)) {
		score = 6;
	}
	return { kind: 'state', form, side: x.endpoint, pair, shown, answer: x.to, score };
}

function callClaim(x, step, events, mine) {
	const want = String(x.result);
	const calls = mine.filter((e) => e.type === 'call' && e.call === x.call && e.endpoint === x.endpoint && samePair(x, e));
	const resultOf = (e) => (e.blocking && !e.completed ? BLOCKS : String(e.result));
	// a call blocked in an earlier step and returning in this one: "what does it return in the end?"
	const completions = calls.filter((e) => e.completed && String(e.result) === want && e.call !== 'connect');
	if (completions.length === 1 && !calls.some((e) => !e.completed)) {
		const e = completions[0];
		return { kind: 'call', form: 'returns', side: x.endpoint, pair: e.pair, call: x.call, args: callArgs(e), answer: want, score: 9 };
	}
	const made = calls.filter((e) => !e.completed);
	const hits = made.filter((e) => resultOf(e) === want || (want === BLOCKS && e.blocking));
	if (hits.length === 0) {
		return null;
	}
	const e = hits[hits.length - 1];
	const same = made.filter((c) => callArgs(c) === callArgs(e));
	let form = 'call';
	if (same.length > 1) {
		if (same[same.length - 1] !== e) {
			return null; // "what does recv() return?" with two different answers in the step
		}
		form = 'last';
	}
	const answer = resultOf(e);
	let score;
	if (answer === BLOCKS || /^E[A-Z]+$/.test(answer)) {
		score = 10;
	}
	else if (x.call === 'recv' && answer === '0') {
		score = 6; // end of file
	}
	else if (['bind', 'connect'].includes(x.call) && answer === '0'
		&& events.some((p) => p.seq < e.seq && p.type === 'call' && p.call === x.call && p.endpoint === x.endpoint && /^E[A-Z]+$/.test(String(p.result)))) {
		score = 8; // it works now where it failed before
	}
	else if (['close', 'shutdown'].includes(x.call)) {
		score = 2;
	}
	else {
		return null; // byte counts, setsockopt() = 0, a first bind(): trivia
	}
	return { kind: 'call', form, side: x.endpoint, pair: e.pair, call: x.call, args: callArgs(e), answer, score };
}

function segmentClaim(x, mine) {
	const sent = mine.filter((e) => e.type === 'segment' && (e.event === 'sent' || e.event === 'duplicated') && e.from === x.from && samePair(x, e));
	const first = sent[0];
	if (!first || flagText(first.flags) !== flagText(x.flags) || (x.retransmission != null && !!first.retransmission !== !!x.retransmission)) {
		return null; // only "what does it send next?", and only when the next segment is the claimed one
	}
	const flags = flagText(first.flags);
	const score = flags.includes('RST') ? 9 : first.retransmission ? 8 : 3;
	return { kind: 'segment', side: x.from, pair: first.pair, answer: flags, retransmission: !!first.retransmission, score };
}

/**
 * One question for a narration step, or null when the step's trace shows none of its claims.
 * @param step the narration entry ({fromSeq, toSeq, expectations})
 * @param index its 0-based index (seeds the order of the choices)
 * @param events the scenario's whole trace
 * @param narration all steps (a pair tag is added when the story has several connections)
 * @returns {kind, key, params, choices: [{value, labelKey?, correct}], answer, expectation}
 */
export function questionForStep(step, index = 0, events = [], narration = [step]) {
	const best = claims(step, events)[0];
	if (!best) {
		return null;
	}
	const rand = rng(1000 + index * 7919 + (step.step ?? index));
	const many = new Set(events.filter((e) => e.pair != null && (e.type === 'state' || e.type === 'segment')).map((e) => e.pair)).size > 1
		&& narration.length > 0;
	const params = { side: best.side, pairTag: many && best.pair != null ? `p${best.pair}` : '' };
	const base = { kind: best.kind, answer: best.answer, expectation: best.expectation };
	if (best.kind === 'state') {
		// neighbours of the answer in the RFC figure make better distractors than LISTEN
		const near = { FIN_WAIT_1: ['FIN_WAIT_2', 'CLOSING'], FIN_WAIT_2: ['FIN_WAIT_1', 'TIME_WAIT'], TIME_WAIT: ['CLOSED', 'FIN_WAIT_2'],
			CLOSE_WAIT: ['LAST_ACK', 'FIN_WAIT_1'], LAST_ACK: ['CLOSE_WAIT', 'CLOSED'], CLOSING: ['TIME_WAIT', 'FIN_WAIT_2'],
			CLOSED: ['TIME_WAIT', 'LAST_ACK'], ESTABLISHED: ['SYN_RECEIVED', 'CLOSED'] }[best.answer] || [];
		// the state it is in now is never offered ("next" and "at the end" are precise: states passed on the way are
		// fair distractors)
		const exclude = best.shown ? [best.shown] : [];
		const key = best.form === 'next' ? 'quiz.q.state.next' : best.shown ? 'quiz.q.state.end' : 'quiz.q.state.endNew';
		return { ...base, key, params: { ...params, from: best.shown },
			choices: choicesFrom(best.answer, STATES.filter((s) => !HANDSHAKE.includes(s) || HANDSHAKE.includes(best.answer)), rand,
				{ preferred: near, exclude }) };
	}
	if (best.kind === 'call') {
		const call = `${best.call}(${best.args})`;
		const key = { returns: 'quiz.q.call.returns', last: 'quiz.q.call.last', call: 'quiz.q.call' }[best.form];
		const labels = { [BLOCKS]: 'quiz.blocks' };
		const preferred = best.call === 'recv' ? ['ECONNRESET', BLOCKS] : best.call === 'close' ? [BLOCKS, 'EWOULDBLOCK'] : ['0'];
		return { ...base, key, params: { ...params, call },
			choices: choicesFrom(best.answer, [...RESULTS, ...(best.form === 'returns' ? [] : [BLOCKS])], rand, { preferred, labels }) };
	}
	// a segment: siblings of the answer (RST and RST,ACK) would both look right
	const family = (f) => (f.includes('RST') ? 'RST' : f.includes('FIN') ? 'FIN' : f.includes('SYN') ? 'SYN' : f);
	const exclude = FLAG_SETS.filter((f) => f !== best.answer && family(f) === family(best.answer));
	if (best.retransmission) {
		const answer = `${best.answer} ↻`;
		const labels = { [answer]: 'quiz.retransOf', nothing: 'quiz.nothing' };
		const choices = choicesFrom(answer, ['RST', 'ACK', 'nothing'], rand, { preferred: ['nothing'], labels })
			.map((c) => (c.value === answer ? { ...c, labelParams: { flags: best.answer } } : c));
		return { ...base, answer, key: 'quiz.q.segment', params, choices };
	}
	return { ...base, key: 'quiz.q.segment', params,
		choices: choicesFrom(best.answer, [...FLAG_SETS, 'nothing'], rand, { exclude, labels: { nothing: 'quiz.nothing' } }) };
}

/** Score bookkeeping: answers is {stepIndex: boolean}. */
export function score(answers) {
	const v = Object.values(answers || {});
	return { right: v.filter(Boolean).length, total: v.length };
}

/** A question's text in the page's language (t translates; the side is named, with its pair when several). */
export function questionText(q, t) {
	const side = SIDES.includes(q.params.side) ? t(`quiz.side.${q.params.side}`) : q.params.side;
	return t(q.key, { ...q.params, side: q.params.pairTag ? `${q.params.pairTag} ${side}` : side });
}

/** A choice's text: a phrase to translate (it blocks, a retransmission) or a value shown as it is (a state, an errno). */
export function choiceText(choice, t) {
	return choice.labelKey ? t(choice.labelKey, choice.labelParams || {}) : choice.value;
}
