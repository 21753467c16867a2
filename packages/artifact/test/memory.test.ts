import { thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeArtifactProvider } from '../src/conformance.js';
import { MemoryArtifactProvider } from '../src/memory.js';
import { describeBounds } from './bounds.js';
import { key } from './helpers.js';

describeArtifactProvider('memory', async () => ({ provider: new MemoryArtifactProvider() }));

describeBounds('memory', async (options) => ({
  provider: new MemoryArtifactProvider(options),
  cleanup: async () => undefined,
}));

describe('MemoryArtifactProvider', () => {
  it('hands out plain data frozen and the same object each hit, other values as fresh copies', async () => {
    const cache = new MemoryArtifactProvider();
    cache.put(key('plain'), { list: [1, { deep: true }] }, {});
    cache.put(key('map'), { map: new Map([['k', 1]]) }, {});
    const plain = cache.get(key('plain')) as { list: [number, { deep: boolean }] };
    expect(Object.isFrozen(plain.list[1])).toBe(true);
    expect(cache.get(key('plain'))).toBe(plain);
    const map = cache.get(key('map')) as { map: Map<string, number> };
    map.map.set('k', 2);
    expect((cache.get(key('map')) as { map: Map<string, number> }).map.get('k')).toBe(1);
    await cache.close();
  });

  it('refuses a clock reading that is not a timestamp, storing nothing', async () => {
    for (const reading of [-1, 1.5, Number.NaN]) {
      const cache = new MemoryArtifactProvider({ now: () => reading });
      thrownBy(() => cache.put(key('e'), 1, {}), 'INVALID_ARGUMENT');
      expect(cache.get(key('e'))).toBeUndefined();
      await cache.close();
    }
  });
});
