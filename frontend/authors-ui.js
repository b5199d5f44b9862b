// The page parts for tutorial authors (issue 17): ready-made what-if comparisons, "Write your own", "Embed this"
// and ladder downloads. Builds its own DOM next to the scenario panel so app.js and index.html need only a hook.

import { PRESETS, presetsFor, variantsFromParam, drawnEvents, markDifferences, sharedTimeAxis, renderVariant, formatValue, fromDivergence, heldBySide, capDifferences, CMP } from './compare.js';
import { runDocument, problemText, locateProblem, withSchema } from './author.js';
import { encodeDocument, decodeDocument, viewUrl, embedSnippet, embedHeight, replaceParams, downloadSvg, downloadPng } from './embed.js';
import { formatMs, pick } from './i18n.js';
import { ProblemError, problemAction } from './ownership.js';
import { h } from './views/dom.js';

const S = {
	'tools.label': { en: 'For authors', ko: '글쓴이를 위한 도구' },
	'tools.compare': { en: 'What if…', ko: '만약…' },
	'tools.write': { en: 'Write your own', ko: '직접 작성' },
	'tools.embed': { en: 'Embed this', ko: '삽입 코드' },
	'tools.svg': { en: 'Download SVG', ko: 'SVG 내려받기' },
	'tools.png': { en: 'Download PNG', ko: 'PNG 내려받기' },
	'cmp.title': { en: 'What-if comparison', ko: '만약 비교' },
	'cmp.running': { en: 'Running every variant…', ko: '모든 변형을 실행하는 중…' },
	'cmp.legend': { en: 'Rows line up on virtual time (long pauses folded as ⋯). Marked in orange: what one variant has and another has not.',
		ko: '행은 가상 시간에 맞춰 정렬됩니다(긴 공백은 ⋯로 접음). 주황색 표시: 한 변형에만 있는 것.' },
	'cmp.differences': { en: 'What differs', ko: '달라지는 점' },
	'cmp.none': { en: 'No difference in states, segments, calls, held time or delivered data.', ko: '상태, 세그먼트, 호출, 유지 시간, 전달된 데이터에 차이가 없습니다.' },
	'cmp.aspect': { en: 'Aspect', ko: '항목' },
	'cmp.close': { en: 'Close comparison', ko: '비교 닫기' },
	'cmp.cols': { en: 'The variants side by side', ko: '변형을 나란히 보기' },
	'cmp.swipe': { en: 'The other variants are to the right: scroll the ladders sideways.', ko: '다른 변형은 오른쪽에 있습니다. 사다리 그림을 옆으로 넘겨 보세요.' },
	'cmp.moreRows': { en: '… and {n} more connections differ', ko: '… 그리고 {n}개의 연결이 더 다릅니다' },
	'cmp.more': { en: 'only the first {n} connections are drawn', ko: '처음 {n}개의 연결만 그립니다' },
	'aspect.states': { en: 'states', ko: '상태' },
	'aspect.wire': { en: 'segments on the wire', ko: '전송된 세그먼트' },
	'aspect.calls': { en: 'call results', ko: '호출 결과' },
	'aspect.held': { en: 'time held', ko: '유지 시간' },
	'aspect.misdelivered': { en: 'data from another connection', ko: '다른 연결의 데이터' },
	'aspect.expectations': { en: 'expectations hold', ko: '기대 충족' },
	'sum.misdelivered': { en: '{n} misdelivered', ko: '잘못 전달 {n}건' },
	'author.title': { en: 'Write your own scenario', ko: '나만의 시나리오 작성' },
	'author.hint': { en: 'The document format of docs/api.md, as JSON or YAML; its JSON Schema is at /api/scenarios/schema for your editor. Run it: the ladder below shows the run, mistakes are listed here by step and field.',
		ko: 'docs/api.md의 문서 형식(JSON 또는 YAML)입니다. 편집기에서 쓸 JSON 스키마는 /api/scenarios/schema에 있습니다. 실행하면 아래 사다리 그림에 결과가 나오고, 잘못된 곳은 단계와 필드별로 여기에 표시됩니다.' },
	'author.run': { en: 'Run', ko: '실행' },
	'author.running': { en: 'Running…', ko: '실행 중…' },
	'author.share': { en: 'Share link', ko: '공유 링크' },
	'author.ok': { en: 'Ran: {title} — every expectation holds.', ko: '실행됨: {title} — 모든 기대가 충족됩니다.' },
	'author.failed': { en: 'Ran: {title} — some expectations do not hold (see the narration).', ko: '실행됨: {title} — 충족되지 않은 기대가 있습니다(해설 참고).' },
	'author.long': { en: 'This link is long ({n} characters); some sites cut long links.', ko: '링크가 깁니다({n}자). 일부 사이트는 긴 링크를 자릅니다.' },
	'author.baddoc': { en: 'The shared document could not be read: {msg}', ko: '공유된 문서를 읽을 수 없습니다: {msg}' },
	'embed.hint': { en: 'Paste into your page; it opens exactly this view without the page chrome.', ko: '페이지에 붙여 넣으면 이 화면이 메뉴 없이 그대로 열립니다.' },
	'copy': { en: 'Copy', ko: '복사' },
	'copied': { en: 'Copied.', ko: '복사했습니다.' },
};


