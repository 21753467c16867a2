import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect } from 'vitest';
import { blobDigest } from '../src/blobs.js';
import { isOmegaError } from '../src/errors.js';
import { FilesystemBlobBackend } from '../src/fs/blobs.js';
import {
  causedBy,
  describeInjectedFaults,
  INJECTED_FAULTS,
  mulberry32,
  runWithFault,
  type WritePath,
} from '../src/testing.js';

const SPEC = { kind: 'blob', folder: 'blobs' };

function seededBytes(seed: number, length: number): Uint8Array {
  const next = mulberry32(seed);
  return Uint8Array.from({ length }, () => (next() * 256) | 0);
}

const SMALL = new TextEncoder().encode('a small blob');
// Over 64 KB: written through the thread pool, so its writes are async and may come up short.
const LARGE = seededBytes(7, 200 * 1024);
const OTHER = new TextEncoder().encode('the next put');

/** What a reader sees: every digest, each with the digest of what get returns ('corrupt' when verification fails). */
async function contents(blobs: FilesystemBlobBackend): Promise<Record<string, string | null>> {
  const seen: Record<string, string | null> = {};
  for (const digest of await blobs.digests()) {
    seen[digest] = await blobs.get(digest).then(
      (bytes) => bytes && blobDigest(bytes),
      (error: unknown) => {
        if (isOmegaError(error, 'CORRUPT_DATA')) return 'corrupt';
        throw error;
      },
    );
  }
  return seen;
}

function putOf(
  bytes: Uint8Array,
  prepare?: WritePath<FilesystemBlobBackend>['prepare'],
): WritePath<FilesystemBlobBackend> {
  return {
    ...(prepare === undefined ? {} : { prepare }),
    run: (blobs) => blobs.put(bytes),
    observe: contents,
    next: (blobs) => blobs.put(OTHER),
  };
}

describeInjectedFaults(vitest, {
  kind: 'blob',
  open: (root) => new FilesystemBlobBackend(SPEC, { root }),
  paths: {
    'put of a new blob': putOf(SMALL),
    'put of a large new blob': putOf(LARGE),
    'put of a blob into an existing subfolder': putOf(SMALL, async (blobs) => {
      // Bytes whose digest shares SMALL's first two hex digits, found by a deterministic search.
      const prefix = blobDigest(SMALL).slice(0, 2);
      for (let i = 0; ; i++) {
        const bytes = new TextEncoder().encode(`neighbour ${i}`);
        if (blobDigest(bytes).startsWith(prefix)) return void (await blobs.put(bytes));
      }
    }),
    'put of a stored blob': putOf(SMALL, async (blobs) => void (await blobs.put(SMALL))),
    'put over a truncated blob': putOf(LARGE, async (blobs) => {
      const digest = await blobs.put(LARGE);
      await truncate(join(blobs.root, SPEC.folder, digest.slice(0, 2), digest), 1000);
    }),
    remove: {
      prepare: async (blobs) => void (await blobs.put(SMALL)),
      run: (blobs) => blobs.remove(blobDigest(SMALL)),
      observe: contents,
      next: (blobs) => blobs.put(OTHER),
    },
  },
});

const test = testWithTempDir('omega-fs-blobs-faults-');

describe('FilesystemBlobBackend reads under injected faults', () => {
  test('each call of get, has and digests failing in turn is a typed error caused by it', async ({ dir }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: dir });
    const small = await blobs.put(SMALL);
    const large = await blobs.put(LARGE);
    const reads: Record<string, () => Promise<unknown>> = {
      'get small': () => blobs.get(small),
      'get large': () => blobs.get(large),
      has: () => blobs.has(small),
      digests: () => blobs.digests(),
    };
    for (const [title, read] of Object.entries(reads)) {
      const dry = await runWithFault(read);
      expect(dry.outcome.ok, title).toBe(true);
      for (const fault of INJECTED_FAULTS.filter((fault) => fault !== 'short write')) {
        for (let at = 1; at <= dry.calls.length; at++) {
          const run = await runWithFault(read, { at, fault });
          const where = `${title}, ${fault} at ${run.injected?.call}`;
          expect(run.outcome.ok, where).toBe(false);
          const error = !run.outcome.ok && run.outcome.error;
          expect(isOmegaError(error, 'STORAGE_FAILURE') && causedBy(error, run.injected?.error), where).toBe(
            true,
          );
        }
      }
    }
    expect(await blobs.get(large)).toEqual(LARGE);
  });
});
