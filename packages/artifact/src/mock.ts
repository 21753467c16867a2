import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { ArtifactFront } from './front.js';
import type { ArtifactProvider } from './index.js';
import type { MemoryArtifactProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

/** Options of {@link MockArtifactProvider}: `latencyMs`, and those of the memory backend it runs. */
export type MockArtifactProviderOptions = MockOptions & MemoryArtifactProviderOptions;

/**
 * A scriptable artifact cache for testing a runtime: it keeps entries in memory, records every call in
 * `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`, so a runtime's handling of a miss or a failing cache can be tested. Unscripted it behaves
 * exactly like {@link MemoryArtifactProvider}. Generated from the method table, like every family's mock.
 */
export class MockArtifactProvider extends mockProvider<ArtifactProvider, MockArtifactProviderOptions>(
  'MockArtifactProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new ArtifactFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
