// tcplab page: one store, the controllers that change it (REST + WebSocket behind them) and the views that draw
// it, wired here. Views draw once per animation frame, each only when a store key it names changed.
import { Store } from './store.js';
import { createApi, connectStream } from './api.js';
import { detectLanguage, translate } from './i18n.js';
import { visibleNow } from './selectors.js';
import { createSimulationController } from './controllers/simulation.js';
import { createScenarioController } from './controllers/scenario.js';
import { createUrls } from './controllers/url.js';
import { $, nextFrame } from './views/dom.js';
import { createRenderLoop } from './views/render-loop.js';
import { createHeaderView } from './views/header.js';
import { createScenarioPickerView } from './views/scenario-picker.js';
import { createNarrationView } from './views/narration.js';
import { createLadderView } from './views/ladder.js';
import { createStatesView } from './views/states.js';
import { createClockView } from './views/clock.js';
import { createControlsView } from './views/controls.js';
import { createResultsView } from './views/results.js';
import { createExportView } from './views/export.js';
import { createPacketdrillView } from './views/packetdrill.js';
import { createFocusView } from './views/focus.js';
import { initAuthors } from './authors-ui.js';
import { createOwnership } from './ownership.js';
import { mountMySimulations } from './my-simulations.js';
import { recordingApi, followOwnership } from './controllers/ownership.js';
import { createCaptureController } from './controllers/capture.js';
import { createCaptureView } from './views/capture.js';

const params = new URLSearchParams(location.search);
const storage = { get: (k) => { try { return localStorage.getItem(k); } catch { return null; } },
	set: (k, v) => { try { localStorage.setItem(k, v); } catch { /* private mode, sandboxed iframe */ } } };
const store = new Store({
	lang: detectLanguage({ search: location.search, stored: storage.get('tcplab.lang'), languages: navigator.languages || [navigator.language] }),
	embed: params.get('embed') === '1',
});
const t = (key, p) => translate(store.state.lang, key, p);
// issue 20: what the page creates is recorded as made here and let go when the page moves on or is left
const ownership = createOwnership();
const api = recordingApi(createApi(''), ownership);
const urls = createUrls({ store, location, history });

let simulation = null;
const scenario = createScenarioController({
	store, api,
	onLoaded: async (run) => {
		ownership.made(run.simulationId); // built-in and authored runs alike
		const sim = await simulation.load(run);
		store.set({ pairId: scenario.initialPair(sim) ?? store.state.pairId });
		urls.set({ scenario: run.name, sim: run.simulationId });
	},
	onLeave: () => {
		urls.set({ sim: store.state.simId });
		simulation.follow();
	},
	onStep: (sc) => urls.set({ scenario: sc.name, sim: store.state.simId, step: store.state.reveal == null ? 'all' : sc.step + 1,
		profile: sc.profileParam || null }),
});
simulation = createSimulationController({ store, api, t, connectStream, scenario, urls,
	env: { location, nextFrame, setTimeout: (...a) => setTimeout(...a), clearTimeout: (x) => clearTimeout(x),
		setInterval: (...a) => setInterval(...a), clearInterval: (x) => clearInterval(x) } });
followOwnership({ store, ownership, win: window, beforeLeave: () => simulation.stopFollowing() });
// back from the back/forward cache: the page stopped following when it was hidden; open what it shows again (a
// simulation deleted meanwhile starts a new one and says so)
window.addEventListener('pageshow', (ev) => {
	if (ev.persisted && store.state.simId && !store.state.scenario) {
		ownership.made(store.state.simId); // still this page's, if it outlived the grace
		simulation.open(store.state.simId, { profile: $('profile').value }).catch(showFatal);
	}
});

