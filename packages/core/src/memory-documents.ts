import {
  assertBodySize,
  checkDocumentSpec,
  type DocumentBackend,
  type DocumentSpec,
  type DocumentWriteOptions,
  documentExists,
  fencedOut,
  fenceNotHeld,
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
  // A name's entry exists while it is held: its fence, the document its holder last saw or wrote (what a
  // fenced write must still find), and the hand-overs to its asynchronous waiters. An uncontended lock
  // costs no promise of its own (this is the memory backend's hot path).
  readonly #held = new Map<string, Holding>();
  #fence = 0;

  /** Whether the lock of `name` is held. */
  held(name: string): boolean {
    return this.#held.has(name);
  }

  /** Takes the lock of `name` if it is free, over `base` (its document now): its fence, or null when it is held. */
  take(name: string, base: unknown): number | null {
    if (this.#held.has(name)) return null;
    const fence = ++this.#fence;
    this.#held.set(name, { fence, base, waiters: [] });
    return fence;
  }

  /** Resolves to the fence once the lock of `name`, held now, is handed over to this waiter. */
  queue(name: string): Promise<number> {
    const waiters = this.#held.get(name)!.waiters;
    return new Promise<number>((handOver) => waiters.push(handOver));
  }

  /**
   * The holding of `name` a write passing `fence` claims: a `ConflictError` when the lock is not held with
   * that fence, or when its document is no longer `current`'s (another writer came in between).
   */
  holding(kind: string, name: string, fence: unknown, current: unknown): Holding {
    const holding = this.#held.get(name);
    if (holding === undefined || holding.fence !== fence) throw fenceNotHeld(kind, name, fence);
    if (holding.base !== current) throw fencedOut(kind, name, holding.fence);
    return holding;
  }

  /**
   * Notes a write of `name` made without its fence: a holder's later fenced writes are refused, as the
   * document changed under it (even if it changed back, as a remove after a create does).
   */
  changed(name: string): void {
    const holding = this.#held.get(name);
    if (holding !== undefined) holding.base = CHANGED;
  }

  /** Releases the lock of `name`: straight to its next waiter (over `base`, its document now), or free. */
  release(name: string, base: unknown): void {
    const holding = this.#held.get(name);
    const next = holding?.waiters.shift();
    if (next === undefined) {
      this.#held.delete(name);
      return;
    }
    holding!.fence = ++this.#fence;
    holding!.base = base;
    next(holding!.fence);
  }
}

// What a holder's base becomes once another writer changed its document: equal to no document.
const CHANGED = Symbol('changed');

/** A held memory lock: see {@link MemoryLocks}. */
interface Holding {
  fence: number;
  base: unknown;
  readonly waiters: Array<(fence: number) => void>;
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

  write(name: string, header: H, body: string, options?: DocumentWriteOptions): void {
    writeDocument(this.#folder, name, header, body, options);
  }

  create(name: string, header: H, body: string, options?: DocumentWriteOptions): void {
    writeDocument(this.#folder, name, header, body, options, true);
  }

  remove(name: string, options?: DocumentWriteOptions): boolean {
    return removeDocument(this.#folder, name, options);
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
    const { spec, locks, documents } = this.#folder;
    assertValidName(spec.kind, name);
    const fence = locks.take(name, documents.get(name));
    if (fence === null) throw heldInThisProcess(spec.kind, name);
    let held = true;
    return {
      fence,
      release() {
        if (held) locks.release(name, documents.get(name));
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

  async write(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void> {
    writeDocument(this.#folder, name, header, body, options);
  }

  async create(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void> {
    writeDocument(this.#folder, name, header, body, options, true);
  }

  async remove(name: string, options?: DocumentWriteOptions): Promise<boolean> {
    return removeDocument(this.#folder, name, options);
  }

  async update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }) {
    assertValidName(this.#folder.spec.kind, name);
    // Unlocked, the whole step runs without an await, so no other caller can come between read and write;
    // a held name is waited for (where the synchronous face refuses it).
    if (this.#folder.locks.held(name)) return updateUnderLock(this, name, next);
    rewrite(this.#folder, name, next);
  }

  async withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    const { spec, locks, documents } = this.#folder;
    assertValidName(spec.kind, name);
    const fence = locks.take(name, documents.get(name)) ?? (await locks.queue(name));
    try {
      return await fn(fence);
    } finally {
      locks.release(name, documents.get(name));
    }
  }

  /** Nothing to release: the documents are the store's. */
  async close(): Promise<void> {}
}

// The logic of both faces, once: each method of either is one call of these.

function readDocument<H>(folder: MemoryFolder<H>, name: string): StoredDocument<H> | null {
  const document = known(folder, name);
  if (document === undefined) return null;
  // Built field by field: an object spread here costs more than the rest of the read (measured ~1 µs).
  const { header, body } = document;
  return { name, formatVersion: folder.spec.formatVersion, header, bodyBytes: bytesOf(document), body };
}

function readHeader<H>(folder: MemoryFolder<H>, name: string): StoredHeader<H> | null {
  const document = known(folder, name);
  return document === undefined ? null : stored(folder, name, document);
}

/**
 * The document named `name`, checking the name only when there is none: every stored name was checked
 * when it was written, and the check is most of a read of a long name.
 */
function known<H>(folder: MemoryFolder<H>, name: string): MemoryDocument<H> | undefined {
  const document = folder.documents.get(name);
  if (document === undefined) assertValidName(folder.spec.kind, name);
  return document;
}

function listHeaders<H>(folder: MemoryFolder<H>, options: PageOptions | undefined): StoredHeader<H>[] {
  return listNames(folder, options).map((name) => stored(folder, name, folder.documents.get(name)!));
}

function listNames(folder: MemoryFolder<unknown>, options: PageOptions | undefined): string[] {
  // Default sort compares UTF-16 code units, as the filesystem backend's listing does.
  return pageOf([...folder.documents.keys()].sort(), options, folder.spec.kind);
}

// A create (`onlyNew`) or a replace of document `name`.
function writeDocument<H>(
  folder: MemoryFolder<H>,
  name: string,
  header: H,
  body: string,
  options: DocumentWriteOptions | undefined,
  onlyNew = false,
): void {
  const holding = checkWrite(folder, name, body, options);
  if (onlyNew && folder.documents.has(name)) throw documentExists(folder.spec.kind, name);
  const document = { header, body };
  folder.documents.set(name, document);
  if (holding !== undefined) holding.base = document;
}

function removeDocument(
  folder: MemoryFolder<unknown>,
  name: string,
  options: DocumentWriteOptions | undefined,
): boolean {
  const holding = checkWrite(folder, name, '', options);
  if (holding !== undefined) holding.base = undefined;
  return folder.documents.delete(name);
}

// The checks every write makes before it changes anything: the name, the body's size (the bound every
// backend keeps), and for a fenced write, that its holder still holds the lock over the document it saw.
function checkWrite<H>(
  folder: MemoryFolder<H>,
  name: string,
  body: string,
  options: DocumentWriteOptions | undefined,
): { base: unknown } | undefined {
  const kind = folder.spec.kind;
  assertValidName(kind, name);
  assertBodySize(kind, name, body);
  const fence = options?.fence;
  if (fence !== undefined) return folder.locks.holding(kind, name, fence, folder.documents.get(name));
  folder.locks.changed(name);
  return undefined;
}

// Read, next and write of an unlocked name (checked), as one step: nothing else runs on this thread meanwhile.
function rewrite<H>(
  folder: MemoryFolder<H>,
  name: string,
  next: (current: StoredHeader<H> | null) => { header: H; body: string },
): void {
  const current = folder.documents.get(name);
  const { header, body } = next(current === undefined ? null : stored(folder, name, current));
  assertBodySize(folder.spec.kind, name, body);
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
