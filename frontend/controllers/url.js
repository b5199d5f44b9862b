// The address bar follows the view: ?sim=, ?scenario=&step=&profile=, ?conn= (shareable). Other parameters (lang,
// compare, doc, embed, capture) are kept unless set to null; the authors' tools set theirs themselves.

const OWNED = ['sim', 'scenario', 'step', 'profile', 'conn'];

/** The address for a view: the owned parameters replaced by p (null values dropped), the others kept. */
export function urlFor(href, p) {
	const u = new URL(href);
	for (const k of OWNED) {
		u.searchParams.delete(k);
	}
	for (const [k, v] of Object.entries(p)) {
		if (v != null) {
			u.searchParams.set(k, v);
		}
		else {
			u.searchParams.delete(k);
		}
	}
	return u.toString();
}

/** Keeps the address bar in sync; the store's "url" key announces the change (the share link follows). */
export function createUrls({ store, location, history }) {
	return {
		set(p) {
			const next = urlFor(location.href, p);
			if (next !== location.href) {
				history.replaceState(history.state, '', next);
			}
			store.set({ url: next });
		},
	};
}
