package dev.tcplab.ui;

/** Page scripts the UI tests share. */
final class LadderScripts {

	/**
	 * Pairs of ladder texts of different items (one arrow's label lines, one call's
	 * lines, one bar's texts) whose boxes in the page overlap, as "text <> text".
	 */
	static final String LABEL_OVERLAPS = """
			const group = (t) => t.closest('g.seg, g.call, g.bar, g.state-change, g.gap, g.bar-marker') || t;
			const boxes = [...document.querySelectorAll('#ladder text')].map((t) => ({ t, g: group(t), r: t.getBoundingClientRect() }))
				.filter((b) => b.r.width > 0 && b.r.height > 0);
			const out = [];
			for (let i = 0; i < boxes.length; i++) {
				for (let j = i + 1; j < boxes.length; j++) {
					const a = boxes[i], b = boxes[j];
					if (a.g === b.g) continue;
					const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
					const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
					if (w > 1 && h > 1) out.push(a.t.textContent + ' <> ' + b.t.textContent);
				}
			}
			return out;""";

	private LadderScripts() {
	}

}
