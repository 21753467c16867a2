import type { Val } from '@omega/core';
import { expect } from 'vitest';
import type { EffectContext, EffectHandler, EffectResult } from './index.js';

// What the conformance groups share: contexts, handlers, and the check of an error result.

/** A context for a dispatch of `op`, with a fresh signal unless one is given. */
export function contextFor(op: string, extra: Partial<EffectContext> = {}): EffectContext {
  return { runId: 'conformance-run', step: 3, op, signal: new AbortController().signal, ...extra };
}

/** A handler resolving to `{ ok: true, value }`. */
export function returning(value: Val): EffectHandler {
  return async () => ({ ok: true, value });
}

/** A handler that never settles and ignores its signal, and the contexts it was called with. */
export function hanging(): { handler: EffectHandler; calls: EffectContext[] } {
  const calls: EffectContext[] = [];
  return {
    calls,
    handler: (context) => {
      calls.push(context);
      return new Promise<EffectResult>(() => undefined);
    },
  };
}

/** A promise and its resolver, for a test to wait until a handler has started. */
export function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => {
    resolve = () => settle();
  });
  return { promise, resolve };
}

/** Asserts that `result` is an error result of `code`, with a message, and returns its error. */
export function expectFailure(result: EffectResult, code: string): { code: string; message: string } {
  expect(result.ok, `expected an error result ${code}, got ${JSON.stringify(result)}`).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe(code);
  expect(result.error.message.length).toBeGreaterThan(0);
  return result.error;
}
