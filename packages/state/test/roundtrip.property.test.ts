import { assertSameValue } from '@omega/core/testing';
import { stateArbitrary, tempDir } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilesystemStateProvider } from '../src/filesystem.js';
import { type StateProvider, StateSchema } from '../src/index.js';
import { MemoryStateProvider } from '../src/memory.js';
import { MockStateProvider } from '../src/mock.js';

const RUNS = { seed: 42, numRuns: 50 };

it('generates only states the schema takes', () => {
  fc.assert(
    fc.property(stateArbitrary, (state) => {
      expect(StateSchema.safeParse(state).error).toBeUndefined();
    }),
    RUNS,
  );
});

/** Opens a provider over a fresh store, hands it to `body`, then closes it and removes what it wrote. */
type Backend = (body: (provider: StateProvider) => Promise<void>) => Promise<void>;

const backends: Array<[string, Backend]> = [
  ['memory', (body) => withProvider(new MemoryStateProvider(), body)],
  ['mock', (body) => withProvider(new MockStateProvider(), body)],
  [
    'filesystem',
    async (body) => {
      const { dir: root, remove } = await tempDir('omega-state-prop-');
      try {
        await withProvider(new FilesystemStateProvider({ root, durable: false }), body);
      } finally {
        await remove();
      }
    },
  ],
];

async function withProvider(
  provider: StateProvider,
  body: (provider: StateProvider) => Promise<void>,
): Promise<void> {
  try {
    await body(provider);
  } finally {
    await provider.close();
  }
}

describe.each(backends)('property: %s', (_name, backend) => {
  it('any state saves and loads back exactly', () =>
    backend((provider) =>
      fc.assert(
        fc.asyncProperty(stateArbitrary, async (state) => {
          await provider.saveState('prop', state);
          assertSameValue(await provider.loadState('prop'), state);
        }),
        RUNS,
      ),
    ));

  it('cloneState of any state is an exact copy', () =>
    backend(async (provider) =>
      fc.assert(
        fc.property(stateArbitrary, (state) => {
          assertSameValue(provider.cloneState(state), state);
        }),
        RUNS,
      ),
    ));
});
