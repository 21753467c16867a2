import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A benchmark's child process (a TypeScript file run through tsx) and its stdout, one line at a time. */
export interface BenchChild {
  child: ChildProcessWithoutNullStreams;
  /** The next line the child printed; an error once its output ended. */
  nextLine(): Promise<string>;
  /** Ends the child's stdin and resolves once it exited. */
  stop(): Promise<void>;
}

/** Starts `script` with `args`; its stderr goes to ours, so a failing child says why. */
export function benchChild(script: string, args: string[]): BenchChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  }) as unknown as ChildProcessWithoutNullStreams;
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const closed = new Promise((resolve) => child.once('close', resolve));
  return {
    child,
    nextLine: async () => {
      const next = await lines.next();
      if (next.done) throw new Error(`the child ${script} ended early`);
      return next.value;
    },
    stop: async () => {
      child.stdin.end();
      await closed;
    },
  };
}
