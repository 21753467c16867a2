import { emptyState } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { SessionDataSchema, SessionInfoSchema } from '../src/index.js';

describe('session schemas', () => {
  it('default a left-out meta to {}', () => {
    expect(SessionDataSchema.parse({ state: emptyState() }).meta).toStrictEqual({});
  });

  it('refuse a session info with version 0 or a name breaking the rule', () => {
    const info = { name: 'a', createdAt: 1, updatedAt: 2, version: 1, size: 3 };
    expect(SessionInfoSchema.safeParse(info).success).toBe(true);
    expect(SessionInfoSchema.safeParse({ ...info, version: 0 }).success).toBe(false);
    expect(SessionInfoSchema.safeParse({ ...info, name: '../a' }).success).toBe(false);
  });

  it('report the path of a meta value that cannot be stored', () => {
    const result = SessionDataSchema.safeParse({ state: emptyState(), meta: { bad: Symbol('s') } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toStrictEqual(['meta', 'bad']);
  });
});
