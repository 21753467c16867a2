import type { Val } from '@omega/core';
import type { EffectContext, EffectHandler, EffectResult } from '@omega/effects';
import type { TraceEvent } from '@omega/trace';
import { describe, expect, test } from 'vitest';
import { createRuntime, RUNTIME_ERROR_CODES, type Runtime, type RuntimeOptions } from '../src/index.js';

const PRICES = { m1: { inputPerMillion: 1000, outputPerMillion: 2000 } };

/** A memory runtime with `tool.search` (estimate 150 tokens, reports 80 + 40) counting its calls. */
async function setup(options: RuntimeOptions = {}) {
  const runtime = await createRuntime({ preset: 'memory', prices: PRICES, ...options });
  const calls: Val[][] = [];
  const handler: EffectHandler = async (_context, ...args) => {
    calls.push(args);
    return { ok: true, value: { hits: ['a', 'b'] }, usage: { inputTokens: 80, outputTokens: 40 } };
  };
  runtime.effects.register('tool.search', handler, { costEstimate: { inputTokens: 100, outputTokens: 50 } });
  runtime.effects.register('tool.free', handler);
  return { runtime, calls };
}

const context = (op: string, key?: string): EffectContext => ({
  runId: 'r1',
  step: 3,
  op,
  signal: new AbortController().signal,
  ...(key === undefined ? {} : { meta: { key } }),
});

async function events(runtime: Runtime): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const event of runtime.trace.query({ runId: 'r1' })) out.push(event);
  return out;
}

/** Asserts nothing was spent: no call, no receipt, no charge, no reservation left, no evidence. */
async function expectNothingSpent(runtime: Runtime, calls: Val[][]) {
  expect(calls).toHaveLength(0);
  expect(await runtime.receipt.count()).toBe(0);
  expect(await runtime.provenance.count()).toBe(0);
  const budget = runtime.governance.getBudget();
  expect(budget.consumed).toMatchObject({ tokens: 0, cost: 0 });
  expect(budget.reserved).toMatchObject({ tokens: 0, cost: 0 });
}

