// `pnpm new-family <kind>`: writes the skeleton of a provider family, packages/<kind>/, on the pattern of
// CONTRIBUTING.md ("A family package, file by file", "Options: one pattern"): package.json with every
// script the pipeline runs, the config files, the src files (index, rules, methods, front, memory,
// filesystem, mock, conformance), the tests, a README, and a changeset. Its interface is a minimal real
// document family (named records of one value: get, put, delete, list), so the skeleton builds, passes
// `biome check`, `tsc --noEmit` and its own tests as written; each file says, at a `TODO(seed)` comment,
// where the seed's interface and the family's own rules go. Then `node scripts/check-exports.mjs --write`
// derives its `exports` and adds it to @omega/providers. The templates are scripts/new-family/template/
// (`{{kind}}` is the kind, `{{X}}` its PascalCase, `{{x}}` its camelCase, `{{folder}}` the store folder).
// scripts/check-new-family.sh proves all of this on a throwaway copy of the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENTRIES } from './entries.mjs';
import { REPO, shortName, workspacePackages } from './families.mjs';

const TEMPLATE = path.join(REPO, 'scripts', 'new-family', 'template');
const USAGE = 'usage: pnpm new-family <kind>   (e.g. `pnpm new-family receipt`: writes packages/receipt/)';

/** `receipt` is `Receipt`, `probe-family` is `ProbeFamily` (as scripts/check-tarballs.mjs derives it). */
const pascal = (kind) =>
  kind
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/** `probe-family` is `probeFamily`. */
const camel = (kind) => {
  const name = pascal(kind);
  return name.charAt(0).toLowerCase() + name.slice(1);
};

/** The names the skeleton declares, by CONTRIBUTING's naming (`XProvider`, `MemoryXProvider`, ...). */
function declaredNames(X, x) {
  return [
    `${X}Provider`,
    `${X}Record`,
    `${X}RecordSchema`,
    `${x}RecordOf`,
    `${X}Header`,
    `${X}HeaderSchema`,
    `${X}RecordShape`,
    `encode${X}`,
    `decode${X}`,
    `${X}Front`,
    `${X}FrontOptions`,
    `Memory${X}Provider`,
    `Memory${X}ProviderOptions`,
    `Filesystem${X}Provider`,
    `Filesystem${X}ProviderOptions`,
    `Mock${X}Provider`,
    `Mock${X}ProviderOptions`,
    `describe${X}Provider`,
    `${X}ProviderFixture`,
    `${X}ConformanceOptions`,
  ];
}

/**
 * Every word of @omega/core's public entries and of the families' sources: a derived name among them
 * would clash in a generated file (kind `document` makes `DocumentFront`, which core exports) or in
 * @omega/providers, which re-exports core and every family from its root.
 */
function takenWords() {
  const files = [];
  for (const { dir, folder, manifest } of workspacePackages()) {
    const src = path.join(dir, 'src');
    if (folder === 'core') {
      for (const entry of ENTRIES.core) files.push(path.join(src, `${entry.name}.ts`));
    } else if (manifest.omega?.entries === 'family' && existsSync(src)) {
      for (const file of readdirSync(src)) if (file.endsWith('.ts')) files.push(path.join(src, file));
    }
  }
  const words = new Set();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const word of readFileSync(file, 'utf8').match(/[A-Za-z_$][\w$]*/g) ?? []) words.add(word);
  }
  return words;
}

/** Why `kind` cannot name a new family, or null. */
function refusal(kind) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(kind)) {
    return (
      `"${kind}" is not a family kind: lowercase letters and digits, words joined by single hyphens, ` +
      'starting with a letter (`receipt`, `provenance-evidence`)'
    );
  }
  const existing = workspacePackages().find(
    ({ folder, manifest }) => folder === kind || shortName(manifest.name ?? '') === kind,
  );
  if (existing) return `packages/${existing.folder} (${existing.manifest.name}) already exists`;
  if (existsSync(path.join(REPO, 'packages', kind))) return `packages/${kind} already exists`;
  // @omega/providers has an entry per family beside `index` and each ESM-only family entry (scripts/entries.mjs).
  const reserved = [
    'index',
    ...ENTRIES.family.filter(({ formats }) => !formats.includes('cjs')).map(({ name }) => name),
  ];
  if (reserved.includes(kind)) {
    return `"${kind}" would clash with the entry \`${kind}\` of @omega/providers (scripts/entries.mjs)`;
  }
  const taken = takenWords();
  const clash = declaredNames(pascal(kind), camel(kind)).filter((name) => taken.has(name));
  if (clash.length > 0) {
    return `"${kind}" would declare ${clash.join(', ')}, already a name of @omega/core or of a family`;
  }
  return null;
}

