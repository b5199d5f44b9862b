// Both RFC 9293 state diagrams and the one-line "Client X · Server Y" under the narration.
import { pairIds } from '../store.js';
import { formatMs } from '../i18n.js';
import { renderStateDiagram } from '../statediagram.js';
import { focusPairId } from '../selectors.js';
import { $ } from './dom.js';

export function createStatesView({ store, t }) {
	return {
		keys: ['lang', 'events', 'reveal', 'pairId', 'sim', 'scenario'],
		render(state) {
			const focus = focusPairId(state);
			const eps = store.endpoints()[focus] || {};
			const tagged = state.pairId === 'all' || pairIds(state.sim, state.events).length > 1;
			$('now-states').textContent = t('now.states', {
				client: `${tagged && focus != null ? `p${focus} ` : ''}${t('side.client')} ${eps.client?.state ?? '–'}`,
				server: `${t('side.server')} ${eps.server?.state ?? '–'}`,
			});
			for (const fig of document.querySelectorAll('figure.diagram')) {
				const side = fig.dataset.side;
				const ep = eps[side];
				const sideName = t(side === 'server' ? 'side.server' : 'side.client');
				fig.querySelector('.d-title').textContent = tagged && focus != null ? `${sideName} (p${focus})` : sideName;
				fig.querySelector('.d-current').textContent = ep?.state ? t('states.current', { state: ep.state }) : '';
				const svg = fig.querySelector('svg');
				svg.setAttribute('aria-label', t('states.aria', { side: sideName, state: ep?.state ?? '–' }));
				renderStateDiagram(svg, ep, { idPrefix: `sd-${side}` });
				fig.querySelector('.d-last').textContent = ep?.last
					? t('states.last', { from: ep.last.from, to: ep.last.to, cause: ep.last.cause ?? '?', time: formatMs(ep.last.timeMs, state.lang) })
					: t('states.none');
			}
		},
	};
}
