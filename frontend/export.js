// Reproduction snippets: turn the actions a user took in the page into a curl or Python script that replays
// them on a fresh simulation with the same seed. Realtime pauses become explicit clock advances on a manual
// clock, so the replay yields the same trace.

/**
 * Normalises the action log into requests: [{method, path, body}] with "{SIM}" standing for the simulation id.
 * actions: [{op:'create', body, atMs:0}, {op:'pair', body, atMs}, {op:'event', pair, body, atMs}], endMs = now.
 */
export function replayRequests(actions, endMs = null) {
	const out = [];
	let lastMs = 0;
	const advanceTo = (ms) => {
		if (ms != null && ms > lastMs + 1e-9) {
			out.push({ method: 'POST', path: '/api/simulations/{SIM}/clock', body: { advanceMs: round(ms - lastMs) } });
			lastMs = ms;
		}
	};
	for (const a of actions) {
		if (a.op === 'create') {
			const body = { ...a.body, clock: 'manual' };
			delete body.speed;
			out.push({ method: 'POST', path: '/api/simulations', body, create: true });
			lastMs = 0;
			continue;
		}
		advanceTo(a.atMs);
		if (a.op === 'pair') {
			out.push({ method: 'POST', path: '/api/simulations/{SIM}/pairs', body: a.body || {} });
			if (a.afterMs != null) {
				lastMs = Math.max(lastMs, a.afterMs);
			}
		}
		else if (a.op === 'event') {
			out.push({ method: 'POST', path: `/api/simulations/{SIM}/pairs/${a.pair}/events`, body: a.body });
		}
		else if (a.op === 'clock' && (a.body?.step || a.body?.runUntilIdle)) {
			out.push({ method: 'POST', path: '/api/simulations/{SIM}/clock', body: a.body });
			if (a.afterMs != null) {
				lastMs = Math.max(lastMs, a.afterMs);
			}
		}
	}
	advanceTo(endMs);
	return out;
}

/**
 * When a pair opened from the page took effect, for the replay: it opens at its first event's virtual time and,
 * because a replay's manual clock runs the handshake, stands afterwards where both ends were ESTABLISHED.
 * (Wall-clock estimates are off by the request's round trip; the trace is not.)
 */
export function pairTiming(events, pairId, fallbackMs = null) {
	const mine = events.filter((e) => e.pair === pairId);
	const est = mine.filter((e) => e.type === 'state' && e.to === 'ESTABLISHED');
	return {
		atMs: mine.length ? mine[0].timeMs : fallbackMs,
		afterMs: est.length ? Math.max(...est.map((e) => e.timeMs)) : fallbackMs,
	};
}

function round(ms) {
	return Math.round(ms * 1000) / 1000;
}

function shellQuote(s) {
	return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

export function curlSnippet(actions, { base = 'http://localhost:8080', endMs = null } = {}) {
	const reqs = replayRequests(actions, endMs);
	const lines = ['#!/bin/sh', '# Replays a tcplab session (same seed, manual clock).', `BASE=${shellQuote(base)}`];
	let haveSim = false;
	for (const r of reqs) {
		const path = r.path.replace('{SIM}', '$SIM');
		const data = r.body !== undefined ? ` -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify(r.body))}` : '';
		if (r.create) {
			lines.push(`SIM=$(curl -s -X POST "$BASE${path}"${data} | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')`);
			lines.push('echo "simulation $SIM"');
			haveSim = true;
		}
		else {
			lines.push(`curl -s -X ${r.method} "$BASE${path}"${data}; echo`);
		}
	}
	if (haveSim) {
		lines.push('curl -s "$BASE/api/simulations/$SIM/trace" > trace.json');
		lines.push('curl -s -o trace.pcap "$BASE/api/simulations/$SIM/trace.pcap"');
	}
	return lines.join('\n') + '\n';
}

export function pythonSnippet(actions, { base = 'http://localhost:8080', endMs = null } = {}) {
	const reqs = replayRequests(actions, endMs);
	const lines = [
		'# Replays a tcplab session (same seed, manual clock). Standard library only.',
		'import json, urllib.request',
		'',
		`BASE = ${JSON.stringify(base)}`,
		'',
		'def call(method, path, body=None):',
		'    data = None if body is None else json.dumps(body).encode()',
		'    req = urllib.request.Request(BASE + path, data=data, method=method,',
		'                                 headers={"Content-Type": "application/json"})',
		'    with urllib.request.urlopen(req) as res:',
		'        raw = res.read()',
		'        return json.loads(raw) if raw and "json" in res.headers.get("Content-Type", "") else raw',
		'',
	];
	for (const r of reqs) {
		const body = r.body !== undefined ? `, ${pyLiteral(r.body)}` : '';
		if (r.create) {
			lines.push(`sim = call("POST", "/api/simulations"${body})["id"]`);
		}
		else {
			const path = r.path.includes('{SIM}') ? `f"${r.path.replace('{SIM}', '{sim}')}"` : JSON.stringify(r.path);
			const expr = `call("${r.method}", ${path}${body})`;
			lines.push(r.path.endsWith('/events') ? `print(${JSON.stringify(r.body?.type ?? '')}, ${expr}["result"])` : expr);
		}
	}
	lines.push('');
	lines.push('trace = call("GET", f"/api/simulations/{sim}/trace")');
	lines.push('for e in trace["events"]:');
	lines.push('    if e["type"] == "state":');
	lines.push('        print(e["timeMs"], e["endpoint"], e["from"], "->", e["to"], e["cause"])');
	lines.push('open("trace.pcap", "wb").write(call("GET", f"/api/simulations/{sim}/trace.pcap"))');
	return lines.join('\n') + '\n';
}

/** JSON → Python literal (true/false/null become True/False/None). */
export function pyLiteral(v) {
	if (v === null || v === undefined) {
		return 'None';
	}
	if (v === true) {
		return 'True';
	}
	if (v === false) {
		return 'False';
	}
	if (typeof v === 'number') {
		return String(v);
	}
	if (typeof v === 'string') {
		return JSON.stringify(v);
	}
	if (Array.isArray(v)) {
		return `[${v.map(pyLiteral).join(', ')}]`;
	}
	return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`).join(', ')}}`;
}
