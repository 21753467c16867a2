import { readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { AlreadyExistsError, InvalidArgumentError } from '../errors.js';
import { assertValidName, isValidName } from '../names.js';
import { sweepTempFiles } from './atomic.js';
import { makePrivateDir, syncDirectory } from './dirs.js';
import { corrupt, encodeFrame } from './frame.js';
import type { FramedDocument, FramedHeader } from './framed.js';
import { readFramedFile, readFramedHeader, writeFramedFile } from './framed.js';
import type { LockOptions } from './lock.js';
import { withLock } from './lock.js';
import { entryFile, openStoreDir, refuseSymlink } from './root.js';
import { linkTemp, writeTempFile } from './temp.js';

/** Options of a {@link DocumentStore}. */
export interface DocumentStoreOptions<H> {
  /** Store root directory (created if missing). */
  root: string;
  /** The family folder under the root, e.g. `sessions`. */
  folder: string;
  /** What the names name, for errors: `session`, `snapshot`, ... */
  kind: string;
  /** Format tag of every document, e.g. `omega.session`. */
  format: string;
  /** Current format version (documents of versions 1..version are read). */
  version: number;
  /** Schema of the family fields of the header line. */
  header: z.ZodType<H>;
  /** fsync writes and removals (default true); false keeps them atomic but not power-loss safe. */
  durable?: boolean;
  /** How long {@link DocumentStore.withLock} waits for a live holder (default 30 000 ms). */
  lockTimeoutMs?: number;
}

const EXTENSION = '.jsonl';
const LOCKS_FOLDER = '.locks';

/**
 * One family folder of framed documents, `<root>/<folder>/<name>.jsonl`, created on first use (mode
 * 0700; documents 0600). Every method checks the name first (an `InvalidNameError`, nothing touched on
 * disk), refuses symlinks, and validates what it reads (a `CorruptDataError` naming the file).
 */
export class DocumentStore<H> {
  readonly #options: DocumentStoreOptions<H>;
  readonly #durable: boolean;
  #dir: Promise<string> | undefined;

  constructor(options: DocumentStoreOptions<H>) {
    if (!Number.isSafeInteger(options.version) || options.version < 1) {
      throw new InvalidArgumentError(`document store version must be a positive integer`, {
        details: { kind: options.kind, folder: options.folder, version: options.version },
      });
    }
    assertValidName('folder', options.folder);
    this.#options = { ...options };
    this.#durable = options.durable ?? true;
  }

  /**
   * The absolute folder path. The first call creates the folder (see {@link openStoreDir}) and removes
   * temp files that killed writers left behind; later calls reuse that result.
   */
  directory(): Promise<string> {
    this.#dir ??= this.#open().catch((error: unknown) => {
      this.#dir = undefined;
      throw error;
    });
    return this.#dir;
  }

  /** The whole document `name`, or null when there is none. */
  async read(name: string): Promise<FramedDocument<H> | null> {
    const file = await this.#file(name);
    const document = await readFramedFile(file, this.#options, this.#options.header);
    return document && this.#checkName(document, name);
  }

  /** Only the header line of document `name`, or null when there is none. */
  async readHeader(name: string): Promise<FramedHeader<H> | null> {
    const file = await this.#file(name);
    const header = await readFramedHeader(file, this.#options, this.#options.header);
    return header && this.#checkName(header, name);
  }

  /** Creates or atomically replaces document `name`. */
  async write(name: string, header: H, body: string): Promise<void> {
    const file = await this.#file(name);
    await refuseSymlink(file);
    await writeFramedFile(file, this.#meta(name), header, body, { durable: this.#durable });
  }

  /**
   * Creates document `name`, atomically and only if it does not exist: an `AlreadyExistsError`
   * (details `{ kind, name, file }`) otherwise. Of concurrent creators exactly one wins.
   */
  async create(name: string, header: H, body: string): Promise<void> {
    const file = await this.#file(name);
    const chunks = encodeFrame(file, this.#meta(name), header, body);
    const temp = await writeTempFile(file, chunks, this.#durable);
    if (!(await linkTemp(temp, file, this.#durable))) {
      throw new AlreadyExistsError(`${this.#options.kind} ${JSON.stringify(name)} already exists`, {
        details: { kind: this.#options.kind, name, file },
      });
    }
  }

  /** Removes document `name`; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const file = await this.#file(name);
    await refuseSymlink(file);
    try {
      await unlink(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    if (this.#durable) await syncDirectory(dirname(file));
    return true;
  }

  /** Names of the stored documents, sorted: regular files `<valid name>.jsonl` only. */
  async names(): Promise<string[]> {
    const entries = await readdir(await this.directory(), { withFileTypes: true });
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(EXTENSION)) continue;
      const name = entry.name.slice(0, -EXTENSION.length);
      if (isValidName(name)) names.push(name);
    }
    return names.sort();
  }

  /**
   * The header of every document, sorted by name: what a family's `list()` reports, without reading any
   * body. A document removed while listing is left out; a damaged one is a `CorruptDataError`.
   */
  async headers(): Promise<FramedHeader<H>[]> {
    const headers: FramedHeader<H>[] = [];
    for (const name of await this.names()) {
      const header = await this.readHeader(name);
      if (header) headers.push(header);
    }
    return headers;
  }

  /**
   * Runs `fn` holding the cross-process lock of document `name` (see {@link acquireLock}), for
   * read-modify-write; the lock lives in `<folder>/.locks/<name>`.
   */
  async withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    assertValidName(this.#options.kind, name);
    const dir = join(await this.directory(), LOCKS_FOLDER, name);
    const options: LockOptions = {};
    if (this.#options.lockTimeoutMs !== undefined) options.timeoutMs = this.#options.lockTimeoutMs;
    return withLock(dir, fn, options);
  }

  async #open(): Promise<string> {
    const dir = await openStoreDir(this.#options.root, this.#options.folder);
    const locks = join(dir, LOCKS_FOLDER);
    await makePrivateDir(locks, false);
    await refuseSymlink(locks);
    await sweepTempFiles(dir);
    await sweepTempFiles(locks);
    return dir;
  }

  async #file(name: string): Promise<string> {
    assertValidName(this.#options.kind, name);
    return entryFile(await this.directory(), this.#options.kind, name, EXTENSION);
  }

  #meta(name: string): { format: string; version: number; name: string } {
    return { format: this.#options.format, version: this.#options.version, name };
  }

  #checkName<D extends FramedHeader<H>>(document: D, name: string): D {
    if (document.name === name) return document;
    throw corrupt(
      document.file,
      '$.name',
      `stored name ${JSON.stringify(document.name)} is not ${JSON.stringify(name)}`,
    );
  }
}
