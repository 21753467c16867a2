import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** A fixture child process whose stdout is read line by line. */
export interface FixtureChild {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the next stdout line; rejects, quoting stderr, when the child ends without one. */
  nextLine(): Promise<string>;
  /** Resolves once the child has exited and its output is closed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Path of a file in test/fixtures. */
export function fixture(file: string): string {
  return fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
}

/** Fails clearly when the package is not built: the fixtures import `@omega/session/filesystem`. */
export async function assertBuilt(): Promise<void> {
  const built = fileURLToPath(new URL('../dist/filesystem.js', import.meta.url));
  await access(built).catch(() => {
    throw new Error(`${built} is missing: run \`pnpm build\` in packages/session before these tests`);
  });
}

/** Starts `node <fixture> ...args`. */
export function spawnFixture(file: string, args: readonly string[]): FixtureChild {
  const child = spawn(process.execPath, [fixture(file), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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
      `${file} ended (code ${exit.code}, signal ${exit.signal}) without a line; stderr:\n${exit.stderr}`,
    );
  };
  return { child, lines, nextLine, exited };
}
