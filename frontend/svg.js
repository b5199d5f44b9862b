// One SVG element factory for every drawing (ladder, state diagrams, census chart). Text goes in as
// textContent, never as markup.

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with the given attributes (null/undefined ones skipped) and optional text. */
export function el(name, attrs = {}, text) {
	const n = document.createElementNS(SVG_NS, name);
	for (const [k, v] of Object.entries(attrs)) {
		if (v !== undefined && v !== null) {
			n.setAttribute(k, String(v));
		}
	}
	if (text !== undefined) {
		n.textContent = text;
	}
	return n;
}