/** The template files, as paths relative to the template folder. */
function templates(dir = TEMPLATE, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? templates(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.name.endsWith('.tmpl')
        ? [`${prefix}${entry.name}`]
        : [],
  );
}

/** A template's text with its placeholders filled in. */
function render(template, values) {
  return readFileSync(path.join(TEMPLATE, template), 'utf8').replace(/\{\{(\w+)\}\}/g, (match, key) => {
    if (!Object.hasOwn(values, key)) throw new Error(`${template}: unknown placeholder ${match}`);
    return values[key];
  });
}

function run(command, args) {
  execFileSync(command, args, { cwd: REPO, stdio: 'inherit' });
}

const args = process.argv.slice(2).filter((arg) => arg !== '--');
if (args.length !== 1 || args[0].startsWith('-')) {
  console.error(USAGE);
  process.exit(args.includes('--help') || args.includes('-h') ? 0 : 2);
}
const kind = args[0];
const why = refusal(kind);
if (why) {
  console.error(`new-family: ${why}`);
  process.exit(1);
}

const X = pascal(kind);
const values = { kind, X, x: camel(kind), folder: kind };
const dir = path.join(REPO, 'packages', kind);
const changeset = path.join(REPO, '.changeset', `${kind}-family.md`);
if (existsSync(changeset)) {
  console.error(`new-family: ${path.relative(REPO, changeset)} already exists`);
  process.exit(1);
}

const written = [];
try {
  for (const template of templates()) {
    const relative = template.slice(0, -'.tmpl'.length);
    const target = relative === 'changeset.md' ? changeset : path.join(dir, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, render(template, values), { flag: 'wx' });
    written.push(path.relative(REPO, target));
  }
  // Import order and line breaks depend on the kind (`type AuditHeader` sorts before `DOCUMENTS`, a long kind
  // breaks a signature): biome settles them, as it would on save. It fails on anything it cannot fix.
  run(path.join(REPO, 'node_modules', '.bin', 'biome'), ['check', '--write', path.relative(REPO, dir)]);
} catch (error) {
  // Leave no half-written family behind.
  rmSync(dir, { recursive: true, force: true });
  rmSync(changeset, { force: true });
  throw error;
}
// exports, main, module and types of the package; @omega/providers' re-exports and dependencies.
run(process.execPath, [path.join(REPO, 'scripts', 'check-exports.mjs'), '--write']);

const subpaths = ENTRIES.family.map(({ name }) => `\`${name === 'index' ? '.' : `./${name}`}\``).join(', ');
console.log(`
new-family: wrote packages/${kind}/ (@omega/${kind}) and .changeset/${kind}-family.md:
  ${written.sort().join('\n  ')}

It builds and passes its tests as it is: a document family of named records of one value (get, put,
delete, list). Next:
  1. pnpm install, then commit pnpm-lock.yaml with the package (CI installs with --frozen-lockfile).
  2. Put the seed's interface in packages/${kind}/src/index.ts, then follow each TODO(seed) comment:
     rules.ts, methods.ts, front.ts, conformance.ts, the tests, README.md and the changeset.
     (CONTRIBUTING.md, "Checklist for a new family", from step 2.)
  3. Add a row to the package table of the root README.md:
     | [\`@omega/${kind}\`](packages/${kind}) | ${subpaths} | memory, filesystem, mock | TODO (\`${X}Provider\`) |
     and its subpath \`./${kind}\` in the @omega/providers row.
  4. pnpm --filter @omega/${kind}... build && pnpm --filter @omega/${kind} test, then pnpm verify.
`);
