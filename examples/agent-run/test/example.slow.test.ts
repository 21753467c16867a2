import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRuntime } from '@omega/runtime';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';

const test = testWithTempDir('omega-example-');
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/** Runs the example (one day) on the store `root`, as `pnpm example` does; resolves to what it printed. */
async function example(root: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', ...args],
    {
      cwd: PACKAGE,
      env: { ...process.env, OMEGA_ROOT: root, INIT_CWD: path.dirname(root) },
    },
  );
  return stdout;
}

/** The summary without what differs from store to store: pids, the time taken, the store's name. */
const normal = (output: string, root: string) =>
  output
    .replaceAll(path.basename(root), '<store>')
    .replace(/pid \d+/g, 'pid <pid>')
    .replace(/took [\d.]+ s/, 'took <time>');

/** The summary's lines that do not depend on whether the day had a crash in it. */
const outcome = (output: string) =>
  output
    .split('\n')
    .filter((line) => !/^ {2}(crash:|resume:|effects |artifact |trace )|^inspect it|^store:/.test(line));

describe('pnpm example', () => {
  test('the first day crashes, resumes and runs out of budget; the second resumes and finishes from the cache', async ({
    dir,
  }) => {
    const root = path.join(dir, 'store');
    const first = await example(root);
    expect(first).toContain('day 1: run agent-1 (new), budget ledger day-1 (700 tokens a day)');
    expect(first).toMatch(
      /crash: worker pid \d+ killed with SIGKILL in step 4, after its first effect returned/,
    );
    expect(first).toContain(
      'resume: step 4 again from the saved session; 1 effect came back from the journal (handler not called, not charged), 1 receipt for the step',
    );
    expect(first).toContain(
      'stopped by budget after 10 steps: 3 of 5 questions answered, 2 left for tomorrow',
    );
    expect(first).toContain('1 call refused, nothing spent');
    expect(first).toContain('refused: shell.exec: CAPABILITY_DENIED, model.complete: BUDGET_EXCEEDED');
    expect(first).toMatch(
      /receipts {4}9 in the log, verified; #8 proved in the signed tree of 9 \(1 hash\): included/,
    );
    expect(first).toContain('exported as OTLP JSON to store/exports/agent-1.otlp.jsonl');
    expect(first).toContain('quote still matches its source');
    expect(first).toContain('critic, researcher, writer');

    const second = await example(root);
    expect(second).toContain('day 2: run agent-1 resumed at step 10, budget ledger day-2 (700 tokens a day)');
    expect(second).not.toContain('crash:');
    expect(second).toContain('halted after 16 steps: all 5 questions answered');
    expect(second).toContain('q5: Olympus Mons on Mars is the largest volcano in the solar system');
    expect(second).toMatch(
      /search index: [1-9]\d* hits?, 0 misses in this process \(served from the cache on disk/,
    );
    expect(second).toMatch(/receipts {4}15 in the log, verified/);

    // Exactly once: one receipt per effect key over both days and the crash, and the log verifies.
    await using runtime = await createRuntime({ root, budget: { tokens: 700 }, ledger: 'day-2' });
    const receipts = await runtime.receipt.list();
    const keys = receipts.map((receipt) => receipt.idempotencyKey);
    expect(new Set(keys).size).toBe(receipts.length);
    expect(await runtime.receipt.verify()).toMatchObject({ ok: true, size: 15 });
    expect((await runtime.session.load('agent-1'))?.state.status).toBe('halted');
  });

  test('a day with a worker killed mid-step ends as a day without the crash: same spend, receipts, answers', async ({
    dir,
  }) => {
    const crashed = await example(path.join(dir, 'store-crashed'), '--crash-at', '2');
    const whole = await example(path.join(dir, 'store-whole'), '--no-crash');
    expect(crashed).toMatch(/killed with SIGKILL in step 2/);
    expect(whole).not.toContain('crash:');
    expect(outcome(normal(crashed, 'store-crashed'))).toEqual(outcome(normal(whole, 'store-whole')));
  });

  test('is deterministic: two fresh stores print the same first day', async ({ dir }) => {
    const [one, two] = await Promise.all([
      example(path.join(dir, 'store-one')),
      example(path.join(dir, 'store-two')),
    ]);
    expect(normal(one, 'store-one')).toEqual(normal(two, 'store-two'));
  });
});
