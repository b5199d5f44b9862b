// Real engine traces (scenario runs on the linux profile, seed 1), written by the Java test
// dev.tcplab.ui.FrontendFixturesTest into fixtures/*.json. Each call returns a fresh copy.
import { readFileSync } from 'node:fs';

const cache = new Map();

/** {name, profile, seed, narration, trace} of a scenario run. */
export function scenarioRun(name) {
	if (!cache.has(name)) {
		cache.set(name, readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
	}
	return JSON.parse(cache.get(name));
}

/** The article's normal close: the client closes first, the server reads EOF and closes (active-close). */
export function normalClose() {
	return scenarioRun('active-close').trace;
}

/** The last ACK is lost; the server retransmits its FIN; TIME_WAIT answers it and restarts. */
export function lostLastAck() {
	return scenarioRun('lost-last-ack').trace;
}
