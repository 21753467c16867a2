// `pnpm example`: builds what the example imports (quietly, saying so first: declarations take ~20 s on a
// fresh clone, then turbo's cache makes it instant), then runs one working day of the example agent with
// its store in the repository's `.omega/` (which `pnpm omega` reads by default). Extra arguments go to the
// example (`pnpm example --no-crash`, `pnpm example --crash-at 2`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const shell = process.platform === 'win32';
// OMEGA_ROOT, if set, is taken relative to where `pnpm example` was started (pnpm sets INIT_CWD). Neither
// affects the build turbo runs, only the example run after it.
const { OMEGA_ROOT, INIT_CWD } = process.env;
const root = OMEGA_ROOT ? path.resolve(INIT_CWD ?? process.cwd(), OMEGA_ROOT) : path.join(repo, '.omega');

console.log('building the packages the example needs (first run: ~20 s, then cached)…');
const started = performance.now();
const build = spawnSync(
  'pnpm',
  ['--silent', 'turbo', 'run', 'build', '--filter=@omega/example-agent-run^...', '--output-logs=errors-only'],
  { cwd: repo, encoding: 'utf8', shell, stdio: ['ignore', 'pipe', 'pipe'] },
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (build.status !== 0) {
  // Quiet only while it works: a failed build shows everything turbo printed.
  process.stdout.write(build.stdout ?? '');
  process.stderr.write(build.stderr ?? '');
  console.error(`build failed after ${seconds} s${build.error ? `: ${build.error.message}` : ''}`);
  process.exit(build.status ?? 1);
}
console.log(
  /FULL TURBO/.test(build.stdout)
    ? `packages up to date (turbo cache, ${seconds} s)`
    : `built in ${seconds} s`,
);

const run = spawnSync(
  'pnpm',
  ['--silent', '--filter', '@omega/example-agent-run', 'example', ...process.argv.slice(2)],
  {
    cwd: repo,
    shell,
    stdio: 'inherit',
    env: { ...process.env, OMEGA_ROOT: root },
  },
);
process.exit(run.status ?? 1);