const toggleLanguage = () => {
	const lang = store.state.lang === 'ko' ? 'en' : 'ko';
	storage.set('tcplab.lang', lang);
	store.set({ lang });
};
const newSimulation = (profile) => {
	scenario.leave({ silent: true });
	simulation.start(profile, { speed: Number($('speed').value) || 1 }).catch(showFatal);
};
const ladder = createLadderView({ store, t });
const clock = createClockView({ store, t, simulation });
const views = [
	createHeaderView({ store, t, location, onNewSimulation: newSimulation, onProfile: newSimulation, onToggleLanguage: toggleLanguage }),
	createScenarioPickerView({ store, t, onRun: (name) => scenario.run(name) }),
	createNarrationView({ store, t, scenario, onToggleLanguage: toggleLanguage }),
	createControlsView({ t, simulation }),
	ladder,
	createStatesView({ store, t }),
	clock,
	createResultsView({ t }),
	createExportView({ store, api, t, location }),
	createPacketdrillView({ store, t, openRun: async (run) => {
		ownership.made(run.simulationId);
		scenario.leave({ silent: true });
		urls.set({ sim: run.simulationId });
		await simulation.open(run.simulationId);
	} }),
	{ keys: '*', render: () => ladder.afterRender() },
	createFocusView(),
];
const openSimulation = async (id) => {
	scenario.leave({ silent: true });
	urls.set({ sim: id });
	await simulation.open(id);
};
// issue 22: a capture's connection takes the stage like a simulation (its trace in the store, no stream)
const capture = createCaptureController({ store, urls, ownership, openSimulation,
	show: { leaveOthers: () => {
		scenario.leave({ silent: true });
		simulation.stopFollowing();
	} } });
views.push(createCaptureView({ store, t, capture, onError: (e) => simulation.addResult({ label: 'capture', error: e }) }));
const mine = mountMySimulations({ ownership, anchor: document.querySelector('header.top .sim-info'), lang: () => store.state.lang,
	current: () => store.state.simId, open: openSimulation, deletedCurrent: () => newSimulation($('profile').value),
	onError: () => {} });
// an open list follows what the page makes (a new run is listed at once); a closed one refreshes when opened
views.push({ keys: ['lang', 'simId'], render: (state, changed) => (changed?.has('simId') && mine.element.open ? mine.refresh() : mine.render()) });
const loop = createRenderLoop(store, views, { nextFrame });

// countdowns between clock reports
setInterval(() => {
	const c = store.state.clock;
	if (c && c.mode === 'realtime' && !c.paused && store.state.reveal == null) {
		clock.tick();
		ladder.tick(visibleNow(store.state));
	}
}, 250);

function showFatal(e) {
	simulation.addResult({ label: 'tcplab', error: e instanceof Error ? e : new Error(String(e)) });
	store.set({ status: String(e?.message || e) });
}

async function main() {
	document.body.classList.toggle('embed', store.state.embed);
	loop.drawAll();
	await scenario.loadList().catch(() => {});
	// issue 17: comparisons, "Write your own", embeds and downloads (frontend/authors-ui.js)
	let authors = { openDocument: async () => { throw new Error('authors tools unavailable'); }, openComparison: async () => false };
	try {
		authors = initAuthors({ store, scenarioView: scenario, $, onError: (e) => simulation.addResult({ label: 'tcplab', error: e }),
			onMade: (...ids) => ownership.made(...ids), onRelease: (...ids) => ids.forEach((id) => ownership.moveOn(id, null)) });
	}
	catch (e) {
		// the page works without the authors' tools
		simulation.addResult({ label: 'tcplab', error: e });
	}
	const profile = () => $('profile').value;
	const step = params.get('step') || undefined;
	if (params.get('capture')) {
		const opened = capture.open(params.get('capture'), params.get('conn')).catch(() => null);
		if (params.get('conn') && !params.get('sim')) {
			// the connection takes the stage: no simulation of the page's own
			await opened;
			if (store.state.sim?.capture) {
				return;
			}
		}
	}
	if (params.get('doc')) {
		await authors.openDocument(params.get('doc'), { step }).catch(async (e) => {
			await simulation.start(profile());
			simulation.addResult({ label: 'doc', error: e });
		});
	}
	else if (params.get('scenario')) {
		const name = params.get('scenario');
		await scenario.run(name, { profile: params.get('profile') || undefined, step }).catch(async (e) => {
			// a scenario that cannot run must not leave an empty page: say why and open a sandbox instead
			await simulation.start(profile());
			simulation.addResult({ label: `scenario ${name}`, error: e });
		});
	}
	else if (params.get('sim')) {
		await simulation.open(params.get('sim'), { profile: profile() });
	}
	else {
		await simulation.start(profile());
	}
	if (params.get('compare') && store.state.scenario) {
		await authors.openComparison(params.get('compare')).catch((e) => simulation.addResult({ label: 'compare', error: e }));
	}
}

main().catch(showFatal);

// for the browser tests and the curious: read-only access to the state
window.tcplab = { get state() { return store.state; } };
