// Packs every publishable package, installs the tarballs into a fresh npm project outside the repo, and
// checks that every exported subpath loads through `import` and `require` and type-checks under
// `moduleResolution: nodenext` (as ESM and as CommonJS).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const work = mkdtempSync(path.join(tmpdir(), 'omega-pack-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  const packages = readdirSync(path.join(repo, 'packages'))
    .map((dir) => path.join(repo, 'packages', dir))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private);

  const tarballs = packages.map(({ dir }) => {
    const out = run('pnpm', ['pack', '--pack-destination', work], dir).trim().split('\n').pop();
    return path.resolve(dir, out);
  });

  const project = path.join(work, 'consumer');
  cpSync(path.join(repo, 'scripts', 'pack-fixtures'), project, { recursive: true });
  const specifiers = packages.flatMap(({ manifest }) =>
    Object.keys(manifest.exports)
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`)),
  );
  writeFileSync(
    path.join(project, 'all.mjs'),
    `${specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}\n` +
      `for (const m of [${specifiers.map((_, i) => `m${i}`).join(', ')}]) if (Object.keys(m).length === 0) throw new Error('empty module');\n` +
      `console.log('import: ${specifiers.length} subpaths');\n`,
  );
  writeFileSync(
    path.join(project, 'all.cjs'),
    `const specifiers = ${JSON.stringify(specifiers)};\n` +
      `for (const s of specifiers) if (Object.keys(require(s)).length === 0) throw new Error('empty module ' + s);\n` +
      `console.log('require: ' + specifiers.length + ' subpaths');\n`,
  );
  const tsVersion = JSON.parse(
    readFileSync(path.join(repo, 'node_modules/typescript/package.json'), 'utf8'),
  ).version;
  const vitestVersion = JSON.parse(
    readFileSync(path.join(repo, 'node_modules/vitest/package.json'), 'utf8'),
  ).version;
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs,
      `typescript@${tsVersion}`,
      '@types/node@20',
      `vitest@${vitestVersion}`,
    ],
    project,
  );
  process.stdout.write(run('node', ['all.mjs'], project));
  process.stdout.write(run('node', ['all.cjs'], project));
  process.stdout.write(run('node', ['use.mjs'], project));
  run(
    process.execPath,
    [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
    project,
  );
  console.log(
    `check-tarballs: ${tarballs.length} tarballs install; every subpath imports, requires and type-checks`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
