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
			$('embed-open').href = u.toString();
		},
	};
}
