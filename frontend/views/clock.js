// The clock (virtual time, play/pause, step, run until idle, speed) and the running timers with the census.
import { formatMs } from '../i18n.js';
import { runningTimers, countdown } from '../timers.js';
import { visibleNow, isLoad } from '../selectors.js';
import { censusSeries } from '../census.js';
import { $, h, fill } from './dom.js';

/** The clock line: virtual time, mode and the play button's state. */
export function clockModel(state, t, wallNowMs = Date.now()) {
	const c = state.clock;
	let mode = '';
	if (c) {
		mode = c.mode !== 'realtime' ? t('clock.manual') : (c.paused ? t('clock.paused') : t('clock.running', { speed: c.speed ?? 1 }));
	}
	const paused = !c || c.paused || c.mode !== 'realtime';
	return { now: t('clock.now', { now: formatMs(visibleNow(state, wallNowMs), state.lang) }), mode: mode ? `(${mode})` : '', paused,
		play: paused ? t('clock.play') : t('clock.pause') };
}

export function createClockView({ store, t, simulation }) {
	$('play-pause').addEventListener('click', () => simulation.togglePlay());
	$('step').addEventListener('click', () => simulation.clock({ step: true }));
	$('run-idle').addEventListener('click', () => simulation.clock({ runUntilIdle: true }));
	$('speed').addEventListener('change', (e) => simulation.clock({ speed: Number(e.target.value) }));

	function renderClock(state) {
		const m = clockModel(state, t);
		$('clock-now').textContent = m.now;
		$('clock-mode').textContent = m.mode;
		const pp = $('play-pause');
		pp.textContent = m.play;
		pp.setAttribute('aria-pressed', String(!m.paused));
		const c = state.clock;
		if (c?.speed != null && document.activeElement !== $('speed')) {
			const opt = [...$('speed').options].find((o) => Number(o.value) === Number(c.speed));
			if (opt) {
				$('speed').value = opt.value;
			}
		}
	}

	function renderTimers(state) {
		const fmt = (ms) => formatMs(ms, state.lang);
		const events = store.visible();
		const complete = state.reveal != null || (state.oldestSeq ?? 0) === 0;
		const now = visibleNow(state);
		const timers = runningTimers(events, state.reveal != null ? null : state.sim, { complete })
			.filter((x) => state.pairId === 'all' || x.pair === state.pairId);
		const items = timers.map((tm) => {
			const { leftMs, fraction } = countdown(tm, now);
			const who = state.pairId === 'all' ? `p${tm.pair} ` : '';
			return h('li', { class: `timer timer-${tm.timer}` },
				h('strong', { text: `${who}${t(tm.endpoint === 'server' ? 'side.server' : 'side.client')} · ${tm.timer}` }),
				h('span', { class: 'timer-left', text: ` ${t('timers.left', { left: fmt(leftMs) })} · ${t('timers.expires', { at: fmt(tm.expiresAtMs) })}` }),
				fraction != null ? progress(fraction, `${tm.timer} ${t('timers.left', { left: fmt(leftMs) })}`) : null);
		});
		// a states-only trace (a load) records no timers: "no timer running" would be false
		const untraced = state.sim?.traceLevel === 'states' && !events.some((e) => e.type === 'timer');
		const none = untraced ? t('timers.notTraced', { tw: fmt(state.sim?.constants?.timeWaitMs) }) : t('timers.none');
		fill($('timers'), items.length ? items : [h('li', { class: 'hint', text: none })]);
		const data = censusSeries(events, { load: isLoad(state) });
		const derived = data.times.length ? Object.fromEntries(Object.entries(data.series).map(([k, v]) => [k, v[v.length - 1]])) : null;
		const lastCensus = [...events].reverse().find((e) => e.type === 'census');
		const counts = derived || lastCensus?.counts || (state.reveal == null ? state.sim?.census : null);
		$('census').textContent = counts && Object.keys(counts).length
			? `${t('timers.census')} ${Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(' · ')}`
			: '';
	}

	return {
		keys: ['lang', 'clock', 'events', 'reveal', 'sim', 'pairId'],
		render(state) {
			renderClock(state);
			renderTimers(state);
		},
		/** Countdowns between clock reports. */
		tick() {
			renderClock(store.state);
			renderTimers(store.state);
		},
	};
}

function progress(value, label) {
	const bar = h('progress', { max: '1', 'aria-label': label });
	bar.value = value;
	return bar;
}
