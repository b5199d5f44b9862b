// Store changes are collected and drawn once per animation frame: each view names the store keys it draws
// ({keys, render(state, changed)}) and is called only when one of them changed.

/** Which views a set of changed keys concerns (null = all: the first draw). */
export function viewsFor(views, changed) {
	return views.filter((v) => !changed || v.keys === '*' || v.keys.some((k) => changed.has(k)));
}

export function createRenderLoop(store, views, { nextFrame }) {
	let keys = null;
	let frame = 0;
	const draw = (changed) => {
		for (const v of viewsFor(views, changed)) {
			v.render(store.state, changed);
		}
	};
	store.addEventListener('change', (e) => {
		keys = keys || new Set();
		for (const k of e.detail.changed) {
			keys.add(k);
		}
		if (!frame) {
			frame = nextFrame(() => {
				frame = 0;
				const changed = keys;
				keys = null;
				draw(changed);
			});
		}
	});
	return {
		/** Draws everything now (the first render). */
		drawAll: () => draw(null),
		/** A view added later (a feature mounted after start) is drawn with the others from now on. */
		add(view) {
			views.push(view);
			view.render(store.state, null);
		},
	};
}
