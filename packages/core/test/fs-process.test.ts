import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/fs/process.js';
import { IMPOSSIBLE_PID } from './helpers.js';

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'latin1').trim();
  } catch {
    return 'gone';
  }
}

function procState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return 'gone';
  }
}

describe('isProcessAlive', () => {
  it('is true for this process and a running child, false once the child has exited', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', 'process.stdin.resume()'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const pid = child.pid!;
    expect(isProcessAlive(pid)).toBe(true);
    child.stdin.end();
    await once(child, 'exit');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('is false for pids that cannot name one process', () => {
    for (const pid of [0, -1, 1.5, Number.NaN, IMPOSSIBLE_PID]) expect(isProcessAlive(pid)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('is false for a zombie that still answers signals', async () => {
    // The shell starts `cat` (reading our pipe on fd 3), then becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'cat <&3 >/dev/null & echo $!; exec sleep 60'], {
      stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    });
    try {
      const [line] = (await once(parent.stdout!.setEncoding('utf8'), 'data')) as [string];
      const zombie = Number(line.trim());
      // Only once the shell is `sleep` may `cat` exit: a shell could still reap it.
      await expect.poll(() => commandOf(parent.pid!), { timeout: 10_000 }).toBe('sleep');
      (parent.stdio[3] as Writable).end();
      await expect.poll(() => procState(zombie), { timeout: 10_000 }).toBe('Z');
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(isProcessAlive(zombie)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      await once(parent, 'exit');
    }
  });
});
