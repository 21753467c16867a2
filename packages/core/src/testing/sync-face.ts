import type { BlobBackend } from '../blobs.js';
import type { DocumentBackend } from '../documents.js';
import { ClosedError } from '../errors.js';
import type { LogBackend } from '../log.js';
import type { SyncBlobBackend, SyncDocumentBackend, SyncLogBackend } from '../sync-ports.js';
import { describeOutcome } from './assertions.js';

/*
 * The synchronous faces keep their ports' contracts, so the published contract suites run against them
 * unchanged, through these adapters: each method of the port calls the face's method and checks that what
 * it returned is not a promise (a face that went asynchronous anywhere fails the suite). For a third-party
 * store's faces as much as for ours:
 *   describeDocumentBackend(vitest, 'MyStore sync', async () => ({ port: asyncDocuments(store.documentsSync(DOCUMENT_CONTRACT_SPEC)) }))
 */

/**
 * A {@link DocumentBackend} over a synchronous face, for running the document contract against it. Its
 * `withLock` holds the face's `lock(name)` across `fn`'s awaits; callers of this adapter wait for each
 * other per name in a queue of its own (the face refuses a second holder in this process rather than wait),
 * and so do its `update`s, which would otherwise meet a held lock.
 */
export function asyncDocuments<H>(face: SyncDocumentBackend<H>): DocumentBackend<H> {
  const turn = queue();
  const port: DocumentBackend<H> = {
    prevalidated: face.prevalidated,
    read: async (name) => returned('read', face.read(name)),
    readHeader: async (name) => returned('readHeader', face.readHeader(name)),
    headers: async (options) => returned('headers', face.headers(options)),
    names: async (options) => returned('names', face.names(options)),
    write: async (name, header, body, options) => returned('write', face.write(name, header, body, options)),
    create: async (name, header, body, options) =>
      returned('create', face.create(name, header, body, options)),
    remove: async (name, options) => returned('remove', face.remove(name, options)),
    update: (name, next) => turn(name, () => returned('update', face.update(name, next))),
    withLock: (name, fn) =>
      turn(name, async () => {
        const held = returned('lock', face.lock(name));
        try {
          return await fn(held.fence);
        } finally {
          returned('release', held.release());
        }
      }),
    close: async () => returned('close', face.close()),
  };
  const { contains } = face;
  if (contains !== undefined) port.contains = async (path) => returned('contains', contains.call(face, path));
  return port;
}

/**
 * A {@link LogBackend} over a synchronous face, for running the log contract against it. A face has no
 * `wait`: followers wait through the asynchronous port of the same store, `follow`, which sees the face's
 * appends; closing the adapter closes the face and ends the waits made through it, as closing a port
 * does. Without `follow`, `wait` rejects (skip the contract's `wait` group then).
 */
export function asyncLog<H>(face: SyncLogBackend<H>, follow?: Pick<LogBackend<H>, 'wait'>): LogBackend<H> {
  const closing = new AbortController();
  const closed = () => new ClosedError('wait() called after close()', { details: { method: 'wait' } });
  return {
    prevalidated: face.prevalidated,
    append: async (log, entries, options) => returned('append', face.append(log, entries, options)),
    read: async (log, options) => returned('read', face.read(log, options)),
    size: async (log) => returned('size', face.size(log)),
    last: async (log) => returned('last', face.last(log)),
    logs: async (options) => returned('logs', face.logs(options)),
    drop: async (log) => returned('drop', face.drop(log)),
    wait: async (log, size, options) => {
      if (closing.signal.aborted) throw closed();
      if (follow === undefined) {
        throw new Error('a synchronous log face has no wait, and no port to follow was given');
      }
      // The caller's signal, if it is one (the port checks what is not), or the adapter's close.
      const own = options?.signal;
      const signal =
        own instanceof AbortSignal ? AbortSignal.any([own, closing.signal]) : (own ?? closing.signal);
      return follow.wait(log, size, { ...options, signal });
    },
    close: async () => {
      returned('close', face.close());
      if (!closing.signal.aborted) closing.abort(closed());
    },
  };
}

/** A {@link BlobBackend} over a synchronous face, for running the blob contract against it. */
export function asyncBlobs(face: SyncBlobBackend): BlobBackend {
  return {
    put: async (bytes) => returned('put', face.put(bytes)),
    get: async (digest) => returned('get', face.get(digest)),
    has: async (digest) => returned('has', face.has(digest)),
    remove: async (digest) => returned('remove', face.remove(digest)),
    digests: async (options) => returned('digests', face.digests(options)),
    close: async () => returned('close', face.close()),
  };
}

// What a face's method returned, once checked not to be a promise (any thenable).
function returned<T>(method: string, value: T): T {
  const then = (value as { then?: unknown } | null | undefined)?.then;
  if (typeof then === 'function') {
    throw new Error(`${method}() of a synchronous face returned ${describeOutcome(value)}, a thenable`);
  }
  return value;
}

// Runs tasks of one name one after another, in call order; tasks of other names run freely.
function queue(): <T>(name: string, task: () => T | Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (name, task) => {
    const result = (tails.get(name) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(name, tail);
    void tail.then(() => {
      if (tails.get(name) === tail) tails.delete(name);
    });
    return result;
  };
}
