// The packetdrill panel (issue 15): run a script in the lab and see it as a ladder with a verdict per script line;
// export the current pair as a script. Its look is in app.css (the Content-Security-Policy allows no inline styles).
import { EXAMPLE, exportUrl, verdictRows, localSummary, exportableSides } from '../packetdrill.js';
import { focusPairId } from '../selectors.js';
import { saveFile } from '../embed.js';
import { $, h, fill, delegate } from './dom.js';

const PROFILES = ['linux', 'rfc9293', 'bsd', 'windows'];

/**
 * Builds the panel below the stage. openRun(result) shows a run's simulation in the page; fetchImpl is fetch.
 */
export function createPacketdrillView({ store, t, openRun, fetchImpl = (...a) => fetch(...a) }) {
	const area = h('textarea', { id: 'pd-script', rows: '14', spellcheck: 'false', class: 'pd-script' });
	area.value = EXAMPLE;
	const label = h('label', { for: 'pd-script', id: 'pd-script-label' });
	const profile = h('select', { id: 'pd-profile' }, PROFILES.map((p) => h('option', { value: p, text: p })));
	const profileLabel = h('label', { for: 'pd-profile', id: 'pd-profile-label' });
	const run = h('button', { type: 'button', id: 'pd-run', 'data-command': 'run' });
	const status = h('p', { id: 'pd-status', class: 'hint', 'aria-live': 'polite' });
	// the verdict list scrolls: it takes the focus so a keyboard can scroll it too
	const lines = h('ol', { id: 'pd-lines', class: 'pd-lines', tabindex: '0' });
	const exportClient = h('button', { type: 'button', id: 'pd-export-client', 'data-command': 'export', 'data-side': 'client' });
	const exportServer = h('button', { type: 'button', id: 'pd-export-server', 'data-command': 'export', 'data-side': 'server' });
	const why = h('p', { id: 'pd-export-why', class: 'hint', hidden: true });
	const summaryEl = h('summary', { id: 'pd-run-summary' });
	const intro = h('p', { class: 'hint', id: 'pd-intro' });
	const heading = h('h2', { id: 'pd-h', text: 'packetdrill' });
	const panel = h('section', { id: 'packetdrill-panel', class: 'panel pd-panel chrome', 'aria-labelledby': 'pd-h' },
		heading,
		h('p', { class: 'row' }, exportClient, exportServer), why,
		h('details', { id: 'pd-run-details' }, summaryEl, intro, label, area, h('p', { class: 'row' }, profileLabel, profile, run)),
		status, lines);
	// below the stage (the ladder and its pinned side column), never inside its grid
	const stage = document.querySelector('.stage');
	stage.parentNode.insertBefore(panel, stage.nextSibling);

	let last = null; // {script, result} of the last run, redrawn in the reader's language

	function show(script, result) {
		last = { script, result };
		const items = [];
		let failed = null;
		for (const r of verdictRows(script, result)) {
			if (!r.status && !r.text.trim()) {
				continue;
			}
			const li = h('li', { class: r.status || null, 'data-line': String(r.line) },
				h('span', { class: 'pd-no', text: String(r.line) }),
				h('span', { class: `pd-st st-${r.status || 'none'}`, text: r.status ? t(`pd.st.${r.status}`) : '' }),
				h('span', { class: 'pd-text', text: r.text }),
				r.message ? h('span', { class: 'pd-detail', text: r.message }) : null,
				r.status === 'failed' && (r.expected || r.actual) ? [
					h('span', { class: 'pd-detail', text: `${t('pd.expected')}: ${r.expected ?? '–'}` }),
					h('span', { class: 'pd-detail', text: `${t('pd.actual')}:   ${r.actual ?? '–'}` })] : null);
			items.push(li);
			if (r.status === 'failed') {
				failed = li;
			}
		}
		fill(lines, items);
		if (failed) {
			// keep the page where it is; scroll only the verdict list to the failing line
			lines.scrollTop = Math.max(0, failed.offsetTop - lines.offsetTop - 40);
		}
	}

	async function runScript() {
		const script = area.value;
		status.textContent = t('pd.running');
		run.disabled = true;
		try {
			const res = await fetchImpl(`/api/packetdrill/runs?profile=${encodeURIComponent(profile.value)}`, {
				method: 'POST', headers: { 'Content-Type': 'text/plain', Accept: 'application/json, application/problem+json' }, body: script,
			});
			const body = await res.json().catch(() => ({}));
			if (!res.ok) {
				status.textContent = body.detail || `HTTP ${res.status}`;
				show(script, body.line ? { lines: [], failure: { line: body.line, message: body.detail } } : null);
				return;
			}
			status.textContent = localSummary(body, t);
			show(script, body);
			await openRun(body);
		}
		catch (e) {
			status.textContent = String(e?.message || e);
		}
		finally {
			run.disabled = false;
		}
	}

	async function download(side) {
		const { simId } = store.state;
		const pairId = focusPairId(store.state);
		if (!simId || pairId == null || pairId === 'all') {
			status.textContent = t('pd.choosePair');
			return;
		}
		const res = await fetchImpl(exportUrl(simId, pairId, side));
		const text = await res.text();
		if (!res.ok) {
			let detail = text;
			try {
				detail = JSON.parse(text).detail || text;
			}
			catch {
				// not JSON
			}
			status.textContent = detail;
			return;
		}
		saveFile(new Blob([text], { type: 'text/plain' }), `tcplab-pair${pairId}-${side}.pkt`);
		status.textContent = t('pd.exported', { pair: pairId, side: t(`side.${side}`) });
	}

	delegate(panel, 'click', 'button[data-command]', (ev, b) => {
		if (b.dataset.command === 'run') {
			runScript();
		}
		else {
			download(b.dataset.side).catch((e) => {
				status.textContent = String(e?.message || e);
			});
		}
	});

	return {
		keys: ['lang', 'events', 'pairId', 'simId'],
		render(state, changed) {
			if (!changed || changed.has('lang')) {
				summaryEl.textContent = t('pd.runTitle');
				lines.setAttribute('aria-label', t('pd.verdicts'));
				intro.textContent = t('pd.intro');
				label.textContent = t('pd.script');
				profileLabel.textContent = t('profile.label');
				run.textContent = t('pd.run');
				exportClient.textContent = t('pd.export', { side: t('side.client') });
				exportServer.textContent = t('pd.export', { side: t('side.server') });
				if (last) {
					show(last.script, last.result);
				}
			}
			// a side the script played has no socket calls: its export could not run, so it is not offered
			const pairId = focusPairId(state);
			const complete = state.events.length > 0 && state.events[0].seq === 0;
			const sides = pairId == null || pairId === 'all' || !complete ? new Set(['client', 'server']) : exportableSides(state.events, pairId);
			const playedByScript = ['client', 'server'].filter((s) => !sides.has(s));
			exportClient.disabled = !sides.has('client');
			exportServer.disabled = !sides.has('server');
			why.hidden = playedByScript.length !== 1;
			why.textContent = playedByScript.length === 1 ? t('pd.scriptSide', { side: t(`side.${playedByScript[0]}`) }) : '';
		},
	};
}
