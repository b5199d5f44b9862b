// Deep links, share links that carry a scenario document, the "Embed this" snippet and ladder downloads.
// The URL helpers are pure (tested under node: frontend/test/embed.test.js); the download helpers need a DOM.

/** Query parameters of a view (everything else, e.g. sim ids of live simulations, is not a durable link). */
export const VIEW_PARAMS = ['scenario', 'step', 'lang', 'profile', 'compare', 'doc'];

const b64url = (bytes) => {
	let s = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const unb64url = (s) => {
	const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) {
		out[i] = bin.charCodeAt(i);
	}
	return out;
};

async function pipe(bytes, stream) {
	const res = new Response(new Blob([bytes]).stream().pipeThrough(stream));
	return new Uint8Array(await res.arrayBuffer());
}

/** A document's text as a URL-safe token: deflate-raw, then base64url (no padding). */
export async function encodeDocument(text) {
	return b64url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
}

/** The inverse of encodeDocument; throws on a damaged token. */
export async function decodeDocument(token) {
	if (!/^[A-Za-z0-9_-]+$/.test(token || '')) {
		throw new Error('not a base64url token');
	}
	return new TextDecoder().decode(await pipe(unb64url(token), new DecompressionStream('deflate-raw')));
}

/**
 * The link of a view: the page URL with only the view parameters (no live simulation id when the view re-runs
 * a scenario or document), plus embed=1 when asked.
 */
export function viewUrl(href, { embed = false } = {}) {
	const u = new URL(href);
	const keep = new URLSearchParams();
	for (const k of VIEW_PARAMS) {
		if (u.searchParams.has(k)) {
			keep.set(k, u.searchParams.get(k));
		}
	}
	if (!keep.has('scenario') && !keep.has('doc') && u.searchParams.has('sim')) {
		keep.set('sim', u.searchParams.get('sim'));
	}
	if (embed) {
		keep.set('embed', '1');
	}
	u.search = keep.toString();
	u.hash = '';
	return u.toString();
}

/** A sensible iframe height for a view: the comparison is taller than a single ladder; phones get less. */
export function embedHeight({ compare = false, ladderHeight = 600, variants = 1 } = {}) {
	const base = compare ? 260 + ladderHeight : 320 + ladderHeight;
	return Math.max(480, Math.min(compare && variants > 2 ? 1400 : 1100, Math.round(base / 10) * 10));
}

const escAttr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The iframe snippet for a view. */
export function embedSnippet(url, { height = 800, title = 'tcplab' } = {}) {
	return `<iframe src="${escAttr(url)}" width="100%" height="${height}" style="border:1px solid #ccc;border-radius:6px" `
		+ `title="${escAttr(title)}" loading="lazy"></iframe>`;
}

/** Sets (or, for null, removes) URL parameters without a navigation. */
export function replaceParams(p) {
	const u = new URL(location.href);
	for (const [k, v] of Object.entries(p)) {
		if (v == null) {
			u.searchParams.delete(k);
		}
		else {
			u.searchParams.set(k, v);
		}
	}
	if (u.toString() !== location.href) {
		history.replaceState(history.state, '', u);
	}
}

const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family',
	'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'visibility', 'display', 'paint-order'];

/** A copy of drawn <svg>s stacked vertically, with the page's computed styles inlined, as standalone SVG text. */
export function standaloneSvg(svgs, { background = '#ffffff', side = false, gap = 12 } = {}) {
	const NS = 'http://www.w3.org/2000/svg';
	const parts = svgs.filter(Boolean).filter((s) => !s.hidden && s.viewBox?.baseVal?.width);
	let width = side ? 0 : Math.max(...parts.map((s) => s.viewBox.baseVal.width));
	let y = 0;
	let x = 0;
	const out = document.createElementNS(NS, 'svg');
	out.setAttribute('xmlns', NS);
	const bg = document.createElementNS(NS, 'rect');
	out.appendChild(bg);
	for (const s of parts) {
		const vb = s.viewBox.baseVal;
		const g = document.createElementNS(NS, 'g');
		g.setAttribute('transform', `translate(${x} ${side ? 0 : y})`);
		const clone = s.cloneNode(true);
		inlineStyles(s, clone);
		while (clone.firstChild) {
			g.appendChild(clone.firstChild);
		}
		out.appendChild(g);
		if (side) {
			x += vb.width + gap;
			width = x - gap;
			y = Math.max(y, vb.height);
		}
		else {
			y += vb.height;
		}
	}
	out.setAttribute('width', width);
	out.setAttribute('height', y);
	out.setAttribute('viewBox', `0 0 ${width} ${y}`);
	bg.setAttribute('width', width);
	bg.setAttribute('height', y);
	bg.setAttribute('fill', background);
	return { text: new XMLSerializer().serializeToString(out), width, height: y };
}

function inlineStyles(src, dst) {
	const a = [src, ...src.querySelectorAll('*')];
	const b = [dst, ...dst.querySelectorAll('*')];
	for (let i = 0; i < a.length; i++) {
		const cs = getComputedStyle(a[i]);
		const decl = STYLE_PROPS.map((p) => [p, cs.getPropertyValue(p)]).filter(([, v]) => v && v !== 'normal' && v !== 'auto')
			.map(([p, v]) => `${p}:${v}`).join(';');
		if (decl) {
			b[i].setAttribute('style', decl);
		}
		b[i].removeAttribute('class');
		b[i].removeAttribute('tabindex');
	}
}

/** Saves a blob as a file the browser downloads. */
export function saveFile(blob, name) {
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = name;
	document.body.appendChild(a);
	a.click();
	setTimeout(() => {
		URL.revokeObjectURL(a.href);
		a.remove();
	}, 1000);
}

export function downloadSvg(svgs, name, opts = {}) {
	const { text } = standaloneSvg(svgs, opts);
	saveFile(new Blob([text], { type: 'image/svg+xml' }), name);
	return text;
}

/** Renders the standalone SVG onto a canvas at 2× and saves it as PNG. */
export async function downloadPng(svgs, name, opts = {}, scale = 2) {
	const { text, width, height } = standaloneSvg(svgs, opts);
	const img = new Image();
	// a data: URL, because the page's CSP allows images from 'self' and data: only (not blob:)
	const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
	try {
		await new Promise((ok, fail) => {
			img.onload = ok;
			img.onerror = () => fail(new Error('the ladder could not be drawn as an image'));
			img.src = url;
		});
		const canvas = document.createElement('canvas');
		canvas.width = Math.ceil(width * scale);
		canvas.height = Math.ceil(height * scale);
		const ctx = canvas.getContext('2d');
		ctx.scale(scale, scale);
		ctx.drawImage(img, 0, 0, width, height);
		const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/png'));
		saveFile(blob, name);
		return blob;
	}
	finally {
		img.src = '';
	}
}
