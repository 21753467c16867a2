import {
  assertValidName,
  DocumentStore,
  InvalidArgumentError,
  isOmegaError,
  Lifecycle,
  type MachineSnapshot,
  type SnapshotInfo,
} from '@omega/core';
import { importConflict, readExportFile, writeExportFile } from './export-file.js';
import type { ImportSnapshotOptions, SnapshotProvider } from './index.js';
import {
  decodeDocument,
  encodeSnapshot,
  infoOf,
  KIND,
  type SnapshotHeader,
  SnapshotHeaderSchema,
  snapshotNotFound,
} from './snapshot-record.js';

/** Options of {@link FilesystemSnapshotProvider}. */
export interface FilesystemSnapshotProviderOptions {
  /** Store root; snapshots live in `<root>/snapshots/<name>.jsonl`. Created on first use. */
  root: string;
  /** fsync files and directories on every write (default true); false trades crash safety for speed. */
  durable?: boolean;
}

/**
 * Snapshots as files under `<root>/snapshots/`, one framed document per snapshot (format
 * `omega.snapshot`, version 1, header { createdAt, digest }). Writes are atomic and durable; every read is
 * validated, and `load` and `export` recompute the digest, so a damaged or hand-edited file is a
 * `CorruptDataError` naming it, never a wrong snapshot.
 */
export class FilesystemSnapshotProvider implements SnapshotProvider {
  readonly #life = new Lifecycle('FilesystemSnapshotProvider');
  readonly #store: DocumentStore<SnapshotHeader>;
  readonly #durable: boolean;

  constructor(options: FilesystemSnapshotProviderOptions) {
    if (typeof options?.root !== 'string' || options.root.length === 0) {
      throw new InvalidArgumentError('FilesystemSnapshotProvider needs a root directory', {
        details: { kind: KIND, root: options?.root },
      });
    }
    this.#durable = options.durable ?? true;
    this.#store = new DocumentStore({
      root: options.root,
      folder: 'snapshots',
      kind: KIND,
      format: 'omega.snapshot',
      version: 1,
      header: SnapshotHeaderSchema,
      durable: this.#durable,
    });
  }

  async list(): Promise<SnapshotInfo[]> {
    this.#life.assertOpen('list');
    return (await this.#store.headers()).map((doc) =>
      infoOf(doc.name, { ...doc.header, size: doc.bodyBytes }),
    );
  }

  async save(name: string, snapshot: MachineSnapshot): Promise<void> {
    this.#life.assertOpen('save');
    assertValidName(KIND, name);
    const stored = encodeSnapshot(name, snapshot);
    await this.#store.write(name, { createdAt: stored.createdAt, digest: stored.digest }, stored.body);
  }

  async load(name: string): Promise<MachineSnapshot | null> {
    this.#life.assertOpen('load');
    assertValidName(KIND, name);
    const doc = await this.#store.read(name);
    return doc ? decodeDocument(doc) : null;
  }

  async export(name: string, path: string): Promise<void> {
    this.#life.assertOpen('export');
    assertValidName(KIND, name);
    const doc = await this.#store.read(name);
    if (!doc) throw snapshotNotFound(name);
    // Verified before it leaves the store: an export never launders a damaged file into a valid one.
    decodeDocument(doc);
    await writeExportFile(
      path,
      name,
      { body: doc.body, createdAt: doc.header.createdAt, digest: doc.header.digest, size: doc.bodyBytes },
      { durable: this.#durable },
    );
  }

  async import(
    path: string,
    options: ImportSnapshotOptions = {},
  ): Promise<{ name: string; snapshot: MachineSnapshot }> {
    this.#life.assertOpen('import');
    const { name, snapshot, stored, file } = await readExportFile(path);
    const header = { createdAt: stored.createdAt, digest: stored.digest };
    if (options.overwrite === true) {
      await this.#store.write(name, header, stored.body);
      return { name, snapshot };
    }
    // create() is atomic, so of two concurrent importers of different snapshots only one can win.
    for (;;) {
      try {
        await this.#store.create(name, header, stored.body);
        return { name, snapshot };
      } catch (error) {
        if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
      }
      const existing = await this.#store.read(name);
      // Deleted since create() failed: try again rather than report a conflict with nothing.
      if (existing === null) continue;
      decodeDocument(existing);
      if (existing.header.digest !== stored.digest) throw importConflict(name, file);
      return { name, snapshot };
    }
  }

  async delete(name: string): Promise<void> {
    this.#life.assertOpen('delete');
    assertValidName(KIND, name);
    if (!(await this.#store.remove(name))) throw snapshotNotFound(name);
  }

  async info(name: string): Promise<SnapshotInfo | null> {
    this.#life.assertOpen('info');
    assertValidName(KIND, name);
    return this.#info(name);
  }

  /** Marks the provider closed; it holds no open handles between calls. Idempotent. */
  async close(): Promise<void> {
    this.#life.markClosed();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #info(name: string): Promise<SnapshotInfo | null> {
    const doc = await this.#store.readHeader(name);
    return doc && infoOf(name, { ...doc.header, size: doc.bodyBytes });
  }
}
