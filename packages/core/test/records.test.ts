import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CheckedParts,
  emptyState,
  NameSchema,
  ShapeParts,
  StateSchema,
  StateStatusSchema,
  TimestampSchema,
} from '../src/records.js';

describe('record schemas', () => {
  it('emptyState is a valid running state, new on every call', () => {
    const a = emptyState();
    expect(StateSchema.parse(a)).toEqual({
      control: null,
      env: {},
      store: {},
      kont: [],
      step: 0,
      status: 'running',
    });
    expect(emptyState()).not.toBe(a);
  });

  it('accepts rich values in state', () => {
    const state = {
      ...emptyState(),
      control: new Map([[1n, new Set([new Date(0)])]]),
      store: { a: new Uint8Array([1, 2]), b: undefined },
      kont: [Number.NaN, -0, { $t: 'x' }],
    };
    expect(StateSchema.parse(state)).toEqual(state);
  });

  it.each([
    ['a negative step', { ...emptyState(), step: -1 }, ['step']],
    ['a fractional step', { ...emptyState(), step: 1.5 }, ['step']],
    ['an unknown status', { ...emptyState(), status: 'paused' }, ['status']],
    ['a non-string env address', { ...emptyState(), env: { x: 1 } }, ['env', 'x']],
    ['a function in the store', { ...emptyState(), store: { f: () => 1 } }, ['store', 'f']],
  ])('rejects a state with %s at its path', (_label, state, path) => {
    const result = StateSchema.safeParse(state);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('knows the three statuses', () => {
    expect(StateStatusSchema.options).toEqual(['running', 'halted', 'error']);
  });

  it('NameSchema follows the name rule', () => {
    for (const name of ['a', 'run-1', '_x.y']) expect(NameSchema.safeParse(name).success).toBe(true);
    for (const name of ['', '../a', '.hidden', 'a b', 7])
      expect(NameSchema.safeParse(name).success).toBe(false);
  });

  it('TimestampSchema takes non-negative integer milliseconds', () => {
    for (const time of [0, 1, 1_700_000_000_000]) expect(TimestampSchema.safeParse(time).success).toBe(true);
    for (const time of [-1, 1.5, Number.NaN, '1'])
      expect(TimestampSchema.safeParse(time).success).toBe(false);
  });
});

describe('record parts', () => {
  it('StateSchema is the checked state part', () => {
    expect(StateSchema).toBe(CheckedParts.state);
  });

  it('checked parts validate every value; shape parts leave values to serde', () => {
    const badState = { ...emptyState(), control: () => 1, store: { s: Symbol('s') } };
    expect(CheckedParts.state.safeParse(badState).success).toBe(false);
    expect(ShapeParts.state.safeParse(badState).success).toBe(true);
    expect(CheckedParts.val.safeParse(Symbol('s')).success).toBe(false);
    expect(ShapeParts.val.safeParse(Symbol('s')).success).toBe(true);
    expect(CheckedParts.valRecord.safeParse({ f: () => 1 }).success).toBe(false);
    expect(ShapeParts.valRecord.safeParse({ f: () => 1 }).success).toBe(true);
  });

  it('shape parts still check the structure around the values', () => {
    for (const parts of [CheckedParts, ShapeParts]) {
      expect(parts.state.safeParse({ ...emptyState(), step: -1 }).success).toBe(false);
      expect(parts.state.safeParse({ ...emptyState(), env: { x: 1 } }).success).toBe(false);
      expect(parts.state.safeParse({ ...emptyState(), kont: {} }).success).toBe(false);
      expect(parts.valRecord.safeParse([]).success).toBe(false);
      expect(parts.valRecord.safeParse(new Map()).success).toBe(false);
    }
  });
});

describe('recordOf', () => {
  it('keeps an own "__proto__" key of a parsed record instead of dropping it', () => {
    const state = {
      ...emptyState(),
      store: JSON.parse('{"__proto__": {"x": 1}, "a": 2}'),
      env: JSON.parse('{"__proto__": "a"}'),
    };
    const parsed = StateSchema.parse(state);
    expect(Object.keys(parsed.store)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(parsed.store, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.keys(parsed.env)).toEqual(['__proto__']);
  });

  it('rejects non-plain objects and reports nested paths', () => {
    expect(StateSchema.safeParse({ ...emptyState(), store: new Map() }).success).toBe(false);
    expect(StateSchema.safeParse({ ...emptyState(), store: [] }).success).toBe(false);
    const WithMeta = z.object({ state: StateSchema, meta: CheckedParts.valRecord });
    const result = WithMeta.safeParse({ state: emptyState(), meta: { ok: 1, bad: Symbol('s') } });
    expect(result.error?.issues[0]?.path).toEqual(['meta', 'bad']);
  });
});
