// packetdrill interop in the page (issue 15): run a script in the lab and see it as a ladder, with a verdict per
// script line; export the current pair as a packetdrill script. Self-contained: it builds its own panel, so the page
// only has to call mountPacketdrill().

export const EXAMPLE = `// The lab's endpoint is the server; this script plays the client.
// Client closes first; the server reads EOF and closes (LAST_ACK).
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0

+0    < S 0:0(0) win 65535 <mss 1460>
+0    > S. 0:0(0) ack 1 <...>
+.01  < . 1:1(0) ack 1 win 65535
+0    accept(3, ..., ...) = 4

+.01  < F. 1:1(0) ack 1 win 65535
+0    > . 1:1(0) ack 2
+0    read(4, ..., 1000) = 0

+.01  close(4) = 0
+0    > F. 1:1(0) ack 2
+.01  < . 2:2(0) ack 2 win 65535
`;

/** The packetdrill export URL of one side of a pair. */
export function exportUrl(simId, pairId, side) {
	return `/api/simulations/${encodeURIComponent(simId)}/pairs/${encodeURIComponent(pairId)}/packetdrill?side=${side}`;
}

/**
 * One row per script line: its text and, when the run reached it, its verdict ({status, message}); the failing line
 * also carries expected and actual.
 */
export function verdictRows(script, result) {
	const byLine = new Map((result?.lines || []).map((l) => [l.line, l]));
	const failure = result?.failure || null;
	return script.split('\n').map((text, i) => {
		const line = i + 1;
		const v = byLine.get(line);
		const row = { line, text, status: v ? v.status : null, message: v?.message || '' };
		if (failure && failure.line === line) {
			row.status = 'failed';
			row.message = failure.message;
			row.expected = failure.expected;
			row.actual = failure.actual;
		}
		return row;
	});
}

/** A one-line summary of a run. */
export function summary(result) {
	if (!result) {
		return '';
	}
	const count = (s) => (result.lines || []).filter((l) => l.status === s).length;
	const head = result.passed ? 'passed' : result.failure ? `failed at line ${result.failure.line}` : 'not passed (unsupported lines)';
	return `${head} — ${count('ok')} ok, ${count('skipped')} skipped, ${count('unsupported')} unsupported, ${count('failed')} failed`;
}

const STYLE = `
.pd-panel textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; font-size: .8rem; }
.pd-lines { list-style: none; margin: .4rem 0 0; padding: 0; font-family: ui-monospace, monospace; font-size: .78rem; max-height: 24rem; overflow: auto; }
.pd-lines li { display: grid; grid-template-columns: 2.2rem 6.5rem 1fr; gap: .4rem; padding: 1px 2px; white-space: pre-wrap; }
.pd-lines li.failed { background: #fde2e1; outline: 1px solid #d33; }
.pd-lines .st-ok { color: #1a7f37; } .pd-lines .st-failed { color: #c00; font-weight: bold; }
.pd-lines .st-skipped { color: #777; } .pd-lines .st-unsupported { color: #a60; }
.pd-lines .pd-detail { grid-column: 3; color: #555; }
`;

function el(tag, attrs = {}, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (k === 'class') {
			e.className = v;
		}
		else if (k === 'text') {
			e.textContent = v;
		}
		else {
			e.setAttribute(k, v);
		}
	}
	for (const k of kids) {
		e.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
	}
	return e;
}

/**
 * Builds the panel and wires it. {@code openSimulation(id)} shows a simulation in the page (ladder, state machines);
 * {@code current()} returns {simId, pairId} of what the page shows.
 */
