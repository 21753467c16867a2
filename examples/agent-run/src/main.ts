import path from 'node:path';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { FilesystemSnapshotProvider } from '@omega/snapshot/filesystem';
import { FilesystemStateProvider } from '@omega/state/filesystem';
import { step, TASKS } from './agent.js';

const root = path.resolve(process.env.OMEGA_ROOT ?? '.omega');
const replicaRoot = path.join(root, 'replica');
const exportFile = path.join(root, 'exports', 'final.snapshot.jsonl');
const say = (line: string) => console.log(line);

await using states = new FilesystemStateProvider({ root });
await using sessions = new FilesystemSessionProvider({ root });
await using snapshots = new FilesystemSnapshotProvider({ root });
await using replica = new FilesystemSnapshotProvider({ root: replicaRoot });

say(`store: ${root}`);
let state = states.createState();
state.kont = [...TASKS];
const before = await sessions.info('agent-run');
let version = before?.version ?? 0;
say(
  `session agent-run: ${before ? `at version ${version} from an earlier run; this run continues from there` : 'new'}`,
);

while (state.status === 'running') {
  state = step(state);
  await states.saveState('agent', state);
  // Compare-and-swap: a second process saving the same session in between would make this a ConflictError.
  await sessions.save(
    'agent-run',
    { state, meta: { tasksLeft: state.kont.length } },
    { expectedVersion: version },
  );
  version += 1;
  say(`step ${state.step}: ${JSON.stringify(state.control)} -> session version ${version}`);
  if (state.step === 2) {
    await snapshots.save('checkpoint', {
      state: states.cloneState(state),
      createdAt: Date.now(),
      label: 'after step 2',
    });
    say('snapshot checkpoint taken');
  }
}

await snapshots.save('final', { state, createdAt: Date.now(), label: 'halted', parent: 'checkpoint' });
for (const info of await snapshots.list())
  say(`snapshot ${info.name}: ${info.size} bytes, sha256 ${info.digest.slice(0, 16)}…`);

await snapshots.export('final', exportFile);
say(`exported final to ${path.relative(process.cwd(), exportFile)}`);
const imported = await replica.import(exportFile, { overwrite: true });
const [copy] = (await replica.list()).filter((info) => info.name === imported.name);
const original = await snapshots.info('final');
say(
  `imported ${imported.name} into ${path.relative(process.cwd(), replicaRoot)}: digest ${copy?.digest === original?.digest ? 'matches' : 'DIFFERS'}`,
);

const reloaded = await sessions.load('agent-run');
const stored = await states.loadState('agent');
say(
  `reloaded session: step ${reloaded?.state.step}, status ${reloaded?.state.status}, ${Object.keys(reloaded?.state.store ?? {}).length} answers`,
);
say(`state agent matches session: ${JSON.stringify(stored?.env) === JSON.stringify(reloaded?.state.env)}`);
