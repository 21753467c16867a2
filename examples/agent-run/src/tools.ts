import { artifactKey } from '@omega/artifact';
import type { Val } from '@omega/core';
import type { EffectContext } from '@omega/effects';
import type { Runtime } from '@omega/runtime';
import { CORPUS, fingerprints } from './corpus.js';
import { fakeModel, MODEL_ESTIMATE, type ModelRequest } from './model.js';
import { buildIndex, type SearchIndex, search } from './search.js';

/** How many times each handler ran in this process, by op and by step: what the summary compares. */
export class HandlerCalls {
  readonly #calls: { op: string; step: number }[] = [];

  note(context: EffectContext): void {
    this.#calls.push({ op: context.op, step: context.step });
  }

  /** Calls of `op` (every op when absent). */
  count(op?: string): number {
    return this.#calls.filter((call) => op === undefined || call.op === op).length;
  }

  /** Calls made for step `step`. */
  atStep(step: number): number {
    return this.#calls.filter((call) => call.step === step).length;
  }
}

/** Bumped when the index's shape changes, so an old cached index is never served. */
const INDEX_VERSION = 1;

/**
 * The search index of the corpus, from the artifact cache when the documents are unchanged (a hit: no
 * work), else built and put there with its dependencies' fingerprints and how long it took.
 */
export function cachedIndex(runtime: Runtime): SearchIndex {
  const deps = fingerprints(CORPUS);
  const key = artifactKey(['docs.search index', INDEX_VERSION], deps);
  const cached = runtime.artifact.getByExpr(key.exprKey, deps);
  if (cached !== undefined) return cached as unknown as SearchIndex;
  const started = performance.now();
  const index = buildIndex(CORPUS);
  runtime.artifact.put(key, index as unknown as Val, {
    computeTimeMs: performance.now() - started,
    deps: [...deps].map(([ref, fingerprint]) => ({ ref, fingerprint })),
  });
  return index;
}

/**
 * Registers the agent's effects: `model.complete` (the fake model, with the cost estimate the runtime
 * reserves before each call), `docs.search` (over the memoised index) and `shell.exec` (which the
 * example's profile denies, so its handler never runs).
 */
export function registerTools(runtime: Runtime, calls: HandlerCalls): void {
  runtime.effects.register(
    'model.complete',
    async (context, request) => {
      calls.note(context);
      return fakeModel(request as unknown as ModelRequest);
    },
    { description: 'Completes a prompt with a (fake, deterministic) model', costEstimate: MODEL_ESTIMATE },
  );
  runtime.effects.register(
    'docs.search',
    async (context, args) => {
      calls.note(context);
      const query = (args as { query?: unknown } | undefined)?.query;
      if (typeof query !== 'string') {
        return { ok: false, error: { code: 'BAD_ARGS', message: 'docs.search takes { query: string }' } };
      }
      return { ok: true, value: { hits: search(cachedIndex(runtime), query, 2) } as unknown as Val };
    },
    {
      description: 'Finds the sentences of the documents holding the most words of a query',
      inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  );
  runtime.effects.register(
    'shell.exec',
    async (context) => {
      calls.note(context);
      return { ok: false, error: { code: 'NOT_IN_EXAMPLE', message: 'the example runs no commands' } };
    },
    { description: 'Runs a shell command' },
  );
}
