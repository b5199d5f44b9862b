// Captures in the page (issue 22, docs/captures.md): pure helpers for the capture panel — what a connection's row
// says, the filters, which rows a virtualised list draws, the trace as the ladder draws it, the upload's content
// type. No DOM and no fetch here (views/capture.js, controllers/capture.js); node --test checks these.

const S = {
	any: { en: 'any', ko: '전체' },
	none: { en: 'no diagnostic', ko: '진단 없음' },
	packets: { en: '{n} packets', ko: '패킷 {n}개' },
};
const tr = (k, lang, p = {}) => (S[k][lang === 'ko' ? 'ko' : 'en']).replace(/\{(\w+)\}/g, (_, n) => p[n] ?? '');

/** `addr:port`, IPv6 in brackets. */
export function endpointText(ep) {
	if (!ep) {
		return '?';
	}
	const a = String(ep.addr ?? ep.address ?? '?');
	return `${a.includes(':') ? `[${a}]` : a}:${ep.port}`;
}

/** What a connection's row says (two short lines): `#n client → server · N packets` and summary · diagnostic codes. */
export function connectionRow(c, lang = 'en') {
	const head = `#${c.id} ${endpointText(c.client)} → ${endpointText(c.server)} · ${tr('packets', lang, { n: c.packets ?? '?' })}`;
	const diags = (c.diagnostics || []).map((d) => d.code);
	return { head, summary: c.summary || '', diags, worst: worstSeverity(c.diagnostics) };
}

const SEVERITY = { info: 1, warning: 2, error: 3 };

/** The most severe diagnostic's severity, or null. */
export function worstSeverity(diagnostics) {
	let worst = null;
	for (const d of diagnostics || []) {
		if (!worst || (SEVERITY[d.severity] || 0) > (SEVERITY[worst] || 0)) {
			worst = d.severity;
		}
	}
	return worst;
}

/** The choices of the filters: diagnostic codes and end states, each with how many connections have it. */
export function filterChoices(connections) {
	const codes = new Map();
	const states = new Map();
	let clean = 0;
	for (const c of connections || []) {
		const own = new Set((c.diagnostics || []).map((d) => d.code));
		if (own.size === 0) {
			clean++;
		}
		own.forEach((code) => codes.set(code, (codes.get(code) || 0) + 1));
		for (const side of ['client', 'server']) {
			const st = c.states?.[side];
			if (st) {
				states.set(st, (states.get(st) || 0) + 1);
			}
		}
	}
	const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([value, count]) => ({ value, count }));
	return { codes: sorted(codes), states: sorted(states), clean };
}

/**
 * The connections a filter keeps: `diag` a diagnostic code ('' any, '-' none), `state` an end state of either side
 * ('' any), `text` words that must all appear in the row's endpoints, summary or codes (case-insensitive).
 */
export function filterConnections(connections, { diag = '', state = '', text = '' } = {}) {
	const words = String(text).toLowerCase().split(/\s+/).filter(Boolean);
	return (connections || []).filter((c) => {
		const codes = (c.diagnostics || []).map((d) => d.code);
		if (diag === '-' ? codes.length > 0 : diag && !codes.includes(diag)) {
			return false;
		}
		if (state && c.states?.client !== state && c.states?.server !== state) {
			return false;
		}
		if (words.length) {
			const hay = `#${c.id} ${endpointText(c.client)} ${endpointText(c.server)} ${c.summary || ''} ${codes.join(' ')}`.toLowerCase();
			return words.every((w) => hay.includes(w));
		}
		return true;
	});
}

/** The label of a filter choice: `CODE (n)`, "any", "no diagnostic (n)". */
export function choiceLabel(choice, lang = 'en') {
	if (choice === 'any') {
		return tr('any', lang);
	}
	if (choice?.none != null) {
		return `${tr('none', lang)} (${choice.none})`;
	}
	return `${choice.value} (${choice.count})`;
}

/**
 * The rows a virtualised list draws: those in view plus `overscan` either side, with the space the others take
 * above and below, so thousands of connections cost a screenful of elements.
 */
