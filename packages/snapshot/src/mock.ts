import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { SnapshotFront } from './front.js';
import type { SnapshotProvider } from './index.js';
import type { MemorySnapshotProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

/** Options of {@link MockSnapshotProvider}: `latencyMs`, and `durable` for the export files it writes. */
export type MockSnapshotProviderOptions = MockOptions & MemorySnapshotProviderOptions;

/**
 * A scriptable {@link SnapshotProvider} for testing a runtime: records every call (`calls`, `callsOf`) and
 * can fail the next or the nth call of a method (`failNext`, `failOn`), return a canned result
 * (`returnNext`) or add latency (`latencyMs`). Data lives in an inner memory provider, so unscripted it
 * behaves exactly like {@link MemorySnapshotProvider}. Generated from the method table.
 */
export class MockSnapshotProvider extends mockProvider<SnapshotProvider, MockSnapshotProviderOptions>(
  'MockSnapshotProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new SnapshotFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
