import type { EffectHandler } from '@omega/effects';
import { RemoteGovernanceProvider } from '@omega/governance/front';
import { type PostgresServer, startPostgres } from '@omega/test-kit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRuntime, type StepFunction } from '../src/index.js';

interface Counter {
  [key: string]: number | boolean;
  n: number;
  halted: boolean;
}

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('the postgres preset', () => {
  test('runs every asynchronous family on one PostgreSQL store, resumable from another runtime', async () => {
    const calls: number[] = [];
    const handler: EffectHandler = async (_context, n) => {
      calls.push(n as number);
      return { ok: true, value: (n as number) + 1, usage: { inputTokens: 3, outputTokens: 2 } };
    };
    const step: StepFunction<Counter> = async (state, ctx) => {
      const next = await ctx.effect('math.inc', state.n);
      const n = next.ok ? (next.value as number) : state.n;
      return { n, halted: n === 4 };
    };
    const options = { preset: 'postgres' as const, connectionString: server.connectionString };
    {
      await using runtime = await createRuntime(options);
      expect(runtime.root).toBeUndefined();
      expect(runtime.governance).toBeInstanceOf(RemoteGovernanceProvider);
      runtime.effects.register('math.inc', handler, { costEstimate: { inputTokens: 3, outputTokens: 2 } });
      expect(
        await runtime.run('pg-run', step, { initial: { n: 0, halted: false }, maxSteps: 2 }),
      ).toMatchObject({
        stoppedBy: 'iterations',
        steps: 2,
      });
    }
    await using runtime = await createRuntime(options);
    runtime.effects.register('math.inc', handler, { costEstimate: { inputTokens: 3, outputTokens: 2 } });
    expect(await runtime.run('pg-run', step, { initial: { n: 0, halted: false } })).toEqual({
      state: { n: 4, halted: true },
      steps: 4,
      stoppedBy: 'halted',
    });
    expect(calls).toEqual([0, 1, 2, 3]);
    expect(
      (await runtime.receipt.list({ runId: 'pg-run' })).map((receipt) => receipt.idempotencyKey),
    ).toEqual(['pg-run:0:0', 'pg-run:1:0', 'pg-run:2:0', 'pg-run:3:0']);
    expect((await runtime.receipt.verify()).ok).toBe(true);
    expect(await runtime.provenance.count()).toBe(4);
    expect((await runtime.session.info('pg-run'))?.version).toBe(4);
  });
});
