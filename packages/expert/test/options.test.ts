import { assertOptionsRefused, BAD_MOCK_OPTIONS, thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { FilesystemExpertProvider } from '../src/filesystem.js';
import { DefaultExpertProvider } from '../src/memory.js';
import { MockExpertProvider } from '../src/mock.js';

// The registries take few options: the filesystem one its dirs and watch, the default one builtins, the
// mock its latency (core's checks) and builtins. Each is refused before any file is read.
describe('expert provider constructors refuse bad options, naming the option', () => {
  it('the filesystem provider', () => {
    const bad: Array<[string, unknown]> = [
      ['dir', undefined],
      ['dir', null],
      ['dir', {}],
      ['dir', { dir: '' }],
      ['dir', { dir: 42 }],
      ['dir', { dir: [] }],
      ['dir', { dir: ['/tmp', ''] }],
      ['watch', { dir: '/nonexistent/omega-expert', watch: 'yes' }],
      ['onReload', { dir: '/nonexistent/omega-expert', onReload: 'log' }],
    ];
    for (const [option, options] of bad) {
      const error = thrownBy(() => new FilesystemExpertProvider(options as never), 'INVALID_ARGUMENT');
      expect(error.details.option).toBe(option);
    }
  });

  it('the default provider', () => {
    for (const options of [null, { builtins: 'no' }]) {
      const error = thrownBy(() => new DefaultExpertProvider(options as never), 'INVALID_ARGUMENT');
      expect(error.details.option).toBe('builtins');
    }
  });

  it('the mock', () => {
    assertOptionsRefused(
      (options) => new MockExpertProvider(options),
      [...BAD_MOCK_OPTIONS, ['builtins', 1]],
    );
  });
});
