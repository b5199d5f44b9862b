// The page header: language, profile and "New simulation", the share link and the connection status; the
// static texts of index.html (data-i18n) follow the language.
import { applyTranslations } from '../i18n.js';
import { $ } from './dom.js';

/** The share link's text and the status shown after it ("(live)" only while a stream follows the simulation). */
export function headerModel(state) {
	const conn = state.connection;
	return {
		simText: state.simId ? state.simId.slice(0, 8) : '–',
		status: state.status || (conn && conn !== 'idle' ? `(${conn})` : ''),
	};
}

/**
 * The notice for a simulation whose journal another engine version wrote (docs/decisions.md, 2026-12-07 "UI
 * notice"): {key, versions} or null. `recordedTraceServed` → the recording is served read-only; a replay that
 * matched the recording → the same trace; `recordedBy: [0]` alone → recorded before versions were kept.
 */
export function engineNotice(engine) {
	const by = engine?.recordedBy;
	if (!by || !by.length) {
		return null;
	}
	const versions = by.join(', ');
	if (engine.recordedTraceServed) {
		return { key: 'engine.otherServed', versions };
	}
	if (engine.traceMatchesRecording) {
		return { key: 'engine.otherSame', versions };
	}
	return by.length === 1 && by[0] === 0 ? { key: 'engine.beforeVersions', versions } : { key: 'engine.other', versions };
}

export function createHeaderView({ store, t, onNewSimulation, onProfile, onToggleLanguage, location }) {
	$('new-sim').addEventListener('click', () => onNewSimulation($('profile').value));
	$('profile').addEventListener('change', () => onProfile($('profile').value));
	$('lang-toggle').addEventListener('click', onToggleLanguage);
	$('share-link').addEventListener('click', (e) => {
		e.preventDefault();
		navigator.clipboard?.writeText($('share-link').href).then(() => {
			$('copy-status').textContent = t('export.copied');
		}).catch(() => {});
	});
	return {
		keys: ['lang', 'simId', 'sim', 'connection', 'status', 'url'],
		render(state, changed) {
			if (!changed || changed.has('lang')) {
				document.documentElement.lang = state.lang;
				applyTranslations(document, state.lang);
				// the toggle names the other language in that language
				$('lang-toggle').lang = state.lang === 'ko' ? 'en' : 'ko';
			}
			if (state.sim?.profile && (!changed || changed.has('sim'))) {
				$('profile').value = state.sim.profile;
			}
			const m = headerModel(state);
			const a = $('share-link');
			const u = new URL(location.href);
			u.searchParams.delete('embed');
			a.href = state.simId ? u.toString() : '#';
			a.textContent = m.simText;
			a.title = t('sim.share');
			$('conn-status').textContent = m.status;
			const notice = engineNotice(state.sim?.engine);
			$('engine-notice').hidden = !notice;
			$('engine-notice').textContent = notice ? t(notice.key, { versions: notice.versions }) : '';
			$('embed-open').href = u.toString();
		},
	};
}
