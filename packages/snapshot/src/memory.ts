import { assertValidName, decode, Lifecycle, type MachineSnapshot, type SnapshotInfo } from '@omega/core';
import { importConflict, readExportFile, writeExportFile } from './export-file.js';
import type { ImportSnapshotOptions, SnapshotProvider } from './index.js';
import { type EncodedSnapshot, encodeSnapshot, infoOf, KIND, snapshotNotFound } from './snapshot-record.js';

/**
 * Snapshots held in process memory, for tests and short runs. Each snapshot is kept as its serde text, so
 * what callers save or load is never shared with the store, and values behave exactly as on disk.
 * Export and import use real files, in the same format as every other backend.
 */
export class MemorySnapshotProvider implements SnapshotProvider {
  readonly #life = new Lifecycle('MemorySnapshotProvider');
  readonly #snapshots = new Map<string, EncodedSnapshot>();

  async list(): Promise<SnapshotInfo[]> {
    this.#life.assertOpen('list');
    return [...this.#snapshots]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, stored]) => infoOf(name, stored));
  }

  async save(name: string, snapshot: MachineSnapshot): Promise<void> {
    this.#life.assertOpen('save');
    assertValidName(KIND, name);
    this.#snapshots.set(name, encodeSnapshot(name, snapshot));
  }

  async load(name: string): Promise<MachineSnapshot | null> {
    this.#life.assertOpen('load');
    assertValidName(KIND, name);
    const stored = this.#snapshots.get(name);
    // The text was encoded by this process from a checked snapshot (encodeRecord): decoding restores exactly
    // that, so no shape check is needed here.
    return stored ? (decode(stored.body) as MachineSnapshot) : null;
  }

  async export(name: string, path: string): Promise<void> {
    this.#life.assertOpen('export');
    assertValidName(KIND, name);
    const stored = this.#snapshots.get(name);
    if (!stored) throw snapshotNotFound(name);
    await writeExportFile(path, name, stored);
  }

  async import(
    path: string,
    options: ImportSnapshotOptions = {},
  ): Promise<{ name: string; snapshot: MachineSnapshot }> {
    this.#life.assertOpen('import');
    const imported = await readExportFile(path);
    const existing = this.#snapshots.get(imported.name);
    if (existing?.digest !== imported.stored.digest) {
      if (existing && options.overwrite !== true) throw importConflict(imported.name, imported.file);
      this.#snapshots.set(imported.name, imported.stored);
    }
    return { name: imported.name, snapshot: imported.snapshot };
  }

  async delete(name: string): Promise<void> {
    this.#life.assertOpen('delete');
    assertValidName(KIND, name);
    if (!this.#snapshots.delete(name)) throw snapshotNotFound(name);
  }

  async info(name: string): Promise<SnapshotInfo | null> {
    this.#life.assertOpen('info');
    assertValidName(KIND, name);
    const stored = this.#snapshots.get(name);
    return stored ? infoOf(name, stored) : null;
  }

  /** Releases the stored snapshots. Idempotent. */
  async close(): Promise<void> {
    if (this.#life.markClosed()) this.#snapshots.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
