// The page's side of ownership (issue 20, docs/decisions.md "Issue 20"), wired: every simulation the page's REST
// client creates is recorded as made here; when the page shows another simulation the one it showed is let go
// (deferred delete, unless kept or not made here); on pagehide everything made here and not kept is let go.
// No DOM: app.js hands it the store, the ownership (frontend/ownership.js) and the window.

/** The REST client with the creating routes recording what they made (a scenario run, a new simulation). */
export function recordingApi(api, ownership) {
	const recorded = (fn, idOf) => async (...args) => {
		const answer = await fn(...args);
		ownership.made(idOf(answer));
		return answer;
	};
	return {
		...api,
		createSimulation: recorded(api.createSimulation, (s) => s?.id),
		runScenario: recorded(api.runScenario, (r) => r?.simulationId),
	};
}

/**
 * Follows the store's simId (moveOn) and the page's pagehide (leave every simulation made here). `beforeLeave`
 * runs first on pagehide: the page stops following (stream closed, no snapshot request in flight after the
 * delete), since any request on the simulation after its deferred delete counts as using it again.
 */
export function followOwnership({ store, ownership, win, beforeLeave = () => {} }) {
	let shown = store.state.simId;
	store.addEventListener('change', (ev) => {
		if (!ev.detail?.changed?.includes('simId')) {
			return;
		}
		const next = store.state.simId;
		ownership.moveOn(shown, next);
		shown = next;
	});
	win?.addEventListener?.('pagehide', () => {
		try {
			beforeLeave();
		}
		finally {
			ownership.leaveAll();
		}
	});
}
