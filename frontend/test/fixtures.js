// Hand-written traces in the engine's JSON shape (TraceEvent records + "type"), used by the unit tests.

function builder() {
	const events = [];
	const add = (e) => events.push({ seq: events.length, pair: 1, ...e });
	const seg = (event, id, from, timeMs, flags, relSeq, relAck, extra = {}) => add({
		type: 'segment', event, id, from, to: from === 'client' ? 'server' : 'client', timeMs,
		src: from === 'client' ? '10.0.0.1:40000' : '10.0.0.2:80', dst: from === 'client' ? '10.0.0.2:80' : '10.0.0.1:40000',
		flags, tcpSeq: (from === 'client' ? 1000 : 5000) + relSeq, ack: flags.includes('ACK') ? (from === 'client' ? 5000 : 1000) + relAck : 0,
		len: 0, window: 65535, retransmission: false, relSeq, relAck, answers: null, ...extra,
	});
	const state = (endpoint, timeMs, from, to, cause) => add({ type: 'state', endpoint, timeMs, from, to, cause });
	const call = (endpoint, timeMs, name, args, result, extra = {}) => add({ type: 'call', endpoint, timeMs, call: name, args, result, blocking: false, completed: false, ...extra });
	const timer = (endpoint, timeMs, name, action, expiresAtMs = null) => add({ type: 'timer', endpoint, timeMs, timer: name, action, expiresAtMs });
	return { events, seg, state, call, timer };
}

function handshake(b) {
	b.state('client', 0, 'CLOSED', 'SYN_SENT', 'connect()');
	b.seg('sent', 1, 'client', 0, ['SYN'], 0, 0);
	b.seg('delivered', 1, 'client', 10, ['SYN'], 0, 0);
	b.state('server', 10, 'LISTEN', 'SYN_RECEIVED', 'rcv SYN');
	b.seg('sent', 2, 'server', 10, ['SYN', 'ACK'], 0, 1, { answers: 1 });
	b.seg('delivered', 2, 'server', 20, ['SYN', 'ACK'], 0, 1, { answers: 1 });
	b.state('client', 20, 'SYN_SENT', 'ESTABLISHED', 'rcv SYN,ACK');
	b.seg('sent', 3, 'client', 20, ['ACK'], 1, 1, { answers: 2 });
	b.seg('delivered', 3, 'client', 30, ['ACK'], 1, 1, { answers: 2 });
	b.state('server', 30, 'SYN_RECEIVED', 'ESTABLISHED', 'rcv ACK of SYN');
}

function firstHalf(b) {
	b.call('client', 1000, 'close', {}, 0);
	b.state('client', 1000, 'ESTABLISHED', 'FIN_WAIT_1', 'close()');
	b.seg('sent', 4, 'client', 1000, ['FIN', 'ACK'], 1, 1);
	b.timer('client', 1000, 'RETRANSMIT', 'armed', 1200);
	b.seg('delivered', 4, 'client', 1010, ['FIN', 'ACK'], 1, 1);
	b.state('server', 1010, 'ESTABLISHED', 'CLOSE_WAIT', 'rcv FIN');
	b.seg('sent', 5, 'server', 1010, ['ACK'], 1, 2, { answers: 4 });
	b.seg('delivered', 5, 'server', 1020, ['ACK'], 1, 2, { answers: 4 });
	b.timer('client', 1020, 'RETRANSMIT', 'cancelled');
	b.state('client', 1020, 'FIN_WAIT_1', 'FIN_WAIT_2', 'rcv ACK of FIN');
	b.call('server', 2000, 'recv', {}, 0);
	b.call('server', 2000, 'close', {}, 0);
	b.state('server', 2000, 'CLOSE_WAIT', 'LAST_ACK', 'close()');
	b.seg('sent', 6, 'server', 2000, ['FIN', 'ACK'], 1, 2);
	b.timer('server', 2000, 'RETRANSMIT', 'armed', 2200);
	b.seg('delivered', 6, 'server', 2010, ['FIN', 'ACK'], 1, 2);
	b.state('client', 2010, 'FIN_WAIT_2', 'TIME_WAIT', 'rcv FIN');
	b.timer('client', 2010, 'TIME_WAIT', 'armed', 62010);
}

/** The article's normal close: client closes first, server reads EOF and closes. */
export function normalClose() {
	const b = builder();
	handshake(b);
	firstHalf(b);
	b.seg('sent', 7, 'client', 2010, ['ACK'], 2, 2, { answers: 6 });
	b.seg('delivered', 7, 'client', 2020, ['ACK'], 2, 2, { answers: 6 });
	b.timer('server', 2020, 'RETRANSMIT', 'cancelled');
	b.state('server', 2020, 'LAST_ACK', 'CLOSED', 'rcv ACK of FIN');
	b.timer('client', 62010, 'TIME_WAIT', 'fired');
	b.state('client', 62010, 'TIME_WAIT', 'CLOSED', 'TIME_WAIT timer');
	return b.events;
}

/** The last ACK is lost; the server retransmits its FIN; TIME_WAIT answers it and restarts. */
export function lostLastAck() {
	const b = builder();
	handshake(b);
	firstHalf(b);
	b.seg('sent', 7, 'client', 2010, ['ACK'], 2, 2, { answers: 6 });
	b.seg('dropped', 7, 'client', 2010, ['ACK'], 2, 2, { answers: 6 });
	b.timer('server', 2200, 'RETRANSMIT', 'fired');
	b.seg('sent', 8, 'server', 2200, ['FIN', 'ACK'], 1, 2, { retransmission: true });
	b.timer('server', 2200, 'RETRANSMIT', 'armed', 2600);
	b.seg('delivered', 8, 'server', 2210, ['FIN', 'ACK'], 1, 2, { retransmission: true });
	b.timer('client', 2210, 'TIME_WAIT', 'restarted', 62210);
	b.seg('sent', 9, 'client', 2210, ['ACK'], 2, 2, { answers: 8 });
	b.seg('delivered', 9, 'client', 2220, ['ACK'], 2, 2, { answers: 8 });
	b.timer('server', 2220, 'RETRANSMIT', 'cancelled');
	b.state('server', 2220, 'LAST_ACK', 'CLOSED', 'rcv ACK of FIN');
	return b.events;
}
