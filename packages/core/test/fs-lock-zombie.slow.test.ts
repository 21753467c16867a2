import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { testWithTempDir } from '@omega/test-kit';
import { afterEach, describe, expect, vi } from 'vitest';
import { heldName } from '../src/fs/holder.js';
import { acquireLock } from '../src/fs/lock.js';
import { thisProcess } from '../src/fs/process.js';

// A zombie (a process that exited and was not reaped) is told apart from a live process through /proc.
const test = testWithTempDir('omega-fs-lock-zombie-');

let parent: ChildProcess | undefined;

afterEach(() => {
  // Its zombie child goes with it (reaped by init).
  parent?.kill('SIGKILL');
  parent = undefined;
});

/** Fields of /proc/<pid>/stat from the state (field 3) on. */
function statOf(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * A zombie: a child of a shell that then execs `sleep`, which never reaps it. The child exits only once
 * its parent is `sleep` (it waits for fd 3 to close), so the shell cannot have reaped it.
 */
async function zombie(): Promise<number> {
  const shell = spawn('sh', ['-c', 'read line <&3 & echo $!; exec 3<&-; exec sleep 600'], {
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
  });
  parent = shell;
  let out = '';
  shell.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  await vi.waitFor(() => expect(out).toMatch(/^\d+\n/), { timeout: 10_000 });
  const pid = Number(out.trim());
  await vi.waitFor(() => expect(readFileSync(`/proc/${shell.pid}/comm`, 'utf8').trim()).toBe('sleep'), {
    timeout: 10_000,
  });
  (shell.stdio[3] as Writable).end();
  await vi.waitFor(() => expect(statOf(pid)[0]).toBe('Z'), { timeout: 10_000 });
  return pid;
}

describe.skipIf(process.platform !== 'linux')('a zombie holder', () => {
  test('is taken over at once, well within its lease', async ({ dir }) => {
    const pid = await zombie();
    const lockDir = join(dir, 'lock');
    await mkdir(lockDir);
    // Its token as it would have written it: this boot and namespaces, its pid and start time.
    const holder = { ...thisProcess(), pid, start: statOf(pid)[19]!, leaseMs: 60_000 };
    await writeFile(join(lockDir, heldName(3, 0, holder)), '');
    const lock = await acquireLock(lockDir, { timeoutMs: 200 });
    expect(lock.fence).toBe(4);
    await lock.release();
  });
});
