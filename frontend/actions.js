// Control buttons → request bodies for POST …/pairs/{pairId}/events (docs/api.md "Events").

/**
 * Builds the event body for one button. fields are the string values of the side's inputs:
 * how, bytes, seconds, segment, ms.
 */
export function actionRequest(side, action, fields = {}) {
	const num = (v, d) => {
		const n = Number(v);
		return Number.isFinite(n) && String(v ?? '').trim() !== '' ? n : d;
	};
	switch (action) {
		case 'close':
			return { type: 'close', side };
		case 'recv':
			return { type: 'recv', side };
		case 'shutdown':
			return { type: 'shutdown', side, how: fields.how || 'SHUT_WR' };
		case 'send':
			return { type: 'send', side, bytes: num(fields.bytes, 100) };
		case 'linger':
			return { type: 'setsockopt', side, option: 'SO_LINGER', onoff: 1, seconds: num(fields.seconds, 0) };
		case 'abort':
			return { type: 'abort', side };
		case 'lose':
			return { type: 'lose', side, segment: fields.segment || 'ACK', count: 1 };
		case 'duplicate':
			return { type: 'duplicate', side, segment: fields.segment || 'ANY', count: 1 };
		case 'delay':
			return { type: 'delay', side, segment: fields.segment || 'ANY', count: 1, ms: num(fields.ms, 500) };
		case 'hold':
			return { type: 'hold', side, segment: fields.segment || 'ANY', count: 1 };
		case 'release':
			return { type: 'release', side };
		case 'resend-fin':
			return { type: 'resend-fin', side };
		default:
			throw new Error(`unknown action ${action}`);
	}
}

/** How a request reads in the results list: close(), shutdown(SHUT_WR), lose next FIN, … (t localises the words). */
export function describeAction(body, t = null) {
	const tr = (key, en, p) => (t ? t(key, p) : en);
	switch (body.type) {
		case 'close':
		case 'recv':
		case 'abort':
			return `${body.type}()`;
		case 'shutdown':
			return `shutdown(${body.how})`;
		case 'send':
			return `send(${body.bytes})`;
		case 'setsockopt':
			return `setsockopt(SO_LINGER, {${body.onoff}, ${body.seconds}})`;
		case 'lose':
		case 'duplicate':
		case 'hold':
			return tr(`act.${body.type}`, `${body.type} next ${body.segment}`, { segment: body.segment });
		case 'delay':
			return tr('act.delay', `delay next ${body.segment} by ${body.ms} ms`, { segment: body.segment, ms: body.ms });
		case 'release':
			return tr('act.release', 'release held segments');
		case 'resend-fin':
			return tr('act.resendFin', 'resend FIN');
		default:
			return body.type;
	}
}
