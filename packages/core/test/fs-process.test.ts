import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { holderState, isProcessAlive, thisProcess } from '../src/fs/process.js';
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

describe.runIf(process.platform === 'linux')('holderState', () => {
  const me = thisProcess();

  it('records this process with its start time, pid namespace and boot id', () => {
    expect(me.pid).toBe(process.pid);
    expect(me.start).toMatch(/^\d+$/);
    expect(me.pidNs).toMatch(/^\d+$/);
    expect(me.boot).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim());
    expect(holderState(me)).toBe('alive');
  });

  it('is dead for a pid no process has, or one whose process started at another time', async () => {
    expect(holderState({ ...me, pid: IMPOSSIBLE_PID })).toBe('dead');
    expect(holderState({ ...me, start: String(Number(me.start) + 1) })).toBe('dead');
    const child = spawn(process.execPath, ['-e', 'process.stdin.resume()'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const pid = child.pid!;
    const start = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[19]!;
    expect(holderState({ ...me, pid, start })).toBe('alive');
    expect(holderState({ ...me, pid, start: '1' })).toBe('dead');
    child.stdin.end();
    await once(child, 'exit');
    expect(holderState({ ...me, pid, start })).toBe('dead');
  });

  it('is unknown for a holder of another pid or time namespace, boot or unknown identity, even pid 1', () => {
    for (const pid of [1, process.pid, IMPOSSIBLE_PID]) {
      expect(holderState({ ...me, pid, pidNs: '1' })).toBe('unknown');
      expect(holderState({ ...me, pid, timeNs: '1' })).toBe('unknown');
      expect(holderState({ ...me, pid, boot: '00000000-0000-4000-8000-000000000000' })).toBe('unknown');
      expect(holderState({ ...me, pid, boot: '' })).toBe('unknown');
      expect(holderState({ ...me, pid, start: '' })).toBe('unknown');
    }
  });
});
