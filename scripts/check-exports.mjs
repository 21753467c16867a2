// Derives `exports`, `main`, `module` and `types` of every published package from its entry list in
// scripts/entries.mjs, and fails listing what package.json says otherwise. `--write` rewrites them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRIES } from './entries.mjs';

const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const write = process.argv.includes('--write');

const subpath = (name) => (name === 'index' ? '.' : `./${name}`);
const esm = (name) => ({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
const cjs = (name) => ({ types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` });

/** The fields package.json must have, in the order they are written. */
function expectedFields(entries) {
  const exports = {};
  for (const { name, formats } of entries) {
    exports[subpath(name)] = formats.includes('cjs') ? { import: esm(name), require: cjs(name) } : esm(name);
  }
  exports['./package.json'] = './package.json';
  const root = entries.find(({ name }) => name === 'index');
  if (!root) throw new Error('an entry list needs an `index` entry');
  const dual = root.formats.includes('cjs');
  return {
    exports,
    main: dual ? cjs('index').default : esm('index').default,
    module: esm('index').default,
    types: dual ? cjs('index').types : esm('index').types,
  };
}

/** What differs between two `exports` objects (or any two values), one line each. */
function differences(field, expected, actual) {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  if (typeof expected !== 'object' || typeof actual !== 'object' || actual === null) {
    return [`${field}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
  }
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const lines = keys.flatMap((key) => differences(`${field}["${key}"]`, expected[key], actual[key]));
  return lines.length > 0
    ? lines
    : [`${field}: keys out of order, expected ${Object.keys(expected).join(', ')}`];
}

let failed = false;
for (const dir of readdirSync(path.join(repo, 'packages'))) {
  const file = path.join(repo, 'packages', dir, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (manifest.private) continue;
  const list = manifest.omega?.entries;
  const entries = Object.hasOwn(ENTRIES, list) ? ENTRIES[list] : undefined;
  if (!entries) {
    console.error(`${manifest.name}: "omega": { "entries": ... } must name one of ${Object.keys(ENTRIES)}`);
    failed = true;
    continue;
  }
  const expected = expectedFields(entries);
  const lines = Object.entries(expected).flatMap(([key, value]) => differences(key, value, manifest[key]));
  if (lines.length === 0) continue;
  if (write) {
    // Replace in place to keep the key order; a missing field goes at the end.
    writeFileSync(file, `${JSON.stringify({ ...manifest, ...expected }, null, 2)}\n`);
    console.log(`${manifest.name}: rewrote ${path.relative(repo, file)}`);
  } else {
    console.error(`${manifest.name} (${path.relative(repo, file)}):\n  ${lines.join('\n  ')}`);
    failed = true;
  }
}
if (failed) {
  console.error(
    'check-exports: package.json differs from scripts/entries.mjs; run `node scripts/check-exports.mjs --write`',
  );
  process.exit(1);
}
console.log(`check-exports: every package.json matches scripts/entries.mjs`);
