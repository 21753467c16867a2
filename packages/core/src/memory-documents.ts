import {
  checkDocumentSpec,
  type DocumentBackend,
  type DocumentSpec,
  documentExists,
  type StoredDocument,
  type StoredHeader,
  updateUnderLock,
} from './documents.js';
import { assertValidName } from './names.js';
import { type PageOptions, pageOf } from './pages.js';
import {
  heldInThisProcess,
  runUnderSyncLock,
  type SyncDocumentBackend,
  type SyncLock,
} from './sync-ports.js';

/** A document as a {@link MemoryDocumentBackend} keeps it. */
export interface MemoryDocument<H> {
  header: H;
  body: string;
  // Measured on first read of the header: a save that nobody lists pays nothing for it.
  bodyBytes?: number;
}

/**
 * The per-name locks of one folder of memory documents and their fence counter, shared by its
 * asynchronous port and its synchronous face so that each excludes the other's holders.
 */
export class MemoryLocks {
  // A name's entry exists while it is held, and queues the hand-overs to its asynchronous waiters: an
  // uncontended lock costs no promise of its own (this is the memory backend's hot path).
  readonly #held = new Map<string, Array<(fence: number) => void>>();
  #fence = 0;

  /** Whether the lock of `name` is held. */
  held(name: string): boolean {
    return this.#held.has(name);
  }

