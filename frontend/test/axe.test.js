import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';

// The browser tests inject axe-core from src/test/resources/axe-core/axe.min.js (committed, with its MPL-2.0
// licence, so CI downloads nothing); package.json pins the same version as a dev dependency.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const copy = new URL('../../src/test/resources/axe-core/axe.min.js', import.meta.url);

test('the committed axe-core is the version package.json pins', () => {
	const pinned = pkg.devDependencies['axe-core'];
	assert.match(pinned, /^\d+\.\d+\.\d+$/, 'an exact version');
	const head = readFileSync(copy, 'utf8').slice(0, 200);
	assert.match(head, new RegExp(`axe v${pinned.replace(/\./g, '\\.')}\\b`));
	assert.ok(existsSync(new URL('../../src/test/resources/axe-core/LICENSE', import.meta.url)), 'its licence travels with it');
	const installed = new URL('../node_modules/axe-core/axe.min.js', import.meta.url);
	if (existsSync(installed)) {
		assert.ok(readFileSync(installed).equals(readFileSync(copy)), 'npm install gives the committed file');
	}
});
