// "Write your own": a scenario document editor (a plain textarea, JSON or YAML) that runs the document with
// POST /api/scenarios/runs and shows the server's problems in place. The pure helpers are tested under node.
import { requestJson } from './ownership.js';

/** Where the JSON Schema of scenario documents is served. */
export const SCHEMA_PATH = '/api/scenarios/schema';

/**
 * A document as the editor shows it: naming its JSON Schema in "$schema" (which the service accepts and ignores),
 * so that an editor such as VS Code checks and completes the text when it is copied there.
 */
export function withSchema(doc, origin) {
	const { $schema, ...rest } = doc || {};
	return { $schema: new URL(SCHEMA_PATH, origin).href, ...rest };
}

/** The content type a document is sent as: JSON when it looks like a JSON object, YAML otherwise. */
export function contentTypeOf(text) {
	return /^\s*\{/.test(text || '') ? 'application/json' : 'application/yaml';
}

/** A problem of a 400 answer ({file, step, field, message}) as one line. */
export function problemText(p, lang = 'en') {
	const where = [];
	if (p.step != null) {
		where.push(lang === 'ko' ? `${p.step}단계` : `step ${p.step}`);
	}
	if (p.field) {
		where.push(p.field);
	}
	return where.length ? `${where.join(' · ')}: ${p.message}` : p.message;
}

/**
 * Where in the editor's text a problem is: the start and end of the line that mentions the field's last name
 * within the problem's step (steps counted from 1 in the order they appear), or null.
 */
export function locateProblem(text, p) {
	if (!text) {
		return null;
	}
	let from = 0;
	let to = text.length;
	if (p.step != null) {
		const stepsAt = text.search(/"?steps"?\s*:/);
		if (stepsAt < 0) {
			return null;
		}
		const starts = stepStarts(text, stepsAt);
		if (!starts[p.step - 1] && starts[p.step - 1] !== 0) {
			return null;
		}
		from = starts[p.step - 1];
		to = starts[p.step] ?? text.length;
	}
	// the deepest name of the field that the text mentions (a "side" given as {close: nobody} is found as "close")
	const names = String(p.field || '').split(/[.[\]]/).filter((s) => s && !/^\d+$/.test(s)).reverse();
	let at = from;
	for (const name of names) {
		// as a key (JSON "name": or YAML name:), not a word of some text
		const m = new RegExp(`(^|[\\s{,])"?${name.replace(/[^\w-]/g, '')}"?\\s*:`).exec(text.slice(from, to));
		if (m) {
			at = from + m.index + m[1].length;
			break;
		}
	}
	const start = text.lastIndexOf('\n', at - 1) + 1;
	const nl = text.indexOf('\n', at);
	return { start, end: nl < 0 ? text.length : nl };
}

/** Offsets where each step of the steps list begins (JSON objects at depth 1 of the list, or YAML "- " items). */
function stepStarts(text, stepsAt) {
	const out = [];
	const bracket = text.indexOf('[', stepsAt);
	const nl = text.indexOf('\n', stepsAt);
	if (bracket >= 0 && (nl < 0 || bracket < nl)) {
		let depth = 0;
		let inStr = false;
		for (let i = bracket; i < text.length; i++) {
			const c = text[i];
			if (inStr) {
				if (c === '\\') {
					i++;
				}
				else if (c === '"') {
					inStr = false;
				}
				continue;
			}
			if (c === '"') {
				inStr = true;
			}
			else if (c === '[' || c === '{') {
				depth++;
				if (c === '{' && depth === 2) {
					out.push(i);
				}
			}
			else if (c === ']' || c === '}') {
				depth--;
				if (depth === 0) {
					break;
				}
			}
		}
		return out;
	}
	const re = /^(\s*)- /gm;
	re.lastIndex = stepsAt;
	let m;
	let indent = null;
	while ((m = re.exec(text)) !== null) {
		if (indent === null) {
			indent = m[1].replace(/\n/g, '').length;
		}
		if (m[1].replace(/\n/g, '').length === indent) {
			out.push(m.index + m[1].length);
		}
	}
	return out;
}

/** Sends a document to POST /api/scenarios/runs. Resolves to the run, or rejects with a ProblemError {status, problem}. */
export async function runDocument(text, { profile = null, fetchImpl = (...a) => fetch(...a) } = {}) {
	const q = profile ? `?profile=${encodeURIComponent(profile)}` : '';
	return requestJson(fetchImpl, 'POST', `/api/scenarios/runs${q}`, { body: text, type: contentTypeOf(text) });
}