describe('the effect middleware', () => {
  test('a call is charged from its usage at the model price, receipted, traced and given provenance', async () => {
    const { runtime, calls } = await setup();
    await using _ = runtime;
    const result = await runtime.effects.dispatch('tool.search', context('tool.search', 'r1:3:0'), {
      model: 'm1',
      q: 'tea',
    });
    expect(result).toEqual({
      ok: true,
      value: { hits: ['a', 'b'] },
      usage: { inputTokens: 80, outputTokens: 40 },
    });
    expect(calls).toEqual([[{ model: 'm1', q: 'tea' }]]);

    const budget = runtime.governance.getBudget();
    expect(budget.consumed.tokens).toBe(120);
    expect(budget.consumed.cost).toBeCloseTo((80 * 1000 + 40 * 2000) / 1e6, 9);
    expect(budget.reserved).toMatchObject({ tokens: 0, cost: 0 });

    const [receipt] = await runtime.receipt.list({ runId: 'r1' });
    expect(receipt).toMatchObject({
      kind: 'effect',
      model: 'm1',
      usage: { inputTokens: 80, outputTokens: 40 },
      idempotencyKey: 'r1:3:0',
      meta: { step: 3, op: 'tool.search' },
    });
    expect(receipt?.finishedAt).toBeGreaterThanOrEqual(receipt?.startedAt ?? Number.POSITIVE_INFINITY);
    expect(await runtime.receipt.body(receipt?.hash ?? '')).toEqual({
      request: { op: 'tool.search', args: [{ model: 'm1', q: 'tea' }] },
      response: result,
    });
    expect((await runtime.receipt.verify()).ok).toBe(true);

    const trace = await events(runtime);
    const end = trace.find((event) => event.kind === 'span.end');
    expect(trace.map((event) => event.kind)).toEqual(['span.start', 'span.end']);
    expect(end).toMatchObject({ step: 3, name: 'effect tool.search', level: 'info' });
    expect(end?.data).toMatchObject({ op: 'tool.search', ok: true, key: 'r1:3:0', receipt: receipt?.hash });

    const [evidence] = await runtime.provenance.forSubject('effect tool.search');
    expect(evidence).toMatchObject({
      kind: 'observation',
      source: { receipt: receipt?.hash },
      generatedBy: { runId: 'r1', step: 3, receipt: receipt?.hash },
      agent: 'm1',
    });
  });

  test('a call priced by op, with no model, and one with no price spends tokens only', async () => {
    const { runtime } = await setup({
      prices: { 'tool.search': { inputPerMillion: 1000, outputPerMillion: 0 } },
    });
    await using _ = runtime;
    await runtime.effects.dispatch('tool.search', context('tool.search'), 'tea');
    expect(runtime.governance.getBudget().consumed).toMatchObject({ tokens: 120, cost: 0.08 });
    // A model named like an Object.prototype member has no price either.
    await runtime.effects.dispatch('tool.free', context('tool.free'), { model: 'toString' });
    expect(runtime.governance.getBudget().consumed).toMatchObject({ tokens: 240, cost: 0.08 });
  });

  test('a repeated keyed dispatch charges once and writes one receipt and one evidence', async () => {
    const { runtime, calls } = await setup();
    await using _ = runtime;
    for (let attempt = 0; attempt < 2; attempt++) {
      await runtime.effects.dispatch('tool.search', context('tool.search', 'r1:3:0'), { model: 'm1' });
    }
    expect(calls).toHaveLength(2);
    expect(runtime.governance.getBudget().consumed.tokens).toBe(120);
    expect(runtime.governance.getBudget().reserved.tokens).toBe(0);
    expect(await runtime.receipt.count()).toBe(1);
    expect(await runtime.provenance.count()).toBe(1);
  });

  test('a capability the profile does not grant is refused, audited and traced, with nothing spent', async () => {
    const profile = { name: 'no-effects', caps: ['cap.eval'], budget: {} };
    const { runtime, calls } = await setup({ profile });
    await using _ = runtime;
    const result = await runtime.effects.dispatch('tool.search', context('tool.search'), 'tea');
    expect(result).toMatchObject({ ok: false, error: { code: RUNTIME_ERROR_CODES.CAPABILITY_DENIED } });
    await expectNothingSpent(runtime, calls);
    const audit = await runtime.security.auditLog({ principal: 'run:r1' });
    expect(audit.map((event) => [event.action, event.resource, event.outcome])).toEqual([
      ['effect', 'tool.search', 'CAPABILITY_DENIED'],
    ]);
    const end = (await events(runtime)).find((event) => event.kind === 'span.end');
    expect(end).toMatchObject({ level: 'warn', data: { code: 'CAPABILITY_DENIED', refused: true } });
  });

  test('an effect the access policy denies is refused, its decision audited, with nothing spent', async () => {
    const { runtime, calls } = await setup({
      policy: [
        { id: 'all', effect: 'allow', principals: ['*'], actions: ['effect'], resources: ['**'] },
        {
          id: 'no-search',
          effect: 'deny',
          principals: ['run'],
          actions: ['effect'],
          resources: ['tool.search'],
        },
      ],
    });
    await using _ = runtime;
    const result = await runtime.effects.dispatch('tool.search', context('tool.search'), 'tea');
    expect(result).toMatchObject({ ok: false, error: { code: RUNTIME_ERROR_CODES.POLICY_DENIED } });
    await expectNothingSpent(runtime, calls);
    const audit = await runtime.security.auditLog({ principal: 'run:r1' });
    expect(audit.map((event) => [event.resource, event.outcome])).toEqual([['tool.search', 'deny']]);
    expect((await events(runtime)).at(-1)).toMatchObject({ level: 'warn', data: { code: 'POLICY_DENIED' } });
    expect((await runtime.effects.dispatch('tool.free', context('tool.free'), 'x')).ok).toBe(true);
  });

  test('the default policy denies what the profile denies', async () => {
    const profile = { name: 'some', caps: ['effect:**', '!effect:tool.search'], budget: {} };
    const { runtime } = await setup({ profile });
    await using _ = runtime;
    expect(
      runtime.security.check({ principal: 'run:r1', action: 'effect', resource: 'tool.free' }).allowed,
    ).toBe(true);
    expect(
      runtime.security.check({ principal: 'run:r1', action: 'effect', resource: 'tool.search' }).allowed,
    ).toBe(false);
  });

  test('an estimate the budget cannot hold is refused, audited and traced, with nothing spent', async () => {
    const { runtime, calls } = await setup({ budget: { tokens: 100 } });
    await using _ = runtime;
    const result = await runtime.effects.dispatch('tool.search', context('tool.search'), { model: 'm1' });
    expect(result).toMatchObject({ ok: false, error: { code: RUNTIME_ERROR_CODES.BUDGET_EXCEEDED } });
    await expectNothingSpent(runtime, calls);
    const audit = await runtime.security.auditLog({ principal: 'run:r1' });
    expect(audit.map((event) => event.outcome)).toEqual(['allow', 'BUDGET_EXCEEDED']);
    expect((await events(runtime)).at(-1)).toMatchObject({ data: { code: 'BUDGET_EXCEEDED' } });
  });

  test('a spent budget refuses an op without an estimate too', async () => {
    const { runtime, calls } = await setup({ budget: { tokens: 120 } });
    await using _ = runtime;
    expect((await runtime.effects.dispatch('tool.free', context('tool.free'), 'x')).ok).toBe(true);
    expect(runtime.governance.remaining('tokens')).toBe(0);
    const result: EffectResult = await runtime.effects.dispatch('tool.free', context('tool.free'), 'y');
    expect(result).toMatchObject({ ok: false, error: { code: RUNTIME_ERROR_CODES.BUDGET_EXCEEDED } });
    expect(calls).toHaveLength(1);
    expect(await runtime.receipt.count()).toBe(1);
  });

  test('a handler called again under a receipted key gets the first response back, charged and receipted once', async () => {
    const runtime = await createRuntime({ preset: 'memory', prices: PRICES });
    await using _ = runtime;
    let calls = 0;
    runtime.effects.register(
      'tool.clock',
      async () => {
        calls += 1;
        return { ok: true, value: { call: calls }, usage: { inputTokens: 10, outputTokens: 5 } };
      },
      { costEstimate: { inputTokens: 10, outputTokens: 5 } },
    );
    // Dispatching the key twice is what a resume does when a crash fell after the receipt, before the
    // journal recorded the result (run() asks the journal first; the middleware alone does not).
    const first = await runtime.effects.dispatch('tool.clock', context('tool.clock', 'r1:3:0'));
    const again = await runtime.effects.dispatch('tool.clock', context('tool.clock', 'r1:3:0'));
    expect(calls).toBe(2);
    expect(first).toMatchObject({ ok: true, value: { call: 1 } });
    expect(again).toEqual(first);
    expect(await runtime.receipt.count()).toBe(1);
    expect(runtime.governance.getBudget().consumed).toMatchObject({ tokens: 15 });
  });
});