export function visibleRange(total, { scrollTop = 0, viewHeight = 400, rowHeight = 48, overscan = 6 } = {}) {
	if (total <= 0) {
		return { start: 0, end: 0, padTop: 0, padBottom: 0 };
	}
	const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
	const start = Math.max(0, Math.min(total - 1, first) - overscan);
	const end = Math.min(total, first + Math.ceil(viewHeight / rowHeight) + 1 + overscan);
	return { start, end, padTop: start * rowHeight, padBottom: (total - end) * rowHeight };
}

/**
 * A connection's trace as the ladder draws it. A capture lists each segment once, as seen at the capture point
 * (`sent`, and `dropped` for a copy the inference says never arrived); the ladder draws an arrow from a send to a
 * delivery, so each segment that was not dropped gets a `delivered`: at the time of the state change it caused at
 * the receiver (the inference places receptions by the capture point), else at the capture time plus `oneWayMs`
 * (half the handshake's round trip, so the arrows slant as in a simulation). Events are ordered by time (stable)
 * and numbered again, so `seq` stays unique and ascending as the store wants.
 */
export function ladderEvents(events, oneWayMs = oneWayDelay(events)) {
	const dropped = new Set();
	const received = new Map();
	for (const e of events || []) {
		if (e.type === 'segment' && e.event === 'dropped') {
			dropped.add(`${e.id}:${e.to}`);
		}
		else if (e.type === 'state' && e.packet != null && !received.has(`${e.packet}:${e.endpoint}`)) {
			received.set(`${e.packet}:${e.endpoint}`, e.timeMs);
		}
	}
	const out = [];
	for (const e of events || []) {
		out.push(e);
		if (e.type === 'segment' && e.event === 'sent' && !dropped.has(`${e.id}:${e.to}`)) {
			const at = received.get(`${e.packet ?? e.id}:${e.to}`);
			out.push({ ...e, event: 'delivered', timeMs: at != null && at >= e.timeMs ? at : e.timeMs + oneWayMs, synthetic: true });
		}
	}
	return out.map((e, i) => ({ e, i }))
		.sort((a, b) => (a.e.timeMs ?? 0) - (b.e.timeMs ?? 0) || a.i - b.i)
		.map(({ e }, seq) => ({ ...e, seq }));
}

/** Half the handshake's round trip (SYN → SYN,ACK → ACK, as the capture saw it), at least 0.05 ms; 1 ms without one. */
export function oneWayDelay(events) {
	const segs = (events || []).filter((e) => e.type === 'segment' && e.event === 'sent');
	const syn = segs.find((e) => e.flags?.includes('SYN') && !e.flags.includes('ACK'));
	const synAck = segs.find((e) => e.flags?.includes('SYN') && e.flags.includes('ACK'));
	const ack = synAck && segs.find((e) => e.timeMs >= synAck.timeMs && e.from === syn?.from && !e.flags?.includes('SYN'));
	if (!syn || !synAck || !ack) {
		return 1;
	}
	return Math.max(0.05, (ack.timeMs - syn.timeMs) / 2);
}

/** The simulation-like record the store shows for a capture's connection (its pair = the connection). */
export function captureSimulation(doc, conn, events) {
	const last = (events || []).reduce((m, e) => Math.max(m, e.timeMs ?? 0), conn?.lastMs ?? 0);
	return {
		id: null,
		profile: doc?.profile || 'linux',
		nowMs: last,
		clock: 'manual',
		paused: true,
		capture: { id: doc?.id, connection: conn?.id },
		pairs: [{ id: conn.id, client: { address: conn.client?.addr, port: conn.client?.port, state: null },
			server: { address: conn.server?.addr, port: conn.server?.port, state: null } }],
	};
}

/** The Content-Type of an upload: pcapng by its name, pcap by its name, else octet-stream (the server reads the magic). */
export function uploadType(name = '') {
	const n = String(name).toLowerCase();
	if (n.endsWith('.pcapng')) {
		return 'application/x-pcapng';
	}
	if (n.endsWith('.pcap') || n.endsWith('.cap')) {
		return 'application/vnd.tcpdump.pcap';
	}
	return 'application/octet-stream';
}

/** A diagnostic as the narration says it: its text in the language, its code and severity, the packets. */
export function diagnosticLine(d, lang = 'en') {
	const text = (d.text && (d.text[lang] || d.text.en)) || d.code;
	return { code: d.code, severity: d.severity || 'info', text, packets: d.packets || [] };
}
