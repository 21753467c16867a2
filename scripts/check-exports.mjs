// The package checks `pnpm lint` runs, for every published package (and every package with an `omega`
// field), each failure naming the package and what to change:
// - `exports`, `main`, `module` and `types` are derived from its entry list in scripts/entries.mjs;
// - it has every script the pipeline runs (the tasks of turbo.json): turbo skips a package without one
//   silently, so a missing `test` would otherwise pass as "nothing to test";
// - @omega/providers is what scripts/providers.mjs generates from the family list: its `src/` files
//   (`export * from ...` only) and its `dependencies`.
// `--write` rewrites what can be derived (exports and the providers package); a missing script it cannot.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENTRIES } from './entries.mjs';
import { REPO, workspacePackages } from './families.mjs';
import { HEADER, providerDependencies, providerSources } from './providers.mjs';

const write = process.argv.includes('--write');

const subpath = (name) => (name === 'index' ? '.' : `./${name}`);
const esm = (name) => ({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
const cjs = (name) => ({ types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` });

/** The scripts every package must have: the tasks turbo runs in each package (not `pkg#task` ones). */
const TASKS = Object.keys(JSON.parse(readFileSync(path.join(REPO, 'turbo.json'), 'utf8')).tasks).filter(
  (task) => !task.includes('#'),
);

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

/** Whether a file starts with the header of the files scripts/providers.mjs generates. */
function generatedBefore(file) {
  try {
    return readFileSync(file, 'utf8').startsWith(HEADER);
  } catch {
    return false; // a directory, say
  }
}

/** The generated files of the providers package that differ; with `--write`, rewrites them. */
function checkProviderSources(dir) {
  const expected = providerSources();
  const src = path.join(dir, 'src');
  let present = [];
  try {
    present = readdirSync(src).map((file) => `src/${file}`);
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
  }
  const lines = [];
  for (const file of present.filter((f) => !Object.hasOwn(expected, f))) {
    // A file this script generated for a family that is gone goes; anything else is reported, not deleted.
    if (write && generatedBefore(path.join(dir, file))) {
      rmSync(path.join(dir, file));
      console.log(`removed ${path.relative(REPO, path.join(dir, file))}`);
    } else {
      lines.push(`${file}: not generated from the family list (the package has no code of its own)`);
    }
  }
  for (const [file, text] of Object.entries(expected)) {
    let actual;
    try {
      actual = readFileSync(path.join(dir, file), 'utf8');
    } catch (error) {
      if (error?.code !== 'ENOENT') throw error;
    }
    if (actual === text) continue;
    if (write) {
      writeFileSync(path.join(dir, file), text, { flag: 'w' });
      console.log(`wrote ${path.relative(REPO, path.join(dir, file))}`);
    } else {
      lines.push(`${file}: ${actual === undefined ? 'missing' : 'not what the family list generates'}`);
    }
  }
  return lines;
}

let failed = false;
const fail = (manifest, file, lines) => {
  console.error(`${manifest.name} (${path.relative(REPO, file)}):\n  ${lines.join('\n  ')}`);
  failed = true;
};

for (const { dir, manifest } of workspacePackages()) {
  const file = path.join(dir, 'package.json');
  if (manifest.private && manifest.omega === undefined) continue;
  if (manifest.private) {
    fail(manifest, file, [`has an "omega" field but is private: every family and entry list is published`]);
    continue;
  }
  const list = manifest.omega?.entries;
  const entries = Object.hasOwn(ENTRIES, list) ? ENTRIES[list] : undefined;
  if (!entries) {
    fail(manifest, file, [`"omega": { "entries": ... } must name one of ${Object.keys(ENTRIES)}`]);
    continue;
  }

  const missing = TASKS.filter((task) => !manifest.scripts?.[task]?.trim());
  if (missing.length > 0) {
    fail(
      manifest,
      file,
      missing.map(
        (task) =>
          `no "${task}" script: turbo runs \`${task}\` in every package (turbo.json) and skips one without it silently`,
      ),
    );
  }

  const expected = expectedFields(entries);
  if (list === 'providers') expected.dependencies = providerDependencies();
  const lines = Object.entries(expected).flatMap(([key, value]) => differences(key, value, manifest[key]));
  if (lines.length > 0) {
    if (write) {
      // Replace in place to keep the key order; a missing field goes at the end.
      writeFileSync(file, `${JSON.stringify({ ...manifest, ...expected }, null, 2)}\n`);
      console.log(`${manifest.name}: rewrote ${path.relative(REPO, file)}`);
    } else {
      fail(manifest, file, lines);
    }
  }
  if (list === 'providers') {
    const sources = checkProviderSources(dir);
    if (sources.length > 0) fail(manifest, file, sources);
  }
}
if (failed) {
  console.error(
    'check-exports: packages differ from scripts/entries.mjs, the family list or the pipeline; ' +
      '`node scripts/check-exports.mjs --write` rewrites exports and @omega/providers (then run `pnpm install`), ' +
      'a missing script has to be added by hand',
  );
  process.exit(1);
}
console.log(
  `check-exports: every package.json matches scripts/entries.mjs and has the scripts ${TASKS.join(', ')}; ` +
    '@omega/providers matches the family list',
);
