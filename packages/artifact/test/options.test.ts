import { describeOptionChecks, thrownBy } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { FilesystemArtifactProvider } from '../src/filesystem.js';
import { MemoryArtifactProvider } from '../src/memory.js';
import { MockArtifactProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'artifact',
  clock: true,
  filesystem: (options) => new FilesystemArtifactProvider(options),
  memory: (options) => new MemoryArtifactProvider(options),
  mock: (options) => new MockArtifactProvider(options),
});

describe('artifact options', () => {
  const bad: Array<[string, unknown]> = [
    ['capacity', 0],
    ['capacity', 1.5],
    ['capacity', '10'],
    ['maxBytes', -1],
    ['variants', 0],
    ['variants', 65],
    ['accessResolutionMs', -1],
    ['accessResolutionMs', Number.NaN],
  ];
  for (const [option, value] of bad) {
    it(`refuses ${option} ${String(value)} at construction`, () => {
      const error = thrownBy(() => new MemoryArtifactProvider({ [option]: value }), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ kind: 'artifact', option, provider: 'MemoryArtifactProvider' });
    });
  }

  it('reports capacity and maxBytes in stats, null when unbounded', async () => {
    const bounded = new MemoryArtifactProvider({ capacity: 10, maxBytes: 1000 });
    const unbounded = new MemoryArtifactProvider();
    expect(bounded.stats()).toMatchObject({ capacity: 10, maxBytes: 1000 });
    expect(unbounded.stats()).toMatchObject({ capacity: null, maxBytes: null });
    await bounded.close();
    await unbounded.close();
  });

  it('keeps as many variants per expression as asked', async () => {
    const cache = new MemoryArtifactProvider({ variants: 2 });
    for (let i = 0; i < 3; i++) cache.put({ exprKey: 'e', depsFingerprint: `d${i}` }, i, {});
    expect(cache.get({ exprKey: 'e', depsFingerprint: 'd0' })).toBeUndefined();
    expect(cache.stats().count).toBe(2);
    await cache.close();
  });
});
