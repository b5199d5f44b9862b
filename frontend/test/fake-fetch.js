// A stand-in for fetch in the node tests: answers from `routes(url, init)` ({status, body}; the body is sent as
// JSON) and keeps every call in `.calls` ({url, init}).

/** A fetch that answers `routes(url, init)`; by default every request gets 204. */
export function fakeFetch(routes = () => ({ status: 204 })) {
	const calls = [];
	const f = async (url, init) => {
		calls.push({ url, init });
		const r = routes(url, init);
		return { status: r.status, ok: r.status < 400, text: async () => (r.body === undefined ? '' : JSON.stringify(r.body)) };
	};
	f.calls = calls;
	return f;
}
