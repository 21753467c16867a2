import path from 'node:path';
import { parseArgs } from 'node:util';
import { type WorkerArgs, worker } from './crash.js';
import { runDay } from './day.js';
import { formatDay, inspectCommands } from './report.js';

// `pnpm example` (scripts/example.mjs) sets OMEGA_ROOT to the repository's `.omega/`; run on its own, the
// store is `.omega/` under the current directory. Each run is one working day of the agent.
const USAGE = `usage: pnpm example [--crash-at <step> | --no-crash]

One working day of the example agent on the store in OMEGA_ROOT (default .omega): a run's first day runs
in a worker killed with SIGKILL in step 4 (--crash-at: another step; --no-crash: none), then resumes here.
`;

const options = {
  worker: { type: 'string' },
  'crash-at': { type: 'string' },
  'no-crash': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
try {
  parsed = parseArgs({ options });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

if (values.worker !== undefined) {
  await worker(JSON.parse(values.worker) as WorkerArgs);
} else {
  const started = performance.now();
  const root = path.resolve(process.env.OMEGA_ROOT ?? '.omega');
  // Paths are printed relative to where `pnpm` was started (pnpm sets INIT_CWD), not the package folder.
  const shown = (file: string) => path.relative(process.env.INIT_CWD ?? process.cwd(), file) || '.';
  let crashAt: number | null | undefined;
  if (values['no-crash']) crashAt = null;
  else if (values['crash-at'] !== undefined) {
    crashAt = Number(values['crash-at']);
    if (!Number.isSafeInteger(crashAt) || crashAt < 0) {
      console.error(`--crash-at wants a step number (0 or more), got ${values['crash-at']}`);
      process.exit(2);
    }
  }
  const report = await runDay({ root, crashAt });
  const lines = [
    `store: ${shown(root)} (delete it to start over)`,
    ...formatDay(report, shown),
    '',
    `inspect it (took ${((performance.now() - started) / 1000).toFixed(1)} s):`,
    ...inspectCommands(report, root, shown).map((command) => `  ${command}`),
  ];
  console.log(lines.join('\n'));
}
