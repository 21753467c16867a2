// Packs every publishable package, installs the tarballs into a fresh npm project outside the repo, and
// checks that every exported subpath loads through `import` and `require` and type-checks under
// `moduleResolution: nodenext` (as ESM and as CommonJS). What covers every family is generated here from
// the family list (scripts/families.mjs) and the packages' `exports`, so a new family is checked without
// editing anything: each subpath imported, required and type-checked; each family's backends built and
// closed, and typed against its interface, per the naming of CONTRIBUTING.md (`XProvider`,
// `MemoryXProvider`, `FilesystemXProvider({ root })`, `MockXProvider`, `describeXProvider`, or the names a
// family's `"omega"` manifest field gives: `classes`, `interface`, `rootOption`), from the family's
// own subpaths and from @omega/providers; every name @omega/providers re-exports is the very value of its
// family (one copy of each package installed). scripts/pack-fixtures/use.* and runtime.* add hand-written
// scenarios. The consumer first installs everything but @omega/postgres (the runtime's optional peer): the
// runtime must work without it and bring no pg driver, and its `omega` bin runs `omega doctor` on the
// example's store; then @omega/postgres is added and every subpath checked.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { families, REPO, workspacePackages } from './families.mjs';
import { providerEntries, specifierOf } from './providers.mjs';