export function mountPacketdrill({ openSimulation, current, fetchImpl = (...a) => fetch(...a) }) {
	const style = el('style');
	style.textContent = STYLE;
	document.head.appendChild(style);
	const area = el('textarea', { id: 'pd-script', rows: '14', spellcheck: 'false', 'aria-label': 'packetdrill script' });
	area.value = EXAMPLE;
	const profile = el('select', { id: 'pd-profile', 'aria-label': 'profile' });
	for (const p of ['linux', 'rfc9293', 'bsd', 'windows']) {
		profile.appendChild(el('option', { value: p, text: p }));
	}
	const run = el('button', { type: 'button', id: 'pd-run', text: 'Run script' });
	const status = el('p', { id: 'pd-status', class: 'hint', 'aria-live': 'polite' });
	const lines = el('ol', { id: 'pd-lines', class: 'pd-lines' });
	const exportClient = el('button', { type: 'button', id: 'pd-export-client', text: 'Export as packetdrill: client' });
	const exportServer = el('button', { type: 'button', id: 'pd-export-server', text: 'Export as packetdrill: server' });
	const panel = el('section', { id: 'packetdrill-panel', class: 'panel pd-panel', 'aria-labelledby': 'pd-h' },
		el('h2', { id: 'pd-h', text: 'packetdrill' }),
		el('p', { class: 'row' }, exportClient, exportServer),
		el('details', { id: 'pd-run-details' },
			el('summary', { text: 'Run a packetdrill script' }),
			el('p', { class: 'hint', text: 'The lab plays the local kernel; the script plays the other end. Each line gets its verdict; the run opens as a simulation.' }),
			area,
			el('p', { class: 'row' }, el('label', {}, 'profile ', profile), run)),
		status, lines);
	// below the ladder and its pinned side column, never inside their two-column grid
	const anchor = document.querySelector('.stage') || document.getElementById('ladder-panel');
	if (anchor && anchor.parentNode) {
		anchor.parentNode.insertBefore(panel, anchor.nextSibling);
	}
	else {
		(document.querySelector('main') || document.body).appendChild(panel);
	}

	const show = (script, result) => {
		while (lines.firstChild) {
			lines.removeChild(lines.firstChild);
		}
		for (const r of verdictRows(script, result)) {
			if (!r.status && !r.text.trim()) {
				continue;
			}
			const li = el('li', { class: r.status || '', 'data-line': String(r.line) },
				el('span', { text: String(r.line) }),
				el('span', { class: `st-${r.status || 'none'}`, text: r.status || '' }),
				el('span', { text: r.text }));
			if (r.message) {
				li.appendChild(el('span', { class: 'pd-detail', text: r.message }));
			}
			if (r.status === 'failed' && (r.expected || r.actual)) {
				li.appendChild(el('span', { class: 'pd-detail', text: `expected: ${r.expected ?? '–'}` }));
				li.appendChild(el('span', { class: 'pd-detail', text: `actual:   ${r.actual ?? '–'}` }));
			}
			lines.appendChild(li);
			if (r.status === 'failed') {
				// keep the page where it is; scroll only the verdict list to the failing line
				lines.scrollTop = Math.max(0, li.offsetTop - lines.offsetTop - 40);
			}
		}
	};

	run.addEventListener('click', async () => {
		const script = area.value;
		status.textContent = 'running…';
		run.disabled = true;
		try {
			const res = await fetchImpl(`/api/packetdrill/runs?profile=${encodeURIComponent(profile.value)}`, {
				method: 'POST', headers: { 'Content-Type': 'text/plain', Accept: 'application/json, application/problem+json' }, body: script,
			});
			const body = await res.json().catch(() => ({}));
			if (!res.ok) {
				status.textContent = body.detail || `HTTP ${res.status}`;
				show(script, body.line ? { lines: [], failure: { line: body.line, message: body.detail } } : null);
				return;
			}
			status.textContent = summary(body);
			show(script, body);
			await openSimulation(body.simulationId);
		}
		catch (e) {
			status.textContent = String(e?.message || e);
		}
		finally {
			run.disabled = false;
		}
	});

	const download = async (side) => {
		const { simId, pairId } = current();
		if (!simId || pairId == null || pairId === 'all') {
			status.textContent = 'choose one pair to export';
			return;
		}
		const res = await fetchImpl(exportUrl(simId, pairId, side));
		const text = await res.text();
		if (!res.ok) {
			let detail = text;
			try {
				detail = JSON.parse(text).detail || text;
			}
			catch {
				// not JSON
			}
			status.textContent = detail;
			return;
		}
		const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), download: `tcplab-pair${pairId}-${side}.pkt` });
		document.body.appendChild(a);
		a.click();
		a.remove();
		status.textContent = `exported pair ${pairId}, ${side} side`;
	};
	exportClient.addEventListener('click', () => download('client'));
	exportServer.addEventListener('click', () => download('server'));
	return { panel, show };
}
