import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EffectContext, EffectHandler, EffectMiddleware, EffectResult } from '@omega/effects';
import { MemoryEffectHandlerRegistry } from '@omega/effects/memory';
import { compare } from './measure.js';
import type { Row } from './report.js';

// Each sample is a batch of calls, so timer resolution and scheduling noise do not dominate.
const SAMPLES = 15;
const BATCH = 500;
// Never reached: the handlers report no cost; the check is what a budget middleware does per call.
const BUDGET_USD = 1;

/**
 * Three middlewares of the kind the runtime puts around every effect (a capability check, a budget
 * count, a trace span), each doing a little work of its own and calling `next` once.
 */
function middlewares(): EffectMiddleware[] {
  let spent = 0;
  const spans: number[] = [];
  return [
    async (context, _args, next) =>
      context.op.startsWith('shell.')
        ? { ok: false, error: { code: 'CAPABILITY_DENIED', message: 'no shell' } }
        : next(),
    async (_context, _args, next) => {
      if (spent > BUDGET_USD)
        return { ok: false, error: { code: 'BUDGET_EXCEEDED', message: 'budget spent' } };
      const result = await next();
      if (result.ok) spent += result.usage?.costUsd ?? 0;
      return result;
    },
    async (context, _args, next) => {
      spans.push(context.step);
      if (spans.length > 1024) spans.length = 0;
      return next();
    },
  ];
}

/**
 * `dispatch` through three middlewares against calling the same handler directly, for a handler that
 * reads a small file (an effect's usual work: I/O) and, for reference, one that does nothing (the
 * registry's whole cost per call: context checks, value checks of arguments and results, the chain).
 */
export async function effectOperations(root: string): Promise<Row[]> {
  const file = path.join(root, 'input.txt');
  await writeFile(file, 'x'.repeat(1024));
  const fileRead: EffectHandler = async (_context, target) => ({
    ok: true,
    value: await readFile(target as string, 'utf8'),
    usage: { costUsd: 0 },
  });
  const nothing: EffectHandler = async (_context, n) => ({ ok: true, value: n });
  const registry = new MemoryEffectHandlerRegistry();
  for (const middleware of middlewares()) registry.use(middleware);
  registry.register('file.read', fileRead);
  registry.register('nothing', nothing);
  const context = (op: string): EffectContext => ({
    runId: 'bench',
    step: 1,
    op,
    signal: new AbortController().signal,
    deadline: Date.now() + 3_600_000,
  });
  const read = context('file.read');
  const none = context('nothing');
  const check = (result: EffectResult) => {
    if (!result.ok) throw new Error(`bench dispatch failed: ${result.error.code} ${result.error.message}`);
  };
  check(await registry.dispatch('file.read', read, file));
  try {
    const rows: Row[] = [];
    const reads = await compare(
      () => registry.dispatch('file.read', read, file),
      () => fileRead(read, file),
      SAMPLES,
      BATCH,
    );
    rows.push({
      bench:
        'effect dispatch through 3 middlewares vs calling the handler directly (a 1 KB file read, deadline set)',
      size: '1 call',
      ...reads,
      target: 1.5,
      sense: 'time',
    });
    const bare = await compare(
      () => registry.dispatch('nothing', none, 1),
      () => nothing(none, 1),
      SAMPLES,
      BATCH,
    );
    rows.push({
      bench:
        'effect dispatch through 3 middlewares vs calling a handler that does nothing (the whole overhead)',
      size: '1 call',
      ...bare,
      sense: 'time',
    });
    return rows;
  } finally {
    await registry.close();
  }
}
