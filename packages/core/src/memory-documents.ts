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

/**
 * The synchronous face of memory documents: the documents of `documents`, locked through `locks`, which a
 * {@link MemoryDocumentBackend} shares with it. The logic of both is here, once; the asynchronous port
 * wraps it. A lock held by anyone in this process (the port's holders, or a face holder) is a
 * `ConflictError` at once: one thread cannot wait for it.
 */
export class MemorySyncDocumentBackend<H> implements SyncDocumentBackend<H> {
  readonly prevalidated = true;
  readonly #spec: DocumentSpec<H>;
  readonly #documents: Map<string, MemoryDocument<H>>;
  readonly #locks: MemoryLocks;

  constructor(
    spec: DocumentSpec<H>,
    documents: Map<string, MemoryDocument<H>> = new Map(),
    locks: MemoryLocks = new MemoryLocks(),
  ) {
    checkDocumentSpec(spec);
    this.#spec = spec;
    this.#documents = documents;
    this.#locks = locks;
  }

  read(name: string): StoredDocument<H> | null {
    const document = this.#get(name);
    if (document === null) return null;
    // Built field by field: an object spread here costs more than the rest of the read (measured ~1 µs).
    const { header, body } = document;
    return { name, formatVersion: this.#spec.formatVersion, header, bodyBytes: bytesOf(document), body };
  }

  readHeader(name: string): StoredHeader<H> | null {
    const document = this.#get(name);
    return document && this.#stored(name, document);
  }

  headers(options?: PageOptions): StoredHeader<H>[] {
    return this.#page(options).map((name) => this.#stored(name, this.#documents.get(name)!));
  }

  names(options?: PageOptions): string[] {
    return this.#page(options);
  }

  write(name: string, header: H, body: string): void {
    assertValidName(this.#spec.kind, name);
    this.#documents.set(name, { header, body });
  }

  create(name: string, header: H, body: string): void {
    assertValidName(this.#spec.kind, name);
    if (this.#documents.has(name)) throw documentExists(this.#spec.kind, name);
    this.#documents.set(name, { header, body });
  }

  remove(name: string): boolean {
    assertValidName(this.#spec.kind, name);
    return this.#documents.delete(name);
  }

  update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }): void {
    assertValidName(this.#spec.kind, name);
    // Unlocked, read, next and write run as one step: nothing else runs on this thread meanwhile.
    if (this.#locks.held(name)) throw heldInThisProcess(this.#spec.kind, name);
    const current = this.#documents.get(name);
    const { header, body } = next(current === undefined ? null : this.#stored(name, current));
    this.#documents.set(name, { header, body });
  }

  withLock<T>(name: string, fn: (fence: number) => T): T {
    return runUnderSyncLock((locked) => this.lock(locked), this.#spec.kind, name, fn);
  }

  lock(name: string): SyncLock {
    assertValidName(this.#spec.kind, name);
    const locks = this.#locks;
    const fence = locks.take(name);
    if (fence === null) throw heldInThisProcess(this.#spec.kind, name);
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

  #get(name: string): MemoryDocument<H> | null {
    assertValidName(this.#spec.kind, name);
    return this.#documents.get(name) ?? null;
  }

  #page(options: PageOptions | undefined): string[] {
    // Default sort compares UTF-16 code units, as the filesystem backend's listing does.
    return pageOf([...this.#documents.keys()].sort(), options, this.#spec.kind);
  }

  #stored(name: string, document: MemoryDocument<H>): StoredHeader<H> {
    return {
      name,
      formatVersion: this.#spec.formatVersion,
      header: document.header,
      bodyBytes: bytesOf(document),
    };
  }
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
  readonly #kind: string;
  readonly #locks = new MemoryLocks();

  constructor(spec: DocumentSpec<H>, documents: Map<string, MemoryDocument<H>> = new Map()) {
    this.sync = new MemorySyncDocumentBackend(spec, documents, this.#locks);
    this.#kind = spec.kind;
  }

  async read(name: string): Promise<StoredDocument<H> | null> {
    return this.sync.read(name);
  }

  async readHeader(name: string): Promise<StoredHeader<H> | null> {
    return this.sync.readHeader(name);
  }

  async headers(options?: PageOptions): Promise<StoredHeader<H>[]> {
    return this.sync.headers(options);
  }

  async names(options?: PageOptions): Promise<string[]> {
    return this.sync.names(options);
  }

  async write(name: string, header: H, body: string): Promise<void> {
    this.sync.write(name, header, body);
  }

  async create(name: string, header: H, body: string): Promise<void> {
    this.sync.create(name, header, body);
  }

  async remove(name: string): Promise<boolean> {
    return this.sync.remove(name);
  }

  async update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }) {
    // A held name is waited for, where the synchronous face refuses it.
    if (this.#locks.held(name)) return updateUnderLock(this, name, next);
    this.sync.update(name, next);
  }

  async withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    assertValidName(this.#kind, name);
    const locks = this.#locks;
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

function bytesOf(document: MemoryDocument<unknown>): number {
  document.bodyBytes ??= Buffer.byteLength(document.body, 'utf8');
  return document.bodyBytes;
}
