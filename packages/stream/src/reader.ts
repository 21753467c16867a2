import type { LogBackend } from '@omega/core';
import type { StreamChunk } from './index.js';
import { decodeChunk, type EntryHeader, notFound, StreamIdleError } from './rules.js';

// Entries read at once: large enough that a reader catching up makes few reads, small enough that a page
// of model-output chunks stays a few hundred kilobytes.
const PAGE = 1000;

/** How {@link followChunks} reads. */
export interface FollowOptions {
  from: number;
  follow: boolean;
  signal: AbortSignal | undefined;
  idleTimeoutMs: number;
  /** Throws once the provider is closed: a follower stops at its next page. */
  assertOpen(): void;
}

/**
 * The chunks of stream `id` from index `from` on, in order, each once: pages of the log until its end,
 * then (following) the port's `wait` for the next entry, until an `end` or `cancel` entry. A wait that
 * times out with nothing new is a {@link StreamIdleError}; an abort rejects with the signal's reason.
 */
export async function* followChunks(
  log: LogBackend<EntryHeader>,
  id: string,
  options: FollowOptions,
): AsyncGenerator<StreamChunk> {
  const { follow, signal, idleTimeoutMs } = options;
  // Chunk i is the entry at position i + 1 (the create entry is at 0).
  let position = options.from + 1;
  for (;;) {
    options.assertOpen();
    signal?.throwIfAborted();
    const page = await log.read(id, { from: position, limit: PAGE });
    for (const entry of page) {
      if (entry.header.type !== 'chunk') return;
      // Checked per chunk: a reader that aborts while handling one gets no more of its page.
      signal?.throwIfAborted();
      yield {
        index: entry.position - 1,
        chunk: decodeChunk(id, entry.position, entry.body, log.prevalidated),
      };
      position = entry.position + 1;
    }
    if (page.length === PAGE) continue;
    if (!follow) return;
    const size = await log.wait(id, position, { signal, timeoutMs: idleTimeoutMs });
    if (size > position) continue;
    // Nothing came: a log dropped meanwhile is a deleted stream, anything else a silent writer.
    if (size === 0) throw notFound(id);
    throw new StreamIdleError(id, position - 1, idleTimeoutMs);
  }
}
