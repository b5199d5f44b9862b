// REST client and WebSocket stream for the tcplab service (docs/api.md).

export class ApiError extends Error {
	constructor(status, problem) {
		super(problem?.detail || problem?.title || `HTTP ${status}`);
		this.status = status;
		this.problem = problem || {};
	}
}

export function createApi(base = '', fetchImpl = (...a) => fetch(...a)) {
	const request = async (method, path, body) => {
		const init = { method, headers: { Accept: 'application/json, application/problem+json' } };
		if (body !== undefined) {
			init.headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(body);
		}
		const res = await fetchImpl(base + path, init);
		if (res.status === 204) {
			return null;
		}
		let data = null;
		const text = await res.text();
		if (text) {
			try {
				data = JSON.parse(text);
			}
			catch {
				data = { detail: text };
			}
		}
		if (!res.ok) {
			throw new ApiError(res.status, data);
		}
		return data;
	};
	const sim = (id) => `/api/simulations/${encodeURIComponent(id)}`;
	return {
		createSimulation: (body) => request('POST', '/api/simulations', body),
		getSimulation: (id) => request('GET', sim(id)),
		deleteSimulation: (id) => request('DELETE', sim(id)),
		openPair: (id, body) => request('POST', `${sim(id)}/pairs`, body),
		event: (id, pairId, body) => request('POST', `${sim(id)}/pairs/${pairId}/events`, body),
		clock: (id, body) => request('POST', `${sim(id)}/clock`, body),
		trace: (id, since = 0) => request('GET', `${sim(id)}/trace?since=${since}`),
		scenarios: () => request('GET', '/api/scenarios'),
		runScenario: (name, body) => request('POST', `/api/scenarios/${encodeURIComponent(name)}/runs`, body || {}),
		pcapUrl: (id) => `${base}${sim(id)}/trace.pcap`,
		traceUrl: (id) => `${base}${sim(id)}/trace`,
	};
}

/** Routes one stream message to the handlers: snapshot, event, clock, closed, truncated. */
export function dispatchStreamMessage(msg, h) {
	switch (msg?.type) {
		case 'snapshot':
			h.snapshot?.(msg.simulation, msg.nextSeq);
			break;
		case 'clock':
			h.clock?.(msg);
			break;
		case 'closed':
			h.closed?.(msg.reason);
			break;
		case 'error':
			h.error?.(msg);
			break;
		case 'heartbeat':
			break;
		case 'state':
		case 'segment':
		case 'call':
		case 'timer':
		case 'note':
		case 'census':
			h.event?.(msg);
			break;
		default:
			break;
	}
}

/**
 * Follows a simulation over WebSocket, resuming from the last seen seq after a drop. If the socket cannot be
 * opened at all, onUnavailable() is called once so the caller can poll instead.
 */
export function connectStream(location, id, getSince, h) {
	let ws = null;
	let stopped = false;
	let everOpened = false;
	let failures = 0;
	const open = () => {
		if (stopped) {
			return;
		}
		const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
		try {
			ws = new WebSocket(`${proto}//${location.host}/ws/simulations/${encodeURIComponent(id)}?since=${getSince()}`);
		}
		catch {
			h.unavailable?.();
			return;
		}
		ws.onopen = () => {
			everOpened = true;
			failures = 0;
			h.status?.('live');
		};
		ws.onmessage = (m) => {
			let msg;
			try {
				msg = JSON.parse(m.data);
			}
			catch {
				return;
			}
			dispatchStreamMessage(msg, h);
		};
		ws.onclose = () => {
			if (stopped) {
				return;
			}
			failures++;
			if (!everOpened && failures >= 2) {
				h.unavailable?.();
				return;
			}
			h.status?.('reconnecting');
			setTimeout(open, Math.min(5000, 300 * 2 ** failures));
		};
	};
	open();
	return {
		close() {
			stopped = true;
			ws?.close();
		},
	};
}
