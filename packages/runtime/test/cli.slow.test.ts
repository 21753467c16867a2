import { spawn } from 'node:child_process';
import { assertBuilt, spawnChild } from '@omega/test-kit';
import { StreamingTraceProvider } from '@omega/trace/filesystem';
import { beforeAll, describe, expect } from 'vitest';
import { createRuntime } from '../src/index.js';
import { CLI, cliEnv, omega, type Ran } from './fixtures/cli-run.js';
import { RUN, storeTest as test } from './fixtures/cli-store.js';

beforeAll(() => assertBuilt(CLI));

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * Runs `omega ...args` on a pseudo-terminal (util-linux `script`), so stdin, stdout and stderr are a TTY;
 * `input` is typed into it. What the terminal showed (stdout and stderr together) comes back as stdout.
 */
function onTerminal(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}) {
  return new Promise<Ran>((resolve, reject) => {
    const command = [process.execPath, CLI, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const ESC = '\u001b[';

describe('omega on a terminal', () => {
  test('colour on a TTY, none with NO_COLOR; none when piped', async ({ root }) => {
    const coloured = await onTerminal(['sessions', 'ls', '--root', root]);
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain(`${ESC}1mNAME`);
    const plain = await onTerminal(['sessions', 'ls', '--root', root], { env: { NO_COLOR: '1' } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('NAME');
    expect(plain.stdout).not.toContain(ESC);
    expect((await omega(['sessions', 'ls', '--root', root])).stdout).not.toContain(ESC);
  });

  test('long work draws a progress bar on stderr on a TTY only', async ({ root }) => {
    const drawn = await onTerminal(['doctor', '--root', root], { env: { NO_COLOR: '1' } });
    expect(drawn.code).toBe(0);
    expect(drawn.stdout).toMatch(/\rdoctor \[#{24}\] 13\/13/);
    const piped = await omega(['doctor', '--root', root]);
    expect(piped.stderr).toBe('');
    // Verifies count what the provider reports checked, of the log's size.
    const receipts = (await omega(['receipts', 'ls', '--root', root, '--json'])).stdout;
    const size = (JSON.parse(receipts) as unknown[]).length;
    const verified = await onTerminal(['receipts', 'verify', '--root', root], { env: { NO_COLOR: '1' } });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`\rverify [${'#'.repeat(24)}] ${size}/${size}`);
    const audited = await onTerminal(['audit', 'verify', '--root', root], { env: { NO_COLOR: '1' } });
    expect(audited.code).toBe(0);
    expect(audited.stdout).toMatch(/\rverify \[#{24}\] (\d+)\/\1/);
  });

  test('a destructive command asks; "y" goes on, anything else leaves the store alone (exit 1)', async ({
    root,
  }) => {
    const declined = await onTerminal(['sessions', 'rm', RUN, '--root', root], { input: 'n\n' });
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain(`delete session "${RUN}"? [y/N]`);
    expect((await omega(['sessions', 'show', RUN, '--root', root])).code).toBe(0);
    const confirmed = await onTerminal(['sessions', 'rm', RUN, '--root', root], { input: 'y\n' });
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain(`deleted session ${RUN}`);
    expect((await omega(['sessions', 'show', RUN, '--root', root])).code).toBe(1);
  });
});

describe('omega following', () => {
  test('streams cat -f prints chunks as another process appends them, and ends with the stream', async ({
    root,
  }) => {
    await using runtime = await createRuntime({ root });
    await runtime.stream.create('live');
    await runtime.stream.append('live', 'first');
    const follower = spawnChild(CLI, ['streams', 'cat', 'live', '-f', '--root', root]);
    expect(await follower.nextLine()).toBe('first');
    await runtime.stream.append('live', 'second');
    expect(await follower.nextLine()).toBe('second');
    await runtime.stream.end('live');
    const exit = await follower.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(follower.lines).toEqual(['first', 'second']);
  });

  test('traces tail -f prints events other processes write until SIGINT, then exits 0', async ({ root }) => {
    const follower = spawnChild(CLI, ['traces', 'tail', '-f', '--json', '--run', RUN, '--root', root]);
    for (let i = 0; i < 3; i++) await follower.nextLine();
    await using traces = new StreamingTraceProvider({ root });
    traces.record({ runId: RUN, kind: 'late.event', step: 9, at: Date.UTC(2026, 0, 2) });
    traces.record({ runId: 'other-run', kind: 'late.event', step: 9, at: Date.UTC(2026, 0, 2) });
    await traces.flush();
    expect(JSON.parse(await follower.nextLine())).toMatchObject({ runId: RUN, kind: 'late.event', step: 9 });
    follower.child.kill('SIGINT');
    const exit = await follower.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(follower.lines).toHaveLength(4);
  });
});
