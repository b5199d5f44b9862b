// Small DOM helpers for the views: data goes in as textContent or attributes, never as markup.

/** The element with this id in the page. */
export const $ = (id) => document.getElementById(id);

/**
 * An element with attributes (null/undefined/false skipped; "text" sets textContent, "class" the class, a function
 * under "onX" listens to X) and children.
 */
export function h(tag, attrs = {}, ...kids) {
	const n = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v == null || v === false) {
			continue;
		}
		if (k === 'text') {
			n.textContent = String(v);
		}
		else if (k === 'class') {
			n.className = v;
		}
		else if (k.startsWith('on') && typeof v === 'function') {
			n.addEventListener(k.slice(2), v);
		}
		else {
			n.setAttribute(k, v === true ? '' : String(v));
		}
	}
	for (const kid of kids.flat()) {
		if (kid != null && kid !== false) {
			n.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
		}
	}
	return n;
}

/** Replaces an element's children. */
export function fill(parent, ...kids) {
	parent.replaceChildren(...kids.flat().filter((k) => k != null && k !== false));
	return parent;
}

/**
 * One listener on a container for every matching descendant (event delegation): handler(event, matched) runs for
 * events whose target is inside an element matching selector, inside root.
 */
export function delegate(root, type, selector, handler) {
	root.addEventListener(type, (ev) => {
		const hit = ev.target?.closest?.(selector);
		if (hit && root.contains(hit)) {
			handler(ev, hit);
		}
	});
}

/** The next animation frame, or a 16 ms timer when the page is hidden (frames do not run then). */
export function nextFrame(fn) {
	return typeof requestAnimationFrame === 'function' && document.visibilityState !== 'hidden'
		? requestAnimationFrame(fn) : setTimeout(fn, 16);
}
