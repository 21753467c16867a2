import { MemoryStore } from '@omega/core';
import { ArtifactFront, type ArtifactFrontOptions } from './front.js';

/** Options of {@link MemoryArtifactProvider}: `capacity`, `maxBytes`, `variants`, `accessResolutionMs`, `now`. */
export type MemoryArtifactProviderOptions = ArtifactFrontOptions;

/**
 * An artifact cache held in this process, for a run and for tests: an LRU bounded by `capacity` entries
 * and optionally `maxBytes` of value text. Plain-data values are frozen once and handed out without a copy.
 */
export class MemoryArtifactProvider extends ArtifactFront {
  constructor(options: MemoryArtifactProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemoryArtifactProvider', ownsStore: true });
  }
}
