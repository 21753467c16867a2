import { ConflictError, InvalidArgumentError, InvalidNameError, NotFoundError } from '@omega/core';
import type { EffectHandler } from '@omega/effects';
import { describe, expect, test } from 'vitest';
import { createRuntime, type Runtime, type RuntimeOptions, type StepFunction } from '../src/index.js';

interface Counter {
  [key: string]: number | boolean;
  n: number;
  total: number;
  halted: boolean;
}

const INITIAL: Counter = { n: 0, total: 0, halted: false };

/** A memory runtime whose `math.double` handler counts its calls (estimate 10 tokens, uses 10). */
async function setup(options: RuntimeOptions = {}) {
  const runtime = await createRuntime({ preset: 'memory', ...options });
  const calls: number[] = [];
  const handler: EffectHandler = async (_context, n) => {
    calls.push(n as number);
    return { ok: true, value: (n as number) * 2, usage: { inputTokens: 6, outputTokens: 4 } };
  };
  runtime.effects.register('math.double', handler, { costEstimate: { inputTokens: 6, outputTokens: 4 } });
  return { runtime, calls };
}

/** Counts to `until`, adding the double of each n (an effect) to the total. */
const counter =
  (until: number, crashAt?: { step: number; thrown: boolean[] }): StepFunction<Counter> =>
  async (state, ctx) => {
    const doubled = await ctx.effect('math.double', state.n);
    if (crashAt !== undefined && ctx.step === crashAt.step && crashAt.thrown.length === 0) {
      crashAt.thrown.push(true);
      throw new Error('crash after the effect');
    }
    const n = state.n + 1;
    return { n, total: state.total + (doubled.ok ? (doubled.value as number) : 0), halted: n >= until };
  };

const expected = (until: number) => ({ n: until, total: until * (until - 1), halted: true });

async function sessionStep(runtime: Runtime, runId: string) {
  return (await runtime.session.load(runId))?.state.step;
}

