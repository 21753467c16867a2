import { unstorableValues } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { EffectResultSchema } from '../src/index.js';
import { resultFailure } from '../src/rules.js';

// resultFailure is EffectResultSchema's rule written by hand for speed: the two must agree.
describe('resultFailure', () => {
  const results: unknown[] = [
    { ok: true, value: 1 },
    { ok: true, value: undefined },
    { ok: true, value: new Map([[1, new Set([2n])]]) },
    { ok: true, value: 1, usage: {} },
    { ok: true, value: 1, usage: { inputTokens: 1, outputTokens: 2, costUsd: 0.5 } },
    { ok: false, error: { code: 'X', message: '' } },
    { ok: false, error: { code: 'X', message: 'm', retryable: true } },
    undefined,
    null,
    [],
    'ok',
    { ok: true },
    { ok: 1, value: 1 },
    { ok: true, value: 1, extra: true },
    { ok: true, value: 1, usage: null },
    { ok: true, value: 1, usage: { costUsd: -0.1 } },
    { ok: true, value: 1, usage: { outputTokens: Number.NaN } },
    { ok: true, value: 1, usage: { tokens: 3 } },
    { ok: false },
    { ok: false, error: null },
    { ok: false, error: { code: '', message: 'm' } },
    { ok: false, error: { code: 7, message: 'm' } },
    { ok: false, error: { code: 'X' } },
    { ok: false, error: { code: 'X', message: 'm', retryable: 1 } },
    { ok: false, error: { code: 'X', message: 'm', cause: 1 } },
    { ok: false, error: { code: 'X', message: 'm' }, value: 1 },
    ...unstorableValues().map(({ value }) => ({ ok: true, value })),
  ];

  it('accepts exactly what EffectResultSchema accepts', () => {
    for (const [i, result] of results.entries()) {
      const accepted = resultFailure(result, 'test') === undefined;
      expect(accepted, `results[${i}]`).toBe(EffectResultSchema.safeParse(result).success);
    }
  });

  it('tells a value that is not a Val from a result of the wrong shape', () => {
    for (const { value } of unstorableValues()) {
      expect(resultFailure({ ok: true, value }, 'test')).toMatchObject({
        ok: false,
        error: { code: 'RESULT_NOT_VAL' },
      });
    }
    expect(resultFailure({ ok: true }, 'test')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_RESULT' },
    });
  });
});
