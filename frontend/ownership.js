// Who holds what (docs/decisions.md, "Issue 20"): the simulations this page made, what happens to them when the page
// moves on or is left, the visitor's own list ("My simulations") with keep and delete, and what a refused request
// asks the reader to do. No DOM here: the view is my-simulations.js.
import { translate } from './i18n.js';

/** How long a left simulation waits for a reload before it is deleted (DELETE …?graceMs=). */
export const LEAVE_GRACE_MS = 10000;

/** What a refused request asks the reader to do: the problem's `action`, else its detail, else its title. */
export function problemAction(problem, status) {
	const p = problem || {};
	const wait = p.retryAfterSeconds != null && p.retryAfterSeconds > 0 ? p.retryAfterSeconds : null;
	const text = p.action || p.detail || p.title || (status ? `HTTP ${status}` : '');
	return { text, waitSeconds: wait, limit: p.limit || null };
}

/** An error carrying a problem+json answer. */
export class ProblemError extends Error {
	constructor(status, problem) {
		super(problem?.detail || problem?.title || `HTTP ${status}`);
		this.status = status;
		this.problem = problem || {};
	}
}

/**
 * One JSON request (same-origin credentials, so the owner cookie goes along): the answer's JSON, null for 204, or
 * a ProblemError carrying the problem+json of a refusal. `body` and its `type` are optional (a file, say).
 */
export async function requestJson(fetchImpl, method, url, { body, type } = {}) {
	const headers = { Accept: 'application/json, application/problem+json' };
	if (type) {
		headers['Content-Type'] = type;
	}
	const res = await fetchImpl(url, { method, headers, body, credentials: 'same-origin' });
	if (res.status === 204) {
		return null;
	}
	const text = await res.text();
	let data = null;
	try {
		data = text ? JSON.parse(text) : null;
	}
	catch {
		data = { detail: text };
	}
	if (!res.ok) {
		throw new ProblemError(res.status, data);
	}
	return data;
}

/**
 * The page's side of ownership. `made(id)` records a simulation this page created (a new simulation, a scenario
 * run, a packetdrill run, a comparison's variants); `moveOn(id)` is called when the page shows another one and
 * `leave(id)` on pagehide: either lets a simulation the page made (and nobody kept) go with a deferred delete, so a
 * reload or a step back within LEAVE_GRACE_MS finds it again.
 */
export function createOwnership({ base = '', fetchImpl = (...a) => fetch(...a), graceMs = LEAVE_GRACE_MS } = {}) {
	const madeHere = new Set();
	const kept = new Set();
	const path = (id) => `${base}/api/simulations/${encodeURIComponent(id)}`;
	const request = (method, url) => requestJson(fetchImpl, method, url);
	const release = (id, keepalive) => {
		if (!id || !madeHere.has(id) || kept.has(id)) {
			return false;
		}
		madeHere.delete(id);
		try {
			const p = fetchImpl(`${path(id)}?graceMs=${graceMs}`, { method: 'DELETE', keepalive, credentials: 'same-origin' });
			p?.catch?.(() => {});
		}
		catch {
			// the page is going away: nothing to tell anyone
		}
		return true;
	};
	return {
		made(...ids) {
			ids.filter(Boolean).forEach((id) => madeHere.add(id));
		},
		madeHere: (id) => madeHere.has(id),
		isKept: (id) => kept.has(id),
		/** The visitor's list: `{simulations:[{id, kind, label, profile, createdAt, kept, durable, inMemory, viewers}], truncated}`. */
		async list() {
			const mine = await request('GET', `${base}/api/simulations?mine=true`);
			(mine?.simulations || []).forEach((s) => (s.kept ? kept.add(s.id) : kept.delete(s.id)));
			return mine || { simulations: [], truncated: false };
		},
		async keep(id) {
			const item = await request('POST', `${path(id)}/keep`);
			kept.add(id);
			return item;
		},
		async remove(id) {
			madeHere.delete(id);
			kept.delete(id);
			try {
				await request('DELETE', path(id));
			}
			catch (e) {
				if (!(e instanceof ProblemError && e.status === 404)) {
					throw e;
				}
			}
		},
		/** The page shows another simulation now: let `previous` go unless it is still shown or kept. */
		moveOn(previous, next) {
			return previous && previous !== next ? release(previous, false) : false;
		},
		/** The page is left (pagehide): let the shown simulation go; the request outlives the page. */
		leave(id) {
			return release(id, true);
		},
		/** The page is left: let go of everything it made and nobody kept (the shown one, a comparison's variants). */
		leaveAll() {
			return [...madeHere].filter((id) => release(id, true));
		},
	};
}

/** A list item as the panel shows it (en/ko; the kinds' names are i18n.js's mine.kind.*). */
export function describeItem(item, lang = 'en', now = Date.now()) {
	const key = `mine.kind.${item.kind}`;
	const named = translate(lang, key);
	const kind = named === key ? item.kind : named;
	const title = [kind, item.label, item.profile].filter(Boolean).join(' · ');
	const mins = Math.max(0, Math.round((now - (item.createdAt ?? now)) / 60000));
	const age = lang === 'ko' ? (mins < 1 ? '방금' : `${mins}분 전`) : (mins < 1 ? 'just now' : `${mins} min ago`);
	return { title, age };
}