describe('Runtime.run', () => {
  test('runs a step function until it halts, saving the session every step', async () => {
    const { runtime, calls } = await setup();
    await using _ = runtime;
    const result = await runtime.run('count', counter(5), { initial: INITIAL });
    expect(result).toEqual({ state: expected(5), steps: 5, stoppedBy: 'halted' });
    expect(calls).toEqual([0, 1, 2, 3, 4]);
    const saved = await runtime.session.load('count');
    expect(saved?.state).toMatchObject({ control: expected(5), step: 5, status: 'halted' });
    expect((await runtime.session.info('count'))?.version).toBe(5);
    expect(await runtime.receipt.count()).toBe(5);
    expect(runtime.governance.getBudget().consumed.tokens).toBe(50);
  });

  test('stops at maxSteps and resumes from the saved session to the same end', async () => {
    const { runtime, calls } = await setup();
    await using _ = runtime;
    expect(await runtime.run('count', counter(6), { initial: INITIAL, maxSteps: 4 })).toMatchObject({
      steps: 4,
      stoppedBy: 'iterations',
      state: { n: 4 },
    });
    const resumed = await runtime.run('count', counter(6), { initial: INITIAL });
    expect(resumed).toEqual({ state: expected(6), steps: 6, stoppedBy: 'halted' });
    expect(calls).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await runtime.run('count', counter(6), { initial: INITIAL })).toMatchObject({ steps: 6 });
    expect(calls).toHaveLength(6);
  });

  test('a step that fails after its effect is resumed with the recorded result: one call, charge and receipt', async () => {
    const { runtime, calls } = await setup();
    await using _ = runtime;
    const crash = { step: 2, thrown: [] as boolean[] };
    const failed = await runtime.run('count', counter(4, crash), { initial: INITIAL });
    expect(failed).toMatchObject({ stoppedBy: 'error', steps: 2 });
    expect((failed.error as Error).message).toBe('crash after the effect');
    const resumed = await runtime.run('count', counter(4, crash), { initial: INITIAL });
    expect(resumed).toEqual({ state: expected(4), steps: 4, stoppedBy: 'halted' });
    expect(calls).toEqual([0, 1, 2, 3]);
    expect(await runtime.receipt.count()).toBe(4);
    const keys = (await runtime.receipt.list()).map((receipt) => receipt.idempotencyKey);
    expect(keys).toEqual(['count:0:0', 'count:1:0', 'count:2:0', 'count:3:0']);
    expect(runtime.governance.getBudget().consumed.tokens).toBe(40);
  });

  test('saveEvery bounds what a failure loses; snapshotEvery takes snapshots', async () => {
    const { runtime } = await setup();
    await using _ = runtime;
    const crash = { step: 4, thrown: [] as boolean[] };
    const options = { initial: INITIAL, saveEvery: 3, snapshotEvery: 2 };
    expect(await runtime.run('count', counter(7, crash), options)).toMatchObject({
      stoppedBy: 'error',
      steps: 4,
    });
    expect(await sessionStep(runtime, 'count')).toBe(3);
    expect((await runtime.snapshot.list()).map((info) => info.name)).toEqual(['count.2', 'count.4']);
    expect(await runtime.run('count', counter(7, crash), options)).toMatchObject({
      stoppedBy: 'halted',
      steps: 7,
    });
    expect(await sessionStep(runtime, 'count')).toBe(7);
    expect((await runtime.snapshot.load('count.6'))?.state.control).toMatchObject({ n: 6 });
  });

  test('an effect the budget cannot hold stops the run with stoppedBy budget, its state saved', async () => {
    const { runtime, calls } = await setup({ budget: { tokens: 25 } });
    await using _ = runtime;
    const result = await runtime.run('count', counter(5), { initial: INITIAL });
    expect(result).toMatchObject({ stoppedBy: 'budget', steps: 3, state: { n: 3, total: 2 } });
    expect(calls).toEqual([0, 1]);
    expect(await sessionStep(runtime, 'count')).toBe(3);
  });

  test('a session changed by someone else makes the next save a conflict', async () => {
    const { runtime } = await setup();
    await using _ = runtime;
    const meddling: StepFunction<Counter> = async (state, ctx) => {
      if (ctx.step === 1) {
        const saved = await runtime.session.load(ctx.runId);
        if (saved !== null) await runtime.session.save(ctx.runId, saved);
      }
      return { ...state, n: state.n + 1 };
    };
    const result = await runtime.run('count', meddling, { initial: INITIAL, maxSteps: 3 });
    expect(result).toMatchObject({ stoppedBy: 'error', steps: 2 });
    expect(result.error).toBeInstanceOf(ConflictError);
  });

  test('an aborted signal stops the run before its next step', async () => {
    const { runtime } = await setup();
    await using _ = runtime;
    const controller = new AbortController();
    const step: StepFunction<Counter> = async (state, ctx) => {
      if (ctx.step === 1) controller.abort(new Error('stop'));
      return { ...state, n: state.n + 1 };
    };
    const result = await runtime.run('count', step, { initial: INITIAL, signal: controller.signal });
    expect(result).toMatchObject({ stoppedBy: 'error', steps: 2, error: new Error('stop') });
    expect(await sessionStep(runtime, 'count')).toBe(2);
  });

  test('refuses a bad run id or option', async () => {
    const { runtime } = await setup();
    await using _ = runtime;
    await expect(runtime.run('../x', counter(1), { initial: INITIAL })).rejects.toBeInstanceOf(
      InvalidNameError,
    );
    await expect(runtime.run('r'.repeat(101), counter(1), { initial: INITIAL })).rejects.toBeInstanceOf(
      InvalidNameError,
    );
    await expect(runtime.run('r', counter(1), { initial: INITIAL, saveEvery: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('checkpoint and restore', () => {
  test('a checkpoint is a snapshot of the saved session; restore makes it the session again', async () => {
    const { runtime, calls } = await setup();
    await using _ = runtime;
    await runtime.run('count', counter(6), { initial: INITIAL, maxSteps: 2 });
    const checkpoint = await runtime.checkpoint('count', 'before the rest');
    expect(checkpoint).toMatchObject({ name: 'count.2', runId: 'count', step: 2, label: 'before the rest' });
    expect(checkpoint.digest).toMatch(/^[0-9a-f]{64}$/);
    await runtime.run('count', counter(6), { initial: INITIAL });
    expect(await sessionStep(runtime, 'count')).toBe(6);

    expect(await runtime.restore('count', 'count.2')).toEqual({
      runId: 'count',
      snapshot: 'count.2',
      step: 2,
    });
    expect((await runtime.session.load('count'))?.state.control).toMatchObject({ n: 2 });
    const replayed = await runtime.run('count', counter(6), { initial: INITIAL });
    expect(replayed).toEqual({ state: expected(6), steps: 6, stoppedBy: 'halted' });
    expect(calls).toHaveLength(6);
    expect(await runtime.receipt.count()).toBe(6);
  });

  test('name what is missing', async () => {
    const { runtime } = await setup();
    await using _ = runtime;
    await expect(runtime.checkpoint('nothing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(runtime.restore('count', 'count.9')).rejects.toBeInstanceOf(NotFoundError);
  });
});
