// Runs @omega/runtime from the packed tarballs, installed without @omega/postgres: a three-step run on the
// memory preset whose effect goes through the whole middleware, then a filesystem run resumed by a second
// runtime, which gets its recorded effect back instead of calling the handler again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRuntime } from '@omega/runtime';

const require = createRequire(import.meta.url);
assert.equal(typeof require('@omega/runtime').createRuntime, 'function');

let calls = 0;
const search = async (_ctx, query) => {
  calls += 1;
  return { ok: true, value: `hit for ${query}`, usage: { inputTokens: 10, outputTokens: 5 } };
};
const step = async (state, ctx) => {
  const hit = await ctx.effect('tool.search', `question ${state.n}`);
  assert.equal(hit.ok, true);
  return { n: state.n + 1, halted: state.n + 1 === 3 };
};
const options = { initial: { n: 0, halted: false } };
const estimate = { costEstimate: { inputTokens: 10, outputTokens: 5 } };

/** Runs `use` on a new runtime and closes it (Node 20 has no `await using`). */
async function withRuntime(options, use) {
  const runtime = await createRuntime(options);
  try {
    runtime.effects.register('tool.search', search, estimate);
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

await withRuntime({ preset: 'memory' }, async (memory) => {
  const result = await memory.run('demo', step, options);
  assert.deepEqual([result.stoppedBy, result.steps, calls], ['halted', 3, 3]);
  assert.equal((await memory.receipt.verify()).ok, true);
});

const work = await mkdtemp(path.join(tmpdir(), 'omega-runtime-consumer-'));
try {
  const root = path.join(work, 'store');
  await withRuntime({ root }, (first) => first.run('fs', step, { ...options, maxSteps: 2 }));
  const before = calls;
  const result = await withRuntime({ root }, (second) => second.run('fs', step, options));
  assert.deepEqual([result.stoppedBy, result.state.n, calls - before], ['halted', 3, 1]);
  console.log('runtime: createRuntime runs and resumes from the tarballs, without @omega/postgres');
} finally {
  await rm(work, { recursive: true, force: true });
}
