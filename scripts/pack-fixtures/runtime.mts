// Type-checks (nodenext, ESM) a caller of @omega/runtime as its README shows it: a step function over a
// state of the caller's, an effect registered with an estimate, the run's result.
import type { EffectResult } from '@omega/effects';
import { createRuntime, type Runtime, type RuntimeOptions } from '@omega/runtime';

interface Counter {
  [key: string]: number | boolean;
  n: number;
  halted: boolean;
}

export async function countTo(options: RuntimeOptions, to: number): Promise<Counter> {
  await using runtime: Runtime = await createRuntime(options);
  runtime.effects.register('tool.echo', async (_ctx, text) => ({ ok: true, value: text }), {
    costEstimate: { inputTokens: 1, outputTokens: 1 },
  });
  const result = await runtime.run(
    'count',
    async (state: Counter, ctx) => {
      const echoed: EffectResult = await ctx.effect('tool.echo', `n=${state.n}`);
      return { n: state.n + (echoed.ok ? 1 : 0), halted: state.n + 1 >= to };
    },
    { initial: { n: 0, halted: false } },
  );
  const stopped: 'halted' | 'budget' | 'iterations' | 'error' = result.stoppedBy;
  if (stopped !== 'halted') throw new Error(`stopped by ${stopped}`);
  return result.state;
}
