// Validates an AsyncAPI document with @asyncapi/parser (pinned in package.json): prints the diagnostics as JSON
// ({errors, warnings, messages}) and exits 1 when there is an error. Used by AsyncApiDocumentTest.
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';

const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, 'utf8'), { source: file });
const errors = diagnostics.filter((d) => d.severity === 0);
const warnings = diagnostics.filter((d) => d.severity === 1);
const messages = document ? document.allMessages().all().map((m) => m.id()) : [];
console.log(JSON.stringify({ errors: errors.map((d) => `${d.path.join('.')}: ${d.message}`),
	warnings: warnings.map((d) => `${d.path.join('.')}: ${d.message}`), messages }));
process.exit(errors.length || !document ? 1 : 0);
