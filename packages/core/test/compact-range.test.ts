import { describe, expect, it } from 'vitest';
import { CompactRange, leafHash, rootFromHashes } from '../src/index.js';
import { mulberry32 } from '../src/testing.js';

describe('CompactRange', () => {
  it('gives the root rootFromHashes gives, at every size up to 300 and at seeded larger ones', () => {
    const random = mulberry32(14);
    const leaves = Array.from({ length: 1100 }, (_, i) => leafHash(Buffer.from(`entry ${i} ${random()}`)));
    const range = new CompactRange();
    expect(range.root()).toBe(rootFromHashes([]));
    for (let size = 1; size <= leaves.length; size++) {
      range.append(leaves[size - 1]!);
      if (size <= 300 || size % 97 === 0 || size === 1024 || size === 1025) {
        expect(range.root(), `size ${size}`).toBe(rootFromHashes(leaves.slice(0, size)));
      }
    }
    expect(range.size).toBe(leaves.length);
  });
});