export function initAuthors({ store, scenarioView, $, onError = () => {}, onMade = () => {}, onRelease = () => {} }) {
	const lang = () => store.state.lang;
	const tr = (k, p = {}) => (S[k]?.[lang()] ?? S[k]?.en ?? k).replace(/\{(\w+)\}/g, (_, n) => (p[n] ?? ''));
	// a stylesheet file, not a <style> element: the Content-Security-Policy (style-src 'self') allows only files
	const sheet = document.createElement('link');
	sheet.rel = 'stylesheet';
	sheet.href = new URL('authors.css', import.meta.url).href;
	document.head.appendChild(sheet);

	// ------------------------------------------------------------ DOM
	const tools = h('div', { class: 'authors-tools authors-only', role: 'group', id: 'authors-tools' });
	const editorBox = h('div', { class: 'authors-box authors-only', id: 'author-box', hidden: '' });
	const embedBox = h('div', { class: 'authors-box embed-box authors-only', id: 'embed-box', hidden: '' });
	const panel = $('scenario-panel');
	panel.appendChild(tools);
	panel.appendChild(editorBox);
	panel.appendChild(embedBox);
	const cmpPanel = h('section', { id: 'compare-panel', class: 'panel compare-panel', hidden: '', 'aria-labelledby': 'compare-h' });
	const stage = document.querySelector('.stage');
	stage.parentNode.insertBefore(cmpPanel, stage);

	const editor = h('textarea', { id: 'author-doc', rows: '16', spellcheck: 'false', 'aria-labelledby': 'author-h', 'aria-describedby': 'author-hint' });
	const problems = h('ul', { id: 'author-problems', class: 'author-problems', 'aria-live': 'polite' });
	const status = h('p', { id: 'author-status', class: 'author-status', 'aria-live': 'polite' });
	const shareInput = h('input', { id: 'author-share', readonly: '', 'aria-label': 'share link' });
	const shareRow = h('div', { class: 'author-share', hidden: '' }, shareInput);
	const embedText = h('textarea', { id: 'embed-snippet', rows: '3', readonly: '', spellcheck: 'false', 'aria-label': 'iframe' });
	const embedHint = h('p', { class: 'hint' });
	const embedStatus = h('span', { class: 'hint', 'aria-live': 'polite' });

	let docName = null; // the name of the document run from the editor or a shared link
	let loadingDoc = false;
	let comparison = null;
	let comparing = null;

	const current = () => store.state.scenario?.name || $('scenario-select')?.value || null;

	// ------------------------------------------------------------ toolbar
	function renderTools() {
		while (tools.firstChild) {
			tools.removeChild(tools.firstChild);
		}
		tools.appendChild(h('span', { class: 'label', text: tr('tools.label') }));
		const name = store.state.scenario?.name;
		for (const p of name ? presetsFor(name) : []) {
			tools.appendChild(h('button', { type: 'button', class: 'cmp-preset', 'data-compare': p.id, text: `${tr('tools.compare')} ${pick(p.title, lang())}`,
				onclick: () => openComparison(p.id).catch(onError) }));
		}
		tools.appendChild(h('button', { type: 'button', id: 'author-open', 'aria-expanded': String(!editorBox.hidden), text: tr('tools.write'),
			onclick: () => toggleEditor().catch(onError) }));
		tools.appendChild(h('button', { type: 'button', id: 'embed-open-box', 'aria-expanded': String(!embedBox.hidden), text: tr('tools.embed'),
			onclick: () => {
				embedBox.hidden = !embedBox.hidden;
				renderEmbed();
				renderTools();
			} }));
		tools.appendChild(h('button', { type: 'button', id: 'dl-svg', text: tr('tools.svg'), onclick: () => downloadSvg(drawn(), `${fileBase()}.svg`, drawnOpts()) }));
		tools.appendChild(h('button', { type: 'button', id: 'dl-png', text: tr('tools.png'), onclick: () => downloadPng(drawn(), `${fileBase()}.png`, drawnOpts()).catch(onError) }));
	}

	/** What is shown: the comparison's ladders (side by side) when one is open, else the ladder with its header. */
	function drawn() {
		if (!cmpPanel.hidden && comparison) {
			return [...cmpPanel.querySelectorAll('.cmp-col svg')];
		}
		return [$('ladder-head'), $('ladder')];
	}

	const drawnOpts = () => ({ side: !cmpPanel.hidden && !!comparison });

	function fileBase() {
		const sc = store.state.scenario;
		const step = sc && store.state.reveal != null ? `-step${sc.step + 1}` : '';
		return `tcplab-${sc?.name || 'simulation'}${comparison && !cmpPanel.hidden ? `-compare-${comparing}` : step}`;
	}

	// ------------------------------------------------------------ embed
	function renderEmbed() {
		if (embedBox.hidden) {
			return;
		}
		if (!embedBox.firstChild) {
			embedBox.append(embedHint, embedText, h('div', { class: 'row' },
				h('button', { type: 'button', id: 'embed-copy', text: tr('copy'), onclick: () => copy(embedText.value, embedStatus) }), embedStatus));
		}
		embedHint.textContent = tr('embed.hint');
		const compare = !cmpPanel.hidden && !!comparison;
		const ladderHeight = compare ? (cmpPanel.querySelector('.cmp-col svg')?.viewBox.baseVal.height || 500)
			: ($('ladder')?.viewBox?.baseVal?.height || 500);
		const height = embedHeight({ compare, ladderHeight: Math.min(ladderHeight, 900), variants: comparison?.variants?.length || 1 });
		embedText.value = embedSnippet(viewUrl(location.href, { embed: true }), { height, title: `tcplab: ${store.state.scenario?.name || 'simulation'}` });
	}

	async function copy(text, where) {
		try {
			await navigator.clipboard.writeText(text);
		}
		catch {
			// the text stays selectable
		}
		where.textContent = tr('copied');
	}

	// ------------------------------------------------------------ comparison
	async function openComparison(param, { scenario = current() } = {}) {
		let doc = null;
		if (PRESETS[param]?.needsDocument) {
			doc = await fetchJson(`/api/scenarios/${encodeURIComponent(scenario)}`);
		}
		// variants without a profile of their own run on the page's profile (?profile=bsd&compare=timewait)
		const pageProfile = store.state.scenario?.profileParam || null;
		const variants = variantsFromParam(param, doc)?.map((v) => (v.profile || !pageProfile ? v : { ...v, profile: pageProfile }));
		if (!variants || !scenario) {
			return false;
		}
		comparing = param;
		cmpPanel.hidden = false;
		document.body.classList.add('embed-compare');
		renderComparisonShell(tr('cmp.running'));
		replaceParams({ compare: param });
		let ownDoc = null;
		try {
			ownDoc = store.state.scenario?.docText ? JSON.parse(store.state.scenario.docText) : null;
		}
		catch {
			// a YAML document: compare the built-in scenario of that name
		}
		const body = { scenario: ownDoc || scenario, variants };
		try {
			comparison = await fetchJson('/api/comparisons', body);
		}
		catch (e) {
			// a refusal must not leave "Running every variant…" on screen: say what to do instead
			renderComparisonShell(problemAction(e.problem, e.status).text || e.message);
			throw e;
		}
		onMade(...(comparison.variants || []).map((v) => v.simulationId));
		renderComparison();
		renderEmbed();
		// scrollIntoView would scroll the page that embeds this one too: in an embed the frame's own window moves
		if (store.state.embed) {
			window.scrollTo({ top: cmpPanel.getBoundingClientRect().top + window.scrollY, behavior: 'instant' });
		}
		else {
			cmpPanel.scrollIntoView?.({ block: 'start' });
		}
		return true;
	}

	function closeComparison() {
		onRelease(...(comparison?.variants || []).map((v) => v.simulationId));
		comparison = null;
		comparing = null;
		cmpPanel.hidden = true;
		document.body.classList.remove('embed-compare');
		replaceParams({ compare: null });
		renderEmbed();
	}

	function renderComparisonShell(message) {
		while (cmpPanel.firstChild) {
			cmpPanel.removeChild(cmpPanel.firstChild);
		}
		const preset = PRESETS[comparing];
		cmpPanel.appendChild(h('div', { class: 'panel-head' },
			h('h2', { id: 'compare-h', text: `${tr('cmp.title')}: ${preset ? pick(preset.title, lang()) : comparing}` }),
			h('button', { type: 'button', id: 'compare-close', class: 'authors-only', text: `✕ ${tr('cmp.close')}`, onclick: closeComparison })));
		if (message) {
			cmpPanel.appendChild(h('p', { class: 'hint', text: message }));
		}
	}

	function renderComparison() {
		if (!comparison) {
			return;
		}
		renderComparisonShell(null);
		const vs = comparison.variants;
		cmpPanel.appendChild(h('p', { class: 'hint', text: tr('cmp.legend') }));
		const maxPairs = 3;
		const evs = vs.map((v) => drawnEvents(v.trace, maxPairs));
		const marks = markDifferences(evs);
		// four variants fit side by side on a 1280 px screen; a phone scrolls the columns sideways
		const avail = (cmpPanel.clientWidth || 1200) - 40;
		const width = Math.max(270, Math.min(CMP.width, Math.floor(avail / vs.length) - 12));
		const o = { ...CMP, width, out: Math.round(width * 0.29) };
		const axis = sharedTimeAxis(evs, o);
		// the columns scroll sideways on a phone: the box takes the focus so the keyboard can scroll it
		const cols = h('div', { class: 'cmp-cols', role: 'region', tabindex: '0', 'aria-label': tr('cmp.cols') });
		vs.forEach((v, i) => {
			const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
			svg.setAttribute('role', 'img');
			renderVariant(svg, evs[i], axis, marks[i], { label: v.label, formatMs, misdelivered: v.summary?.misdelivered || [], lang: lang(), o });
			const held = heldBySide(v.summary?.held, formatMs);
			const mis = v.summary?.misdelivered?.length ? tr('sum.misdelivered', { n: v.summary.misdelivered.length }) : null;
			const pairs = new Set((v.trace || []).filter((e) => e.pair != null).map((e) => e.pair)).size;
			const sub = [v.profile, ...held, mis, pairs > maxPairs ? tr('cmp.more', { n: maxPairs }) : null].filter(Boolean).join(' · ');
			const fig = h('figure', { class: 'cmp-col', 'data-label': v.label },
				h('figcaption', {}, document.createTextNode(`${v.label} ${v.expectationsPassed ? '' : '✗'}`), h('span', { class: 'hint', text: sub })), svg);
			fig.style.width = `${width}px`; // CSSOM, which the CSP allows (a style attribute it would not)
			cols.appendChild(fig);
		});
		if (avail < vs.length * (width + 12)) {
			cmpPanel.appendChild(h('p', { class: 'hint', text: tr('cmp.swipe') }));
		}
		cmpPanel.appendChild(cols);
		cmpPanel.appendChild(h('h3', { text: tr('cmp.differences') }));
		const diffs = capDifferences(comparison.differences || []);
		if (diffs.length === 0) {
			cmpPanel.appendChild(h('p', { class: 'hint', text: tr('cmp.none') }));
		}
		else {
			const head = h('tr', {}, h('th', { text: tr('cmp.aspect') }), ...vs.map((v) => h('th', { text: v.label })));
			const rows = diffs.map((d) => (d.more ? h('tr', { class: 'more' }, h('th', { scope: 'row', text: tr(`aspect.${d.aspect}`) }),
				h('td', { colspan: String(vs.length), text: tr('cmp.moreRows', { n: d.more }) })) : h('tr', { 'data-aspect': d.aspect },
				h('th', { scope: 'row', text: `${tr(`aspect.${d.aspect}`)}${d.endpoint ? ` (${d.endpoint})` : ''}` }),
				...vs.map((v) => {
					const text = formatValue(fromDivergence(d.values)[v.label], formatMs);
					return h('td', { title: text, text: text.length > 240 ? `${text.slice(0, 237)}…` : text });
				}))));
			cmpPanel.appendChild(h('table', { class: 'cmp-diffs', id: 'compare-differences' }, h('thead', {}, head), h('tbody', {}, ...rows)));
		}
	}

	async function fetchJson(path, body) {
		const res = await fetch(path, body === undefined ? { headers: { Accept: 'application/json' } }
			: { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' }, body: JSON.stringify(body) });
		const data = await res.json().catch(() => ({}));
		if (!res.ok) {
			throw new ProblemError(res.status, data);
		}
		return data;
	}

	// ------------------------------------------------------------ editor
	async function toggleEditor() {
		editorBox.hidden = !editorBox.hidden;
		if (!editorBox.hidden && !editorBox.firstChild) {
			editorBox.append(
				h('h3', { id: 'author-h', text: tr('author.title') }),
				h('p', { id: 'author-hint', class: 'hint', text: tr('author.hint') }),
				editor,
				h('div', { class: 'row' },
					h('button', { type: 'button', id: 'author-run', text: tr('author.run'), onclick: () => runEditor().catch(onError) }),
					h('button', { type: 'button', id: 'author-share-copy', text: tr('author.share'), onclick: () => share().catch(onError) })),
				problems, status, shareRow);
		}
		if (!editorBox.hidden && !editor.value) {
			const name = current();
			const doc = store.state.scenario?.docText
				|| (name ? JSON.stringify(withSchema(await fetchJson(`/api/scenarios/${encodeURIComponent(name)}`), location.origin), null, 2) : '');
			editor.value = doc;
		}
		renderTools();
		if (!editorBox.hidden) {
			editor.focus();
		}
	}

	function showProblems(err) {
		while (problems.firstChild) {
			problems.removeChild(problems.firstChild);
		}
		const list = err.problem?.problems?.length ? err.problem.problems : [{ message: err.message }];
		for (const p of list) {
			problems.appendChild(h('li', { tabindex: '0', 'data-step': p.step ?? '', 'data-field': p.field ?? '', text: problemText(p, lang()),
				onclick: () => select(p) }));
		}
		editor.setAttribute('aria-invalid', 'true');
		status.textContent = '';
		select(list[0]);
	}

	function select(p) {
		const at = locateProblem(editor.value, p);
		if (at) {
			editor.focus();
			editor.setSelectionRange(at.start, at.end);
			const line = editor.value.slice(0, at.start).split('\n').length;
			editor.scrollTop = Math.max(0, (line - 3) * (parseFloat(getComputedStyle(editor).lineHeight) || 16));
		}
	}

	async function runEditor() {
		const text = editor.value;
		problems.replaceChildren();
		editor.removeAttribute('aria-invalid');
		status.textContent = tr('author.running');
		let run;
		try {
			run = await runDocument(text, { profile: $('profile')?.value || null });
		}
		catch (err) {
			showProblems(err);
			return false;
		}
		await showRun(run, text, { step: 1 });
		status.textContent = tr(run.passed ? 'author.ok' : 'author.failed', { title: pick(run.title, lang()) || run.name });
		await share();
		return true;
	}

	async function showRun(run, text, { step = 1 } = {}) {
		loadingDoc = true;
		try {
			await scenarioView.run(run.name, { step, profile: run.profile, runner: async () => run, docText: text });
		}
		finally {
			loadingDoc = false;
		}
		docName = run.name;
		replaceParams({ doc: await encodeDocument(text), compare: null });
		if (!cmpPanel.hidden) {
			closeComparison();
		}
	}

	async function share() {
		const token = await encodeDocument(editor.value);
		const u = new URL(viewUrl(location.href));
		u.searchParams.set('doc', token);
		u.searchParams.delete('compare');
		u.searchParams.set('step', '1');
		shareInput.value = u.toString();
		shareRow.hidden = false;
		if (shareInput.value.length > 6000) {
			status.textContent = tr('author.long', { n: shareInput.value.length });
		}
		copy(shareInput.value, h('span')).catch(() => {});
		return shareInput.value;
	}

	// ------------------------------------------------------------ state changes and links
	store.addEventListener('change', (e) => {
		const ch = e.detail.changed;
		const has = (k) => !ch || ch.has?.(k) || (Array.isArray(ch) && ch.includes(k));
		if (has('lang')) {
			replaceParams({ lang: store.state.lang });
			renderTools();
			if (comparison) {
				renderComparison();
			}
		}
		if (has('scenario')) {
			const name = store.state.scenario?.name || null;
			if (loadingDoc) {
				return;
			}
			if (docName && name !== docName) {
				docName = null;
				replaceParams({ doc: null });
			}
			if (comparison && name !== comparison.scenario && !(comparing === 'closer' && name === 'busy-server-time-wait')) {
				closeComparison();
			}
			renderTools();
		}
		renderEmbed();
	});
	renderTools();

	return {
		/** Opens ?doc=TOKEN: decodes and runs the shared document at the given step. */
		async openDocument(token, { step } = {}) {
			let text;
			try {
				text = await decodeDocument(token);
			}
			catch (err) {
				throw new Error(tr('author.baddoc', { msg: err.message }));
			}
			editor.value = text;
			let run;
			try {
				run = await runDocument(text, { profile: new URLSearchParams(location.search).get('profile') });
			}
			catch (err) {
				await toggleEditor();
				showProblems(err);
				throw err;
			}
			await showRun(run, text, { step: step || 1 });
			return run;
		},
		/** Opens ?compare= once the scenario is shown. */
		openComparison: (param) => openComparison(param),
		closeComparison,
		renderTools,
	};
}
