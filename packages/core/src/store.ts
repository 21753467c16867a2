import type { BlobBackend, BlobSpec } from './blobs.js';
import type { DocumentBackend, DocumentSpec } from './documents.js';
import { ClosedError, InvalidArgumentError } from './errors.js';
import type { LogBackend, LogSpec } from './log.js';

/**
 * One backend kind's implementation of the three storage ports: `MemoryStore` (`@omega/core`),
 * `FilesystemStore` (`@omega/core/fs`), `PostgresStore` (`@omega/postgres`). A family's front runs over
 * the ports a store hands out, so a new store serves every family with no class written per family.
 * Ports of one spec folder share their data: two fronts over one store see each other's writes.
 */
export interface Store {
  /** The document port of `spec`'s folder. */
  documents<H>(spec: DocumentSpec<H>): DocumentBackend<H>;
  /** The log port of `spec`'s folder. */
  log<H>(spec: LogSpec<H>): LogBackend<H>;
  /** The blob port of `spec`'s folder. */
  blobs(spec: BlobSpec): BlobBackend;
  /**
   * The store's clock, in milliseconds since the epoch, shared by every process and machine using the
   * store: the database server's `clock_timestamp()` for PostgreSQL; absent where the store is private to
   * one host. Families whose expiries other machines enforce read it rather than their own clock.
   */
  now?(): Promise<number>;
  /**
   * Closes every port the store handed out and releases what the store holds (a memory store lets its
   * data go). Fronts over a store they were given do not close it: its owner does. Idempotent.
   */
  close(): Promise<void>;
}

/** Which port a store folder serves. */
export type PortKind = 'documents' | 'log' | 'blobs';

interface OpenPort {
  kind: PortKind;
  // What the folder's spec says of its contents: a second spec for one folder must say the same.
  identity: string;
  port: { close(): Promise<void> };
}

/**
 * The ports a store has handed out, one per folder: asking again for a folder returns the same port, so
 * every front over one store shares its locks, caches and group commits. A folder serves one port kind
 * and one spec (kind, format and format version); asking otherwise is an `InvalidArgumentError`, since
 * two specs over one folder would read each other's data as their own. After `close()`, asking for a port
 * is a `ClosedError`.
 */
export class StorePorts {
  readonly #store: string;
  readonly #ports = new Map<string, OpenPort>();
  #closed = false;

  /** @param store The store's class name, for errors. */
  constructor(store: string) {
    this.#store = store;
  }

  /** The port of `folder`, made by `open` the first time. */
  get<T extends { close(): Promise<void> }>(kind: PortKind, spec: PortIdentity, open: () => T): T {
    if (this.#closed) {
      throw new ClosedError(`${this.#store}.${kind}() called after close()`, {
        details: { provider: this.#store, method: kind },
      });
    }
    const identity = JSON.stringify([spec.kind, spec.format ?? null, spec.formatVersion ?? null]);
    const existing = this.#ports.get(spec.folder);
    if (existing === undefined) {
      const port = open();
      this.#ports.set(spec.folder, { kind, identity, port });
      return port;
    }
    if (existing.kind !== kind || existing.identity !== identity) {
      throw new InvalidArgumentError(
        `folder "${spec.folder}" of this ${this.#store} already serves another ${existing.kind} spec`,
        { details: { folder: spec.folder, kind: spec.kind, port: kind, servedPort: existing.kind } },
      );
    }
    return existing.port as T;
  }

  /** Closes every port handed out; idempotent. Returns false when it was closed already. */
  async close(): Promise<boolean> {
    if (this.#closed) return false;
    this.#closed = true;
    for (const { port } of this.#ports.values()) await port.close();
    return true;
  }
}

/** What {@link StorePorts} compares of a spec. */
export interface PortIdentity {
  kind: string;
  folder: string;
  format?: string;
  formatVersion?: number;
}
