import { emptyState } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { MachineSnapshotSchema, SnapshotInfoSchema } from '../src/index.js';

describe('snapshot schemas', () => {
  it('refuse a snapshot info whose digest is not 64 lowercase hex digits', () => {
    const info = { name: 's', createdAt: 1, size: 2, digest: 'a'.repeat(64) };
    expect(SnapshotInfoSchema.safeParse(info).success).toBe(true);
    expect(SnapshotInfoSchema.safeParse({ ...info, digest: 'abc' }).success).toBe(false);
    expect(SnapshotInfoSchema.safeParse({ ...info, digest: 'A'.repeat(64) }).success).toBe(false);
  });

  it('keep the optional label of a machine snapshot', () => {
    const parsed = MachineSnapshotSchema.parse({ state: emptyState(), createdAt: 5, label: 'l' });
    expect(parsed.label).toBe('l');
    expect('parent' in parsed).toBe(false);
  });
});
