// Captures (issue 22, docs/captures.md): upload a pcap/pcapng, open ?capture=ID, show a connection's trace on the
// page's ladder and state diagrams (the store holds it as a simulation-like record with `capture` set), and
// replay a connection in the lab. Changes the store's `capture` key; views/capture.js draws it.
import { requestJson } from '../ownership.js';
import { captureSimulation, ladderEvents, uploadType } from '../capture.js';

/**
 * @param store the Store; urls the address bar; ownership records the replay's simulation as made here
 * @param show {leaveOthers(), stopFollowing()} what the page stops before a capture's connection takes the stage
 * @param openSimulation (id) => Promise: shows a simulation (the replay)
 */
export function createCaptureController({ store, urls, ownership, show, openSimulation, fetchImpl = (...a) => fetch(...a) }) {
	const request = (method, url, options) => requestJson(fetchImpl, method, url, options);
	const base = (id) => `/api/captures/${encodeURIComponent(id)}`;
	const set = (partial) => store.set({ capture: { ...(store.state.capture || {}), ...partial } });
	let generation = 0;

	const c = {
		/** Uploads a file (a File or Blob with a name); a file cut short can be read again with allowTruncated. */
		async upload(file, { allowTruncated = false } = {}) {
			const g = ++generation;
			store.set({ capture: { busy: 'upload', name: file.name || '', doc: null, error: null, file: null } });
			try {
				const q = allowTruncated ? '?allowTruncated=true' : '';
				const doc = await request('POST', `/api/captures${q}`, { body: file, type: uploadType(file.name) });
				if (g !== generation) {
					return null;
				}
				set({ busy: null, doc, error: null, file: null });
				urls.set({ capture: doc.id });
				return doc;
			}
			catch (e) {
				if (g === generation) {
					// a file cut short keeps the file so "Read what is whole" can send it again
					set({ busy: null, error: e, file: e.problem?.kind === 'truncated' && !allowTruncated ? file : null });
				}
				throw e;
			}
		},

		/** Opens ?capture=ID (and ?conn=N: that connection on the ladder). */
		async open(id, conn = null) {
			const g = ++generation;
			store.set({ capture: { busy: 'open', id, doc: null, error: null } });
			try {
				const doc = await request('GET', base(id));
				if (g !== generation) {
					return null;
				}
				set({ busy: null, doc });
				if (conn != null && doc.connections?.some((x) => x.id === Number(conn))) {
					await c.select(Number(conn));
				}
				return doc;
			}
			catch (e) {
				if (g === generation) {
					set({ busy: null, error: e });
				}
				throw e;
			}
		},

		/** Shows connection n of the open capture on the ladder, the state diagrams and the timers. */
		async select(n) {
			const doc = store.state.capture?.doc;
			const conn = doc?.connections?.find((x) => x.id === n);
			if (!conn) {
				return;
			}
			set({ selected: n, busy: 'trace', error: null, replay: null });
			try {
				const trace = await request('GET', `${base(doc.id)}/connections/${n}/trace`);
				if (store.state.capture?.doc !== doc || store.state.capture?.selected !== n) {
					return;
				}
				show.leaveOthers();
				const events = ladderEvents(trace.events || []);
				store.loadSimulation(captureSimulation(doc, conn, events));
				store.addEvents(events);
				store.set({ pairId: n });
				set({ busy: null, truncated: !!trace.truncated, capturePoint: trace.capturePoint || conn.capturePoint });
				urls.set({ capture: doc.id, conn: n });
			}
			catch (e) {
				set({ busy: null, error: e });
				throw e;
			}
		},

		/** Replays connection n in the lab and opens its simulation (made here: it goes when the page moves on). */
		async replay(n) {
			const doc = store.state.capture?.doc;
			if (!doc) {
				return null;
			}
			set({ busy: 'replay', replaying: n, error: null, replay: null });
			try {
				const r = await request('POST', `${base(doc.id)}/connections/${n}/replays`);
				ownership.made(r.simulationId);
				set({ busy: null, replay: { connection: n, simulationId: r.simulationId, comparison: r.comparison || null } });
				await openSimulation(r.simulationId);
				return r;
			}
			catch (e) {
				set({ busy: null, error: e });
				throw e;
			}
		},

		close() {
			generation++;
			store.set({ capture: null });
			urls.set({ capture: null, conn: null, sim: store.state.simId });
		},
	};
	return c;
}
