import { type DocumentBackend, DocumentFront, isOmegaError } from '@omega/core';
import { exportInsideStore, importConflict, readExportFile, writeExportFile } from './export-file.js';
import type { ImportSnapshotOptions, MachineSnapshot, SnapshotInfo, SnapshotProvider } from './index.js';
import { decodeSnapshot, encodeSnapshot, infoOf, KIND, notFound, type SnapshotHeader } from './rules.js';

/** Options every snapshot backend takes. */
export interface SnapshotFrontOptions {
  /** fsync export files as they are written (default true); false keeps them atomic but not power-loss safe. */
  durable?: boolean;
}

/**
 * The snapshot family's rules, written once over a {@link DocumentBackend}: every backend (memory,
 * filesystem, ...) is this front over its own port. Bodies the backend does not vouch for (`trusted`) are
 * verified, digest included, before they are returned or exported; export files are the caller's files,
 * written and read the same way by every backend.
 */
export class SnapshotFront extends DocumentFront<SnapshotHeader> implements SnapshotProvider {
  readonly #durable: boolean;

  /** @param provider The provider's class name, for errors. */
  constructor(
    provider: string,
    backend: DocumentBackend<SnapshotHeader>,
    options: SnapshotFrontOptions = {},
  ) {
    super(provider, KIND, backend);
    this.#durable = options.durable ?? true;
  }

  async list(): Promise<SnapshotInfo[]> {
    this.lifecycle.assertOpen('list');
    return (await this.backend.headers()).map(infoOf);
  }

  async save(name: string, snapshot: MachineSnapshot): Promise<void> {
    this.lifecycle.assertNamed('save', name);
    const { header, body } = encodeSnapshot(name, snapshot);
    await this.backend.write(name, header, body);
  }

  async load(name: string): Promise<MachineSnapshot | null> {
    this.lifecycle.assertNamed('load', name);
    const document = await this.backend.read(name);
    return document && decodeSnapshot(document, this.backend.trusted);
  }

  async export(name: string, path: string): Promise<void> {
    this.lifecycle.assertNamed('export', name);
    const document = await this.backend.read(name);
    if (!document) throw notFound(name);
    // Verified before it leaves the store: an export never launders a damaged document into a valid one.
    if (!this.backend.trusted) decodeSnapshot(document, false);
    // An export file among the store's documents would make listing the store fail.
    if (typeof path === 'string' && (await this.backend.contains?.(path)))
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
      await this.backend.write(name, header, body);
      return { name, snapshot };
    }
    // create() is atomic, so of two concurrent importers of different snapshots only one can win.
    for (;;) {
      try {
        await this.backend.create(name, header, body);
        return { name, snapshot };
      } catch (error) {
        if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
      }
      const existing = await this.backend.read(name);
      // Deleted since create() failed: try again rather than report a conflict with nothing.
      if (existing === null) continue;
      if (!this.backend.trusted) decodeSnapshot(existing, false);
      if (existing.header.digest !== header.digest) throw importConflict(name, file);
      return { name, snapshot };
    }
  }

  async delete(name: string): Promise<void> {
    this.lifecycle.assertNamed('delete', name);
    if (!(await this.backend.remove(name))) throw notFound(name);
  }

  async info(name: string): Promise<SnapshotInfo | null> {
    this.lifecycle.assertNamed('info', name);
    const stored = await this.backend.readHeader(name);
    return stored && infoOf(stored);
  }
}