  /** Takes the lock of `name` if it is free: its fence, or null when it is held. */
  take(name: string): number | null {
    if (this.#held.has(name)) return null;
    this.#held.set(name, []);
    return ++this.#fence;
  }

  /** Resolves to the fence once the lock of `name`, held now, is handed over to this waiter. */
  queue(name: string): Promise<number> {
    const waiters = this.#held.get(name)!;
    return new Promise<number>((handOver) => waiters.push(handOver));
  }

  /** Releases the lock of `name`: straight to its next waiter, or free. */
  release(name: string): void {
    const waiters = this.#held.get(name);
    const next = waiters?.shift();
    if (next === undefined) this.#held.delete(name);
    else next(++this.#fence);
  }
}

/** What the faces of one folder of memory documents share: the spec, the documents and the locks. */
interface MemoryFolder<H> {
  readonly spec: DocumentSpec<H>;
  readonly documents: Map<string, MemoryDocument<H>>;
  readonly locks: MemoryLocks;
}

/**
 * The synchronous face of memory documents: the documents of `documents`, locked through `locks`, which a
 * {@link MemoryDocumentBackend} shares with it (its `sync`). A lock held by anyone in this process (the
 * port's holders, or a face holder) is a `ConflictError` at once: one thread cannot wait for it.
 */
export class MemorySyncDocumentBackend<H> implements SyncDocumentBackend<H> {
  readonly prevalidated = true;
  readonly #folder: MemoryFolder<H>;

  constructor(
    spec: DocumentSpec<H>,
    documents: Map<string, MemoryDocument<H>> = new Map(),
    locks: MemoryLocks = new MemoryLocks(),
  ) {
    checkDocumentSpec(spec);
    this.#folder = { spec, documents, locks };
  }

  read(name: string): StoredDocument<H> | null {
    return readDocument(this.#folder, name);
  }

  readHeader(name: string): StoredHeader<H> | null {
    return readHeader(this.#folder, name);
  }

  headers(options?: PageOptions): StoredHeader<H>[] {
    return listHeaders(this.#folder, options);
  }

  names(options?: PageOptions): string[] {
    return listNames(this.#folder, options);
  }

  write(name: string, header: H, body: string): void {
    writeDocument(this.#folder, name, header, body);
  }

  create(name: string, header: H, body: string): void {
    createDocument(this.#folder, name, header, body);
  }

  remove(name: string): boolean {
    return removeDocument(this.#folder, name);
  }

  update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }): void {
    const { spec, locks } = this.#folder;
    assertValidName(spec.kind, name);
    if (locks.held(name)) throw heldInThisProcess(spec.kind, name);
    rewrite(this.#folder, name, next);
  }

  withLock<T>(name: string, fn: (fence: number) => T): T {
    return runUnderSyncLock((locked) => this.lock(locked), this.#folder.spec.kind, name, fn);
  }

  lock(name: string): SyncLock {
    const { spec, locks } = this.#folder;
    assertValidName(spec.kind, name);
    const fence = locks.take(name);
    if (fence === null) throw heldInThisProcess(spec.kind, name);
    let held = true;
    return {
      fence,
      release() {
        if (held) locks.release(name);
        held = false;
        return true;
      },
    };
  }

  /** Nothing to release: the documents are the store's. */
  close(): void {}
}

/**
 * A {@link DocumentBackend} in process memory, for tests and short runs. It keeps bodies as the serde
 * text the front wrote, so nothing is shared with callers and values behave exactly as on disk. Its
 * documents live in `documents`, which a `MemoryStore` shares between the ports of one folder; its lock
 * excludes the callers of this one object and of its synchronous face {@link MemoryDocumentBackend.sync}.
 */
export class MemoryDocumentBackend<H> implements DocumentBackend<H> {
  readonly prevalidated = true;
  /** The synchronous face of these documents and locks. */
  readonly sync: MemorySyncDocumentBackend<H>;
  readonly #folder: MemoryFolder<H>;

  constructor(spec: DocumentSpec<H>, documents: Map<string, MemoryDocument<H>> = new Map()) {
    const locks = new MemoryLocks();
    this.sync = new MemorySyncDocumentBackend(spec, documents, locks);
    this.#folder = { spec, documents, locks };
  }

  async read(name: string): Promise<StoredDocument<H> | null> {
    return readDocument(this.#folder, name);
  }

  async readHeader(name: string): Promise<StoredHeader<H> | null> {
    return readHeader(this.#folder, name);
  }

  async headers(options?: PageOptions): Promise<StoredHeader<H>[]> {
    return listHeaders(this.#folder, options);
  }

  async names(options?: PageOptions): Promise<string[]> {
    return listNames(this.#folder, options);
  }

  async write(name: string, header: H, body: string): Promise<void> {
    writeDocument(this.#folder, name, header, body);
  }

  async create(name: string, header: H, body: string): Promise<void> {
    createDocument(this.#folder, name, header, body);
  }

  async remove(name: string): Promise<boolean> {
    return removeDocument(this.#folder, name);
  }

  async update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }) {
    assertValidName(this.#folder.spec.kind, name);
    // Unlocked, the whole step runs without an await, so no other caller can come between read and write;
    // a held name is waited for (where the synchronous face refuses it).
    if (this.#folder.locks.held(name)) return updateUnderLock(this, name, next);
    rewrite(this.#folder, name, next);
  }

  async withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    assertValidName(this.#folder.spec.kind, name);
    const locks = this.#folder.locks;
    const fence = locks.take(name) ?? (await locks.queue(name));
    try {
      return await fn(fence);
    } finally {
      locks.release(name);
    }
  }

  /** Nothing to release: the documents are the store's. */
  async close(): Promise<void> {}
}

// The logic of both faces, once: each method of either is one call of these.

function readDocument<H>(folder: MemoryFolder<H>, name: string): StoredDocument<H> | null {
  assertValidName(folder.spec.kind, name);
  const document = folder.documents.get(name);
  if (document === undefined) return null;
  // Built field by field: an object spread here costs more than the rest of the read (measured ~1 µs).
  const { header, body } = document;
  return { name, formatVersion: folder.spec.formatVersion, header, bodyBytes: bytesOf(document), body };
}

function readHeader<H>(folder: MemoryFolder<H>, name: string): StoredHeader<H> | null {
  assertValidName(folder.spec.kind, name);
  const document = folder.documents.get(name);
  return document === undefined ? null : stored(folder, name, document);
}

function listHeaders<H>(folder: MemoryFolder<H>, options: PageOptions | undefined): StoredHeader<H>[] {
  return listNames(folder, options).map((name) => stored(folder, name, folder.documents.get(name)!));
}

function listNames(folder: MemoryFolder<unknown>, options: PageOptions | undefined): string[] {
  // Default sort compares UTF-16 code units, as the filesystem backend's listing does.
  return pageOf([...folder.documents.keys()].sort(), options, folder.spec.kind);
}

function writeDocument<H>(folder: MemoryFolder<H>, name: string, header: H, body: string): void {
  assertValidName(folder.spec.kind, name);
  folder.documents.set(name, { header, body });
}

function createDocument<H>(folder: MemoryFolder<H>, name: string, header: H, body: string): void {
  assertValidName(folder.spec.kind, name);
  if (folder.documents.has(name)) throw documentExists(folder.spec.kind, name);
  folder.documents.set(name, { header, body });
}

function removeDocument(folder: MemoryFolder<unknown>, name: string): boolean {
  assertValidName(folder.spec.kind, name);
  return folder.documents.delete(name);
}

// Read, next and write of an unlocked name (checked), as one step: nothing else runs on this thread meanwhile.
function rewrite<H>(
  folder: MemoryFolder<H>,
  name: string,
  next: (current: StoredHeader<H> | null) => { header: H; body: string },
): void {
  const current = folder.documents.get(name);
  const { header, body } = next(current === undefined ? null : stored(folder, name, current));
  folder.documents.set(name, { header, body });
}

function stored<H>(folder: MemoryFolder<H>, name: string, document: MemoryDocument<H>): StoredHeader<H> {
  return {
    name,
    formatVersion: folder.spec.formatVersion,
    header: document.header,
    bodyBytes: bytesOf(document),
  };
}

function bytesOf(document: MemoryDocument<unknown>): number {
  document.bodyBytes ??= Buffer.byteLength(document.body, 'utf8');
  return document.bodyBytes;
}
