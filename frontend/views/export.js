// "Export & reproduce": pcap and JSON downloads, and the curl/Python script that replays what the reader did.
import { curlSnippet, pythonSnippet } from '../export.js';
import { saveFile } from '../embed.js';
import { $ } from './dom.js';

export function createExportView({ store, api, t, location }) {
	let kind = 'curl';
	const snippet = (state) => {
		const opts = { base: location.origin, endMs: state.sim?.nowMs ?? null };
		return kind === 'python' ? pythonSnippet(state.actions, opts) : curlSnippet(state.actions, opts);
	};
	const view = {
		keys: ['lang', 'actions', 'simId', 'sim'],
		render(state) {
			$('dl-pcap').href = state.simId ? api.pcapUrl(state.simId) : '#';
			$('snippet').value = state.actions.length ? snippet(state) : '';
			for (const k of ['curl', 'python']) {
				$(`tab-${k}`).setAttribute('aria-selected', String(kind === k));
				$(`tab-${k}`).tabIndex = kind === k ? 0 : -1;
			}
			$('snippet-panel').setAttribute('aria-labelledby', `tab-${kind}`);
		},
	};
	const choose = (k) => {
		kind = k;
		view.render(store.state);
	};
	$('tab-curl').addEventListener('click', () => choose('curl'));
	$('tab-python').addEventListener('click', () => choose('python'));
	$('snippet-tabs').addEventListener('keydown', (e) => {
		if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
			choose(kind === 'curl' ? 'python' : 'curl');
			$(`tab-${kind}`).focus();
			e.preventDefault();
		}
	});
	$('copy-snippet').addEventListener('click', async () => {
		try {
			await navigator.clipboard.writeText($('snippet').value);
		}
		catch {
			$('snippet').select();
		}
		$('copy-status').textContent = t('export.copied');
	});
	$('dl-json').addEventListener('click', async () => {
		const id = store.state.simId;
		if (!id) {
			return;
		}
		let data;
		try {
			data = await api.trace(id, 0);
		}
		catch {
			data = { events: store.state.events, nextSeq: store.state.nextSeq };
		}
		saveFile(new Blob([JSON.stringify({ simulation: store.state.sim, ...data }, null, 2)], { type: 'application/json' }),
			`tcplab-${id.slice(0, 8)}.json`);
	});
	return view;
}
