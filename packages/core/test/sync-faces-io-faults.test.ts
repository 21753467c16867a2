import { appendFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import * as vitest from 'vitest';
import { z } from 'zod';
import { blobDigest } from '../src/blobs.js';
import { documentSpec } from '../src/documents.js';
import { isOmegaError } from '../src/errors.js';
import { FilesystemStore } from '../src/fs/store.js';
import type { Closable } from '../src/lifecycle.js';
import { type LogEntryInput, logSpec } from '../src/log.js';
import type { SyncBlobBackend, SyncDocumentBackend, SyncLogBackend } from '../src/sync-ports.js';
import { describeInjectedFaults, mulberry32, type WritePath } from '../src/testing.js';

const NOTES = documentSpec({ kind: 'note', folder: 'notes', header: z.object({ at: z.number() }) });
const BLOBS = { kind: 'blob', folder: 'blobs' };
const EVENTS = logSpec({ kind: 'event', folder: 'events', header: z.object({ n: z.number() }) });

/** The synchronous faces of a durable filesystem store, as the fault harness drives a provider. */
class Faces implements Closable {
  readonly store: FilesystemStore;
  readonly documents: SyncDocumentBackend<{ at: number }>;
  readonly blobs: SyncBlobBackend;
  readonly log: SyncLogBackend<{ n: number }>;

  constructor(root: string) {
    this.store = new FilesystemStore({ root });
    this.documents = this.store.documentsSync(NOTES);
    this.blobs = this.store.blobsSync(BLOBS);
    this.log = this.store.logSync(EVENTS);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function seededText(seed: number, length: number): string {
  const next = mulberry32(seed);
  return Array.from({ length }, () => String.fromCharCode(97 + ((next() * 26) | 0))).join('');
}

// Over 64 KB: written with more than one writev when one comes up short.
const LARGE = JSON.stringify(seededText(3, 100 * 1024));

/** What a reader sees of the documents: every name with its header and body. */
function documents(faces: Faces): Record<string, unknown> {
  const seen: Record<string, unknown> = {};
  for (const name of faces.documents.names()) {
    const document = faces.documents.read(name);
    seen[name] = document && { at: document.header.at, body: document.body };
  }
  return seen;
}

function documentPath(run: (faces: Faces) => unknown, prepare?: (faces: Faces) => void): WritePath<Faces> {
  return {
    ...(prepare === undefined ? {} : { prepare: async (faces: Faces) => prepare(faces) }),
    run: async (faces) => run(faces),
    observe: async (faces) => documents(faces),
    next: async (faces) => faces.documents.write('a', { at: 9 }, '"next"'),
  };
}

const written = (faces: Faces) => faces.documents.write('a', { at: 1 }, '"first"');

describeInjectedFaults(vitest, {
  kind: 'document (synchronous face)',
  open: (root) => new Faces(root),
  paths: {
    'write of a new document': documentPath((faces) => faces.documents.write('a', { at: 1 }, '"one"')),
    'write over a document': documentPath((faces) => faces.documents.write('a', { at: 2 }, '"two"'), written),
    'write of a large document': documentPath(
      (faces) => faces.documents.write('a', { at: 2 }, LARGE),
      written,
    ),
    create: documentPath((faces) => faces.documents.create('b', { at: 1 }, '"new"'), written),
    remove: documentPath((faces) => faces.documents.remove('a'), written),
    update: documentPath(
      (faces) =>
        faces.documents.update('a', (current) => ({
          header: { at: (current?.header.at ?? 0) + 1 },
          body: '"up"',
        })),
      written,
    ),
    'write under withLock': documentPath(
      (faces) =>
        faces.documents.withLock('a', (fence) => faces.documents.write('a', { at: fence }, '"locked"')),
      written,
    ),
  },
});

const SMALL = new TextEncoder().encode('a small blob');
// Over 64 KB: its writes may come up short.
const LARGE_BLOB = new TextEncoder().encode(seededText(7, 200 * 1024));
const OTHER = new TextEncoder().encode('the next put');

/** What a reader sees of the blobs: every digest, with the digest of what get returns ('corrupt' when it fails verification). */
function blobs(faces: Faces): Record<string, string | null> {
  const seen: Record<string, string | null> = {};
  for (const digest of faces.blobs.digests()) {
    try {
      const bytes = faces.blobs.get(digest);
      seen[digest] = bytes && blobDigest(bytes);
    } catch (error) {
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      seen[digest] = 'corrupt';
    }
  }
  return seen;
}

function blobPath(
  run: (faces: Faces) => unknown,
  prepare?: (faces: Faces, dir: string) => Promise<void>,
): WritePath<Faces> {
  return {
    ...(prepare === undefined ? {} : { prepare }),
    run: async (faces) => run(faces),
    observe: async (faces) => blobs(faces),
    next: async (faces) => faces.blobs.put(OTHER),
  };
}

describeInjectedFaults(vitest, {
  kind: 'blob (synchronous face)',
  open: (root) => new Faces(root),
  paths: {
    'put of a new blob': blobPath((faces) => faces.blobs.put(SMALL)),
    'put of a large new blob': blobPath((faces) => faces.blobs.put(LARGE_BLOB)),
    'put of a stored blob': blobPath(
      (faces) => faces.blobs.put(SMALL),
      async (faces) => void faces.blobs.put(SMALL),
    ),
    'put over a truncated blob': blobPath(
      (faces) => faces.blobs.put(LARGE_BLOB),
      async (faces) => {
        const digest = faces.blobs.put(LARGE_BLOB);
        await truncate(join(faces.store.root, BLOBS.folder, digest.slice(0, 2), digest), 1000);
      },
    ),
    remove: blobPath(
      (faces) => faces.blobs.remove(blobDigest(SMALL)),
      async (faces) => void faces.blobs.put(SMALL),
    ),
  },
});

const entries = (first: number, count: number): LogEntryInput<{ n: number }>[] =>
  Array.from({ length: count }, (_, i) => ({ header: { n: first + i }, body: `"entry ${first + i}\n"` }));

/** What a reader sees of the logs: every log, its size and its entries. */
function logs(faces: Faces): unknown {
  return faces.log
    .logs()
    .map((name) => ({ name, size: faces.log.size(name), entries: faces.log.read(name) }));
}

// Each write path of the face, on log "a" of a store holding `prepared` entries in it.
function logPath(run: (faces: Faces) => unknown, prepared = 2): WritePath<Faces> {
  return {
    ...(prepared === 0
      ? {}
      : { prepare: async (faces: Faces) => void faces.log.append('a', entries(0, prepared)) }),
    run: async (faces) => run(faces),
    observe: async (faces) => logs(faces),
    next: async (faces) => {
      const size = faces.log.size('a');
      faces.log.append('a', entries(size, 1), { expectedSize: size });
    },
  };
}

describeInjectedFaults(vitest, {
  kind: 'event log (synchronous face)',
  open: (root) => new Faces(root),
  paths: {
    'first append, creating the log and its folder': logPath(
      (faces) => faces.log.append('a', entries(0, 3)),
      0,
    ),
    'append of one entry': logPath((faces) => faces.log.append('a', entries(2, 1))),
    'append of a group': logPath((faces) => faces.log.append('a', entries(2, 5))),
    'conditional append': logPath((faces) => faces.log.append('a', entries(2, 1), { expectedSize: 2 })),
    'append after a torn tail, which it cuts': {
      ...logPath((faces) => faces.log.append('a', entries(2, 2))),
      prepare: async (faces, dir) => {
        faces.log.append('a', entries(0, 2));
        await appendFile(join(dir, 'root', 'events', 'a.log'), '{"p":2,"e":2,"f":"omega.ev');
      },
    },
    drop: logPath((faces) => faces.log.drop('a')),
  },
});