const PROVIDERS = '@omega/providers';
const RUNTIME = '@omega/runtime';
const POSTGRES = '@omega/postgres';
const work = mkdtempSync(path.join(tmpdir(), 'omega-pack-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** `session` is `Session`, `some-family` is `SomeFamily`. */
const pascal = (short) =>
  short
    .split(/[-_.]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/** A JavaScript identifier for a family: `session`, `some_family`. */
const identifier = (family) => family.short.replace(/\W/g, '_');

/** Every subpath of the published packages: `{ specifier, cjs }`, `cjs` when it has a `require` condition. */
function subpathsOf(packages) {
  return packages.flatMap(({ manifest }) =>
    Object.entries(manifest.exports)
      .filter(([key]) => key !== './package.json')
      .map(([key, value]) => ({
        specifier: key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
        cjs: typeof value === 'object' && value !== null && 'require' in value,
      })),
  );
}

/**
 * The generated fixture files. Each subpath gets a variable `m<i>`; `of(specifier)` names it.
 * `esm` selects the ESM view (every subpath) or the CommonJS one (those with a `require` condition).
 */
function fixtures(subpaths, familyList, hasProviders) {
  const all = subpaths.map((s, i) => ({ ...s, variable: `m${i}` }));
  const variableOf = (specifier) => all.find((s) => s.specifier === specifier)?.variable;
  const present = (specifier) => variableOf(specifier) !== undefined;

  /** Per family, the backends per the naming convention, from the family and from @omega/providers. */
  const backends = (family, esm) => {
    const x = pascal(family.short);
    // A family whose seed names a backend otherwise (`InMemoryReceiptProvider`) says so in its manifest, as
    // does one whose interface is not `XProvider` (`EffectHandlerRegistry`: its suite is `describe` + that
    // name) or whose filesystem backend takes its directory under another option than `root` (`dir`).
    const {
      classes = {},
      interface: face = `${x}Provider`,
      rootOption = 'root',
    } = family.manifest.omega ?? {};
    const from = (entry) => variableOf(specifierOf(family.name, entry));
    const viaProviders = hasProviders
      ? [variableOf(PROVIDERS), variableOf(`${PROVIDERS}/${family.short}`)].filter(Boolean)
      : [];
    const sources = [
      { memory: from('memory'), filesystem: from('filesystem'), mock: from('mock') },
      ...viaProviders.map((v) => ({ memory: v, filesystem: v, mock: v })),
    ];
    return {
      face,
      root: from('index'),
      conformance: esm ? from('conformance') : undefined,
      created: sources.flatMap(({ memory, filesystem, mock }) => [
        `new ${memory}.${classes.memory ?? `Memory${x}Provider`}()`,
        `new ${filesystem}.${classes.filesystem ?? `Filesystem${x}Provider`}({ ${rootOption}: ROOT })`,
        `new ${mock}.${classes.mock ?? `Mock${x}Provider`}()`,
      ]),
    };
  };

  /** [source, [targets]]: every name of `source` must be the same value in each target. */
  const reexports = hasProviders
    ? providerEntries().flatMap(({ name, specifiers }) => {
        const target = name === 'index' ? PROVIDERS : `${PROVIDERS}/${name}`;
        return specifiers.filter(present).map((specifier) => [specifier, target]);
      })
    : [];

  const imports = (esm) =>
    all
      .filter((s) => esm || s.cjs)
      .map(({ specifier, variable }) =>
        esm
          ? `import * as ${variable} from '${specifier}';`
          : `import ${variable} = require('${specifier}');`,
      )
      .join('\n');
  const requires = all
    .filter((s) => s.cjs)
    .map(({ specifier, variable }) => `const ${variable} = require('${specifier}');`)
    .join('\n');

  const runtime = (esm) => {
    const list = all.filter((s) => esm || s.cjs);
    const checks = reexports.filter(
      ([source, target]) => list.some((s) => s.specifier === source) && present(target),
    );
    return [
      `const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'omega-consumer-'));`,
      `const problems = [];`,
      `const modules = { ${list.map(({ specifier, variable }) => `'${specifier}': ${variable}`).join(', ')} };`,
      `for (const [specifier, m] of Object.entries(modules)) if (Object.keys(m).length === 0) problems.push(specifier + ' is empty');`,
      `for (const [source, target] of ${JSON.stringify(checks)}) {`,
      `  for (const name of Object.keys(modules[source])) {`,
      `    if (modules[target][name] !== modules[source][name]) problems.push(name + ' of ' + source + ' is not the same value in ' + target);`,
      `  }`,
      `}`,
      `if (problems.length > 0) throw new Error(problems.join('\\n'));`,
      `(async () => {`,
      `  try {`,
      ...familyList.map((family) => {
        const { created } = backends(family, esm);
        return `    for (const provider of [${created.join(', ')}]) await provider.close();`;
      }),
      `  } finally {`,
      `    fs.rmSync(ROOT, { recursive: true, force: true });`,
      `  }`,
      `  console.log('${esm ? 'import' : 'require'}: ${list.length} subpaths, ${familyList.length} families' +`,
      `    ' (memory, filesystem, mock; from @omega/providers too), ${checks.length} re-exports');`,
      `})().catch((error) => {`,
      `  console.error(error);`,
      `  process.exitCode = 1;`,
      `});`,
    ].join('\n');
  };

  const types = (esm) =>
    [
      `const ROOT = '.omega';`,
      ...familyList.map((family) => {
        const { face, root, conformance, created } = backends(family, esm);
        const suites =
          conformance && hasProviders && present(`${PROVIDERS}/conformance`)
            ? [
                `export const ${identifier(family)}Suites: Array<typeof ${conformance}.describe${face}> = [`,
                `  ${conformance}.describe${face},`,
                `  ${variableOf(`${PROVIDERS}/conformance`)}.describe${face},`,
                '];',
              ]
            : [];
        return [
          `export const ${identifier(family)}Backends: ${root}.${face}[] = [`,
          ...created.map((c) => `  ${c},`),
          '];',
          ...suites,
        ].join('\n');
      }),
    ].join('\n');

  const header = (what) => `// Generated by scripts/check-tarballs.mjs from the family list: ${what}.\n`;
  return {
    'all.mjs':
      header('imports every subpath, builds every family backend, compares @omega/providers re-exports') +
      `import fs from 'node:fs';\nimport os from 'node:os';\nimport path from 'node:path';\n${imports(true)}\n\n${runtime(true)}\n`,
    'all.cjs':
      header('requires every CommonJS subpath, builds every family backend, compares re-exports') +
      `const fs = require('node:fs');\nconst os = require('node:os');\nconst path = require('node:path');\n${requires}\n\n${runtime(false)}\n`,
    'all.mts': `${header('type-checks (nodenext, ESM) every subpath and every family backend')}${imports(true)}\n\n${types(true)}\n`,
    'all.cts': `${header('type-checks (nodenext, CommonJS) every CommonJS subpath and every family backend')}${imports(false)}\n\n${types(false)}\n`,
  };
}

/**
 * The installed `omega` bin: its help, then `omega doctor` on the store the repository's example leaves (run
 * here from the workspace, in a folder of its own), which must find nothing corrupt.
 */
function checkCli(project) {
  const store = path.join(work, 'example-store');
  execFileSync('pnpm', ['--silent', '--filter', '@omega/example-agent-run', 'example'], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, OMEGA_ROOT: store },
  });
  const npx = (...args) => run('npx', ['--no-install', 'omega', ...args], project);
  if (!npx('--help').includes('doctor'))
    throw new Error('check-tarballs: `npx omega --help` names no doctor');
  const doctor = npx('doctor', '--root', store);
  console.log(`npx omega doctor on the example's store: ${doctor.trim().split('\n').pop()}`);
}

try {
  const packages = workspacePackages().filter(({ manifest }) => !manifest.private);
  const familyList = families();
  const hasProviders = packages.some(({ manifest }) => manifest.name === PROVIDERS);

  const tarballs = new Map(
    packages.map(({ dir, manifest }) => {
      const out = run('pnpm', ['pack', '--pack-destination', work], dir).trim().split('\n').pop();
      return [manifest.name, path.resolve(dir, out)];
    }),
  );

  const project = path.join(work, 'consumer');
  cpSync(path.join(REPO, 'scripts', 'pack-fixtures'), project, { recursive: true });
  const generated = fixtures(subpathsOf(packages), familyList, hasProviders);
  for (const [file, text] of Object.entries(generated)) writeFileSync(path.join(project, file), text);

  const tsVersion = JSON.parse(
    readFileSync(path.join(REPO, 'node_modules/typescript/package.json'), 'utf8'),
  ).version;
  const vitestVersion = JSON.parse(
    readFileSync(path.join(REPO, 'node_modules/vitest/package.json'), 'utf8'),
  ).version;
  const install = (...specs) =>
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], project);
  // First without @omega/postgres, as a user who never asked for PostgreSQL installs: the runtime, its
  // optional peer left out, must work and must not bring the driver.
  install(
    ...[...tarballs].filter(([name]) => name !== POSTGRES).map(([, file]) => file),
    `typescript@${tsVersion}`,
    '@types/node@20',
    `vitest@${vitestVersion}`,
  );
  if (existsSync(path.join(project, 'node_modules', 'pg'))) {
    throw new Error(`check-tarballs: installing ${RUNTIME} without ${POSTGRES} brought the pg driver`);
  }
  process.stdout.write(run('node', ['runtime.mjs'], project));
  checkCli(project);
  if (tarballs.has(POSTGRES)) install(tarballs.get(POSTGRES));
  process.stdout.write(run('node', ['all.mjs'], project));
  process.stdout.write(run('node', ['all.cjs'], project));
  process.stdout.write(run('node', ['use.mjs'], project));
  try {
    run(
      process.execPath,
      [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      project,
    );
  } catch (error) {
    // tsc reports on stdout; show it with the generated files it names.
    process.stderr.write(`${error.stdout ?? ''}\n`);
    for (const [file, text] of Object.entries(generated)) {
      if (file.endsWith('ts') && (error.stdout ?? '').includes(file))
        process.stderr.write(`--- ${file}\n${text}\n`);
    }
    throw new Error('check-tarballs: the consumer project does not type-check');
  }
  console.log(
    `check-tarballs: ${tarballs.size} tarballs install; every subpath of ${familyList.length} families, ` +
      `${PROVIDERS} and @omega/core imports, requires and type-checks`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
