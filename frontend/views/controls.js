// "Drive it": each side's socket calls and network faults (built from a <template> per language), the new-pair
// form, and the hint that a control at an earlier step branches a new simulation.
import { branching } from '../selectors.js';
import { $, delegate } from './dom.js';

const NAMES = { close: 'controls.close', recv: 'controls.recv', shutdown: 'controls.shutdown', send: 'controls.send',
	linger: 'controls.linger', abort: 'controls.abort', lose: 'controls.lose', duplicate: 'controls.duplicate',
	delay: 'controls.delay', hold: 'controls.hold', release: 'controls.release', 'resend-fin': 'controls.resendFin' };
const FIELDS = { how: 'controls.how', bytes: 'controls.bytes', seconds: 'controls.lingerSeconds', segment: 'controls.segment', ms: 'controls.delayMs' };

export function createControlsView({ t, simulation }) {
	const panel = $('controls-panel');
	delegate(panel, 'click', 'button[data-action]', (ev, b) => {
		const fields = {};
		for (const f of b.closest('fieldset').querySelectorAll('[data-field]')) {
			fields[f.dataset.field] = f.value;
		}
		simulation.pairAction(b.dataset.side, b.dataset.action, fields);
	});
	$('pair-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		simulation.openPair({ clientPort: $('client-port').value, serverPort: $('server-port').value });
	});

	function build() {
		const host = panel.querySelector('.sides');
		// the fields keep what the reader typed across a language switch
		const kept = new Map([...host.querySelectorAll('[data-field]')].map((f) => [f.id, f.value]));
		for (const old of host.querySelectorAll('fieldset')) {
			old.remove();
		}
		for (const side of ['client', 'server']) {
			const frag = $('side-controls').content.cloneNode(true);
			const fs = frag.querySelector('fieldset');
			fs.dataset.side = side;
			const sideName = t(side === 'server' ? 'side.server' : 'side.client');
			fs.querySelector('.side-title').textContent = sideName;
			fs.querySelector('.calls-title').textContent = t('controls.calls', { side: sideName });
			fs.querySelector('.net-title').textContent = t('controls.network', { side: sideName });
			for (const b of fs.querySelectorAll('button[data-action]')) {
				b.dataset.side = side;
				b.textContent = t(NAMES[b.dataset.action]);
				b.setAttribute('aria-label', `${sideName}: ${t(NAMES[b.dataset.action])}`);
			}
			for (const f of fs.querySelectorAll('[data-field]')) {
				f.setAttribute('aria-label', `${sideName}: ${t(FIELDS[f.dataset.field])}`);
				f.id = `${side}-${f.dataset.field}`;
				if (kept.has(f.id)) {
					f.value = kept.get(f.id);
				}
			}
			host.appendChild(frag);
		}
	}

	return {
		keys: ['lang', 'scenario', 'reveal'],
		render(state, changed) {
			if (!changed || changed.has('lang')) {
				build();
			}
			const b = branching(state);
			$('branch-hint').hidden = !b;
			$('branch-hint').textContent = b ? t('branch.hint') : '';
		},
	};
}
