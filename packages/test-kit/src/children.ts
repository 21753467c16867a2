import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** A child process whose stdout is read line by line. */
export interface ChildProcessLines {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the next stdout line; rejects, quoting stderr, when the child ends without one. */
  nextLine(): Promise<string>;
  /** Resolves once the child has exited and its output is closed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Fails with a clear message when `file` (a package's built entry a child imports) is missing. */
export async function assertBuilt(file: string): Promise<void> {
  await access(file).catch(() => {
    throw new Error(`${file} is missing: run \`pnpm build\` before these tests (their children import dist)`);
  });
}

/** Options of {@link spawnChild}. */
export interface SpawnOptions {
  /** Node.js options before the script, e.g. `['--import', 'tsx']` to run TypeScript sources. */
  nodeArgs?: readonly string[];
}

/**
 * Starts `node [nodeArgs] <script> ...args` with piped stdio: the one child-process harness of every
 * package's tests. Its stdout is read line by line (`nextLine`, `lines`), its stderr kept for messages.
 */
export function spawnChild(
  script: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcessLines {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  const pending: string[] = [];
  let ended = false;
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (line) => {
    lines.push(line);
    const resolve = waiting.shift();
    if (resolve) resolve(line);
    else pending.push(line);
  });
  reader.on('close', () => {
    ended = true;
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    },
  );
  const nextLine = async (): Promise<string> => {
    const line =
      pending.length > 0 || ended
        ? pending.shift()
        : await new Promise<string | undefined>((resolve) => waiting.push(resolve));
    if (line !== undefined) return line;
    const exit = await exited;
    throw new Error(
      `${script} ended (code ${exit.code}, signal ${exit.signal}) without a line; stderr:\n${exit.stderr}`,
    );
  };
  return { child, lines, nextLine, exited };
}
