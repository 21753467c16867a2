import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { agentStep, initialState } from './agent.js';
import { openAgentRuntime, runtimeOptions, SNAPSHOT_EVERY } from './setup.js';

/** What the parent tells the worker: which store, day, run and stream, and the step to die in. */
export interface WorkerArgs {
  root: string;
  day: number;
  runId: string;
  stream: string;
  crashAt: number;
}

/** What the worker reports: it reached the crash point (and waits to be killed), or it finished first. */
export type WorkerMessage = { crashed: number } | { finished: string };

/** How the simulated crash went. */
export interface Crash {
  pid: number;
  /** The step the worker was killed in, or null when the run ended before it. */
  step: number | null;
  signal: NodeJS.Signals | null;
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * Runs the day's run in a child process and kills it with SIGKILL in step `crashAt`, right after the
 * step's first effect returned: the effect's result and receipt are recorded, the step's session save is
 * not. The worker says when it is there (over the IPC channel) and waits; no timing is involved.
 */
export function crashWorker(args: WorkerArgs): Promise<Crash> {
  return new Promise((resolve, reject) => {
    const child = fork(MAIN, ['--worker', JSON.stringify(args)], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let step: number | null = null;
    child.on('message', (message: WorkerMessage) => {
      if ('crashed' in message) {
        step = message.crashed;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`the worker (pid ${child.pid}) failed: exit code ${code}, signal ${signal}`));
        return;
      }
      resolve({ pid: child.pid ?? 0, step, signal });
    });
  });
}

/** The worker's side: runs the day until the crash point, says so, and waits there to be killed. */
export async function worker(args: WorkerArgs): Promise<void> {
  const { runtime, sources } = await openAgentRuntime(runtimeOptions(args.root, args.day));
  const step = agentStep(
    {
      runtime,
      stream: args.stream,
      afterEffect: async (at) => {
        if (at !== args.crashAt) return;
        // What was traced so far is written, so the trace of the killed process is complete up to here.
        await runtime.trace.flush();
        process.send?.({ crashed: at } satisfies WorkerMessage);
        // The IPC channel keeps this process alive, waiting here for the parent's SIGKILL.
        await new Promise<never>(() => {});
      },
    },
    sources,
  );
  const result = await runtime.run(args.runId, step, {
    initial: initialState(args.stream),
    snapshotEvery: SNAPSHOT_EVERY,
  });
  await runtime.close();
  if (result.stoppedBy === 'error') throw result.error;
  await new Promise<void>((resolve) =>
    process.send?.({ finished: result.stoppedBy } satisfies WorkerMessage, () => resolve()),
  );
  process.disconnect?.();
}
