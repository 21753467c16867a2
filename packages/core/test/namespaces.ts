import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

// Real pid namespaces, as containers have: what the slow tests that run children as pid 1 of a namespace
// of their own share. They need unshare(1) and root (CI runs as root).

/** Whether this machine can run a child in a new pid namespace. */
export const canUnshare =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['-p', '-f', '--mount-proc', '-u', 'true']).status === 0;

/** Why those tests are skipped where it cannot. */
export const UNSHARE_SKIP_REASON = 'needs unshare(1) and root: pid and UTS namespaces';

/** `unshare -p -f --kill-child --mount-proc node ...`: node runs as pid 1 of a new pid namespace. */
export const NEW_PID_NS = ['-p', '-f', '--kill-child', '--mount-proc', process.execPath];

/** A child speaking in lines: read one at a time, write one, signal it, wait for its exit. */
export interface Lines {
  nextLine(): Promise<string>;
  kill(): Promise<void>;
  /** Sends `signal` to the child's whole process group (unshare and the node it runs). */
  signal(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
  write(line: string): void;
}

/** Spawns `command` with `args` in a process group of its own, its stdout read line by line. */
export function spawnLines(command: string, args: readonly string[]): Lines {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async nextLine() {
      const next = await lines.next();
      if (next.done)
        throw new Error(`${args.join(' ')} ended without a line (exit ${await exited}):\n${stderr}`);
      return next.value;
    },
    async kill() {
      // With --kill-child, unshare's death SIGKILLs the namespace's pid 1 (which cannot be signalled
      // from inside its own namespace).
      child.kill('SIGKILL');
      await exited;
    },
    signal(signal) {
      process.kill(-child.pid!, signal);
    },
    exited,
    write(line) {
      child.stdin.write(`${line}\n`);
    },
  };
}
