import { assertOptionsRefused, BAD_MOCK_OPTIONS, thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { FilesystemEffectHandlerRegistry } from '../src/filesystem.js';
import { MockEffectHandlerRegistry } from '../src/mock.js';

// The registries take few options: the filesystem one its dir, the mock its latency (core's checks).
describe('effect handler registry constructors refuse bad options, naming the option', () => {
  it('the filesystem registry, without a dir', () => {
    for (const options of [undefined, null, {}, { dir: '' }, { dir: 42 }]) {
      const error = thrownBy(() => new FilesystemEffectHandlerRegistry(options as never), 'INVALID_ARGUMENT');
      expect(error.details.option).toBe('dir');
    }
  });

  it('the mock', () => {
    assertOptionsRefused((options) => new MockEffectHandlerRegistry(options), BAD_MOCK_OPTIONS);
  });
});
