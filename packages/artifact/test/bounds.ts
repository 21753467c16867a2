import { fakeClock } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import type { ArtifactFront, ArtifactFrontOptions } from '../src/front.js';
import { key } from './helpers.js';

/**
 * The bounds of a backend: LRU by `capacity` and by `maxBytes`, the low-water mark of a large cache, and
 * prune. `open` gives a fresh provider with the options, and a cleanup.
 */
export function describeBounds(
  name: string,
  open: (options: ArtifactFrontOptions) => Promise<{ provider: ArtifactFront; cleanup: () => Promise<void> }>,
): void {
  const using = async (options: ArtifactFrontOptions, body: (provider: ArtifactFront) => void) => {
    const { provider, cleanup } = await open({ now: fakeClock(1_000, 1), accessResolutionMs: 0, ...options });
    try {
      body(provider);
    } finally {
      await provider.close();
      await cleanup();
    }
  };

  describe(`${name}: bounds`, () => {
    it('evicts the least recently used entry past capacity, a hit counting as a use', () =>
      using({ capacity: 2 }, (cache) => {
        cache.put(key('a'), 'A', {});
        cache.put(key('b'), 'B', {});
        expect(cache.get(key('a'))).toBe('A');
        cache.put(key('c'), 'C', {});
        expect(cache.get(key('b'))).toBeUndefined();
        expect(cache.get(key('a'))).toBe('A');
        expect(cache.get(key('c'))).toBe('C');
        expect(cache.stats()).toMatchObject({ count: 2, capacity: 2 });
      }));

    it('counts a hit of a coarse access time as a use in this process before it is written', () =>
      using({ capacity: 2, accessResolutionMs: 60_000 }, (cache) => {
        cache.put(key('a'), 'A', {});
        cache.put(key('b'), 'B', {});
        expect(cache.get(key('a'))).toBe('A');
        cache.put(key('c'), 'C', {});
        expect(cache.get(key('a'))).toBe('A');
        expect(cache.get(key('b'))).toBeUndefined();
      }));

    it('evicts an entry whose hits are not written yet when it is still the least recently used', () =>
      using({ capacity: 2, accessResolutionMs: 60_000 }, (cache) => {
        cache.put(key('a'), 'A', {});
        cache.put(key('b'), 'B', {});
        expect(cache.get(key('a'))).toBe('A');
        expect(cache.get(key('b'))).toBe('B');
        cache.put(key('c'), 'C', {});
        expect(cache.stats().count).toBe(2);
        expect(cache.get(key('a'))).toBeUndefined();
        expect(cache.get(key('b'))).toBe('B');
      }));

    it('evicts past maxBytes, least recently used first', () =>
      using({ maxBytes: 30 }, (cache) => {
        const ten = (c: string) => c.repeat(8); // "cccccccc": 10 bytes of serde text with its quotes
        cache.put(key('a'), ten('a'), {});
        cache.put(key('b'), ten('b'), {});
        cache.put(key('c'), ten('c'), {});
        expect(cache.stats()).toMatchObject({ count: 3, bytes: 30 });
        cache.put(key('d'), ten('d'), {});
        // Down to the low-water mark, 30 - floor(30 / 16) = 29 bytes: the two least recent go.
        expect(cache.get(key('a'))).toBeUndefined();
        expect(cache.get(key('b'))).toBeUndefined();
        expect(cache.get(key('d'))).toBe(ten('d'));
        expect(cache.stats()).toMatchObject({ count: 2, bytes: 20, maxBytes: 30 });
      }));

    it('does not keep a value larger than maxBytes', () =>
      using({ maxBytes: 8 }, (cache) => {
        cache.put(key('big'), 'x'.repeat(20), {});
        expect(cache.get(key('big'))).toBeUndefined();
        expect(cache.stats().count).toBe(0);
      }));

    it('evicts a large full cache down to a sixteenth below capacity, the most recent kept', () =>
      using({ capacity: 64 }, (cache) => {
        for (let i = 0; i < 65; i++) cache.put(key(`e${i}`), i, {});
        expect(cache.stats().count).toBe(60);
        expect(cache.get(key('e64'))).toBe(64);
        expect(cache.get(key('e4'))).toBeUndefined();
        expect(cache.get(key('e5'))).toBe(5);
      }));
  });
}
