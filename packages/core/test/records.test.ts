import { describe, expect, it } from 'vitest';
import {
  emptyState,
  MachineSnapshotSchema,
  SessionDataSchema,
  SessionInfoSchema,
  SnapshotInfoSchema,
  StateSchema,
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

  it('accepts rich values in state and defaults session meta', () => {
    const state = {
      ...emptyState(),
      control: new Map([[1n, new Set([new Date(0)])]]),
      store: { a: new Uint8Array([1, 2]), b: undefined },
    };
    expect(SessionDataSchema.parse({ state }).meta).toEqual({});
  });

  it.each([
    ['a negative step', { ...emptyState(), step: -1 }, ['step']],
    ['an unknown status', { ...emptyState(), status: 'paused' }, ['status']],
    ['a non-string env address', { ...emptyState(), env: { x: 1 } }, ['env', 'x']],
    ['a function in the store', { ...emptyState(), store: { f: () => 1 } }, ['store', 'f']],
  ])('rejects a state with %s at its path', (_label, state, path) => {
    const result = StateSchema.safeParse(state);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('validates infos and snapshots', () => {
    expect(
      SessionInfoSchema.safeParse({ name: 'a', createdAt: 1, updatedAt: 2, version: 0, size: 3 }).success,
    ).toBe(false);
    expect(
      SessionInfoSchema.safeParse({ name: '../a', createdAt: 1, updatedAt: 2, version: 1, size: 3 }).success,
    ).toBe(false);
    expect(SnapshotInfoSchema.safeParse({ name: 'a', createdAt: 1, size: 3, digest: 'abc' }).success).toBe(
      false,
    );
    expect(MachineSnapshotSchema.parse({ state: emptyState(), createdAt: 5, label: 'l' })).toMatchObject({
      label: 'l',
    });
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
    const result = SessionDataSchema.safeParse({ state: emptyState(), meta: { ok: 1, bad: Symbol('s') } });
    expect(result.error?.issues[0]?.path).toEqual(['meta', 'bad']);
  });
});
