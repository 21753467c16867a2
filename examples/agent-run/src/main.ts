import path from 'node:path';
import type { State } from '@omega/core';
import { SessionFront } from '@omega/session/front';
import { FilesystemSnapshotProvider } from '@omega/snapshot/filesystem';
import { SnapshotFront } from '@omega/snapshot/front';
import { StateFront } from '@omega/state/front';
import { roundOf, step, TASKS, taskList } from './agent.js';
import { openStore } from './store.js';

// `pnpm example` (scripts/example.mjs) sets OMEGA_ROOT to the repository's `.omega/`; run on its own, the
// store is `.omega/` under the current directory. The export file and the replica's store lie beside the
// store, not in it: a store refuses an export into its own root.
const home = path.resolve(process.env.OMEGA_ROOT ?? '.omega');
const root = path.join(home, 'store');
const replicaRoot = path.join(home, 'replica');
const exportFile = path.join(home, 'exports', 'final.snapshot.jsonl');
// Paths are printed relative to where `pnpm` was started (pnpm sets INIT_CWD), not the package folder.
const shown = (file: string) => path.relative(process.env.INIT_CWD ?? process.cwd(), file) || '.';
const say = (line: string) => console.log(line);

/** `--steps N`: stop after N steps, as an interrupted run would; the next run continues from there. */
function stepsLimit(args: string[]): number {
  const at = args.findIndex((arg) => arg === '--steps' || arg.startsWith('--steps='));
  if (at === -1) return Number.POSITIVE_INFINITY;
  const text = args[at]?.includes('=') ? args[at]?.split('=')[1] : args[at + 1];
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--steps wants a positive integer, got ${text}`);
  return limit;
}
const limit = stepsLimit(process.argv.slice(2));

// One store under the three families: the filesystem at `root`, or PostgreSQL with `--postgres`.
await using store = await openStore(process.argv.slice(2), root);
await using states = new StateFront(store.store);
await using sessions = new SessionFront(store.store);
await using snapshots = new SnapshotFront(store.store);
await using replica = new FilesystemSnapshotProvider({ root: replicaRoot });

say(`store: ${store.where(shown)}`);
const before = await sessions.info('agent-run');
const saved = before ? await sessions.load('agent-run') : null;
let version = before?.version ?? 0;
let state: State;
if (saved === null) {
  state = states.createState();
  state.kont = taskList(1);
  say(`session agent-run: new; starting task list 1 (${TASKS.length} tasks)`);
} else if (saved.state.status === 'running') {
  // An earlier run stopped part-way (--steps, or killed): pick its machine state up where it was saved.
  state = saved.state;
  say(
    `session agent-run: version ${version}, stopped after step ${state.step} with ${state.kont.length} tasks left; this run continues from step ${state.step + 1}`,
  );
} else {
  // The earlier run finished its task list: keep its answers and give the same machine the next list.
  const round = roundOf(saved.state) + 1;
  state = { ...saved.state, control: null, kont: taskList(round), status: 'running' };
  say(
    `session agent-run: version ${version}, task list ${round - 1} done after step ${state.step}; this run continues with task list ${round} from step ${state.step + 1}`,
  );
}

let taken = 0;
while (state.status === 'running' && taken < limit) {
  state = step(state);
  taken += 1;
  await states.saveState('agent', state);
  // Compare-and-swap: a second process saving the same session in between would make this a ConflictError.
  await sessions.save(
    'agent-run',
    { state, meta: { tasksLeft: state.kont.length } },
    { expectedVersion: version },
  );
  version += 1;
  say(`step ${state.step}: ${JSON.stringify(state.control)} -> session version ${version}`);
  if (state.step % TASKS.length === 2) {
    await snapshots.save('checkpoint', {
      state: states.cloneState(state),
      createdAt: Date.now(),
      label: `after step ${state.step}`,
    });
    say(`snapshot checkpoint taken after step ${state.step}`);
  }
}

if (state.status === 'running') {
  say(
    `stopped after step ${state.step} (--steps ${limit}), ${state.kont.length} tasks left: run it again to continue from step ${state.step + 1}`,
  );
} else {
  await snapshots.save('final', { state, createdAt: Date.now(), label: 'halted', parent: 'checkpoint' });
  for (const info of await snapshots.list())
    say(`snapshot ${info.name}: ${info.size} bytes, sha256 ${info.digest.slice(0, 16)}…`);

  await snapshots.export('final', exportFile);
  say(`exported final to ${shown(exportFile)}`);
  const imported = await replica.import(exportFile, { overwrite: true });
  const [copy] = (await replica.list()).filter((info) => info.name === imported.name);
  const original = await snapshots.info('final');
  say(
    `imported ${imported.name} into ${shown(replicaRoot)}: digest ${copy?.digest === original?.digest ? 'matches' : 'DIFFERS'}`,
  );
}

const reloaded = await sessions.load('agent-run');
const stored = await states.loadState('agent');
say(
  `reloaded session: version ${version}, step ${reloaded?.state.step}, status ${reloaded?.state.status}, ${Object.keys(reloaded?.state.store ?? {}).length} answers`,
);
say(`state agent matches session: ${JSON.stringify(stored?.env) === JSON.stringify(reloaded?.state.env)}`);
