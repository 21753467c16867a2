import { DocumentFront, type FrontInit, InvalidArgumentError, isOmegaError, type Store } from '@omega/core';
import { exportInsideStore, importConflict, readExportFile, writeExportFile } from './export-file.js';
import type { ImportSnapshotOptions, MachineSnapshot, SnapshotInfo, SnapshotProvider } from './index.js';
import {
  DOCUMENTS,
  decodeSnapshot,
  encodeSnapshot,
  infoOf,
  KIND,
  notFound,
  type SnapshotHeader,
} from './rules.js';

/** Options every snapshot backend takes. */
export interface SnapshotFrontOptions {
  /** fsync export files as they are written (default true); false keeps them atomic but not power-loss safe. */
  durable?: boolean;
}

/**
 * The snapshot family's rules, written once over the document port of any {@link Store}: every provider
 * (memory, filesystem, ...) is this front over its own store, and a store from another package gets a
 * snapshot provider as `new SnapshotFront(store)`. Bodies the port has not validated already
 * (`prevalidated`) are verified, digest included, before they are returned or exported; export files are
 * the caller's files, written and read the same way over every store.
 */
export class SnapshotFront extends DocumentFront<SnapshotHeader> implements SnapshotProvider {
  /** Where and how snapshots are stored in a store: `snapshots/<name>`, format `omega.snapshot`. */
  static readonly DOCUMENTS = DOCUMENTS;
  readonly #durable: boolean;

  /** A snapshot provider over `store`'s documents; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options: SnapshotFrontOptions = {}, init?: FrontInit) {
    super(DOCUMENTS, store, {}, init);
    const durable = options?.durable;
    if (durable !== undefined && typeof durable !== 'boolean') {
      throw new InvalidArgumentError(`${this.lifecycle.provider}: option durable must be a boolean`, {
        details: { provider: this.lifecycle.provider, kind: KIND, option: 'durable', value: durable },
      });
    }
    this.#durable = durable ?? true;
  }

  async list(): Promise<SnapshotInfo[]> {
    this.lifecycle.assertOpen('list');
    return (await this.documents.headers({ limit: Number.POSITIVE_INFINITY })).map(infoOf);
  }

  async save(name: string, snapshot: MachineSnapshot): Promise<void> {
    this.lifecycle.assertNamed('save', name);
    const { header, body } = encodeSnapshot(name, snapshot);
    await this.documents.write(name, header, body);
  }

  async load(name: string): Promise<MachineSnapshot | null> {
    this.lifecycle.assertNamed('load', name);
    const document = await this.documents.read(name);
    return document && decodeSnapshot(document, this.documents.prevalidated);
  }

  async export(name: string, path: string): Promise<void> {
    this.lifecycle.assertNamed('export', name);
    const document = await this.documents.read(name);
    if (!document) throw notFound(name);
    // Verified before it leaves the store: an export never launders a damaged document into a valid one.
    if (!this.documents.prevalidated) decodeSnapshot(document, false);
    // An export file among the store's documents would make listing the store fail.
    if (typeof path === 'string' && (await this.documents.contains?.(path)))
      throw exportInsideStore(name, path);
    await writeExportFile(path, name, document, { durable: this.#durable });
  }

  async import(
    path: string,
    options: ImportSnapshotOptions = {},
  ): Promise<{ name: string; snapshot: MachineSnapshot }> {
    this.lifecycle.assertOpen('import');
    const { name, snapshot, header, body, file } = await readExportFile(path);
    if (options.overwrite === true) {
      await this.documents.write(name, header, body);
      return { name, snapshot };
    }
    // create() is atomic, so of two concurrent importers of different snapshots only one can win.
    for (;;) {
      try {
        await this.documents.create(name, header, body);
        return { name, snapshot };
      } catch (error) {
        if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
      }
      const existing = await this.documents.read(name);
      // Deleted since create() failed: try again rather than report a conflict with nothing.
      if (existing === null) continue;
      if (!this.documents.prevalidated) decodeSnapshot(existing, false);
      if (existing.header.digest !== header.digest) throw importConflict(name, file);
      return { name, snapshot };
    }
  }

  async delete(name: string): Promise<void> {
    this.lifecycle.assertNamed('delete', name);
    if (!(await this.documents.remove(name))) throw notFound(name);
  }

  async info(name: string): Promise<SnapshotInfo | null> {
    this.lifecycle.assertNamed('info', name);
    const stored = await this.documents.readHeader(name);
    return stored && infoOf(stored);
  }
}
