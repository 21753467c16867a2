import { CheckedParts, type Closable, NameSchema, type RecordParts, TimestampSchema, z } from '@omega/core';

export { emptyState, type State, StateSchema } from '@omega/core';

/** The snapshot record over a set of record parts (checked ones for the public schema). */
export function machineSnapshotOf(parts: RecordParts) {
  return z.object({
    state: parts.state,
    createdAt: TimestampSchema,
    label: z.string().optional(),
    /** Name of the snapshot this one was taken after, if any: a name by the name rule, like its own. */
    parent: NameSchema.optional(),
  });
}

/** A checkpoint of a machine: its state, when it was taken, and optionally a label and its parent. */
export const MachineSnapshotSchema = machineSnapshotOf(CheckedParts);
export type MachineSnapshot = z.infer<typeof MachineSnapshotSchema>;

/** What `list()` and `info()` report of a stored snapshot. */
export const SnapshotInfoSchema = z.object({
  name: NameSchema,
  /** The snapshot's own `createdAt`. */
  createdAt: TimestampSchema,
  /** Bytes of the serialized snapshot. */
  size: z.number().int().nonnegative(),
  /** SHA-256 (hex) of the snapshot's canonical encoding. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SnapshotInfo = z.infer<typeof SnapshotInfoSchema>;

/** Options of {@link SnapshotProvider.import}. */
export interface ImportSnapshotOptions {
  /** Replace an existing snapshot of the same name with a different digest. */
  overwrite?: boolean;
}

/**
 * Checkpoint storage for CESK machines: named {@link MachineSnapshot}s, each identified by the SHA-256
 * digest of its canonical encoding, with verified export to and import from self-describing files.
 */
export interface SnapshotProvider extends Closable {
  /** List all snapshots, sorted by name. */
  list(): Promise<SnapshotInfo[]>;

  /** Save snapshot under `name`, replacing any snapshot of that name (last writer wins). */
  save(name: string, snapshot: MachineSnapshot): Promise<void>;

  /** Load snapshot by name; `null` when there is none. */
  load(name: string): Promise<MachineSnapshot | null>;

  /**
   * Export snapshot to file: writes one self-describing file (format `omega.snapshot-export`) atomically
   * at `path`, creating missing parent directories. Every backend writes and reads the same format.
   */
  export(name: string, path: string): Promise<void>;

  /**
   * Import snapshot from file written by {@link SnapshotProvider.export} (by any backend), after verifying
   * its format, schema and digest; stores it under its embedded name. Importing the same digest again is a
   * no-op; a different digest under an existing name needs `{ overwrite: true }`. Resolves to the embedded
   * name and the snapshot.
   */
  import(path: string, options?: ImportSnapshotOptions): Promise<{ name: string; snapshot: MachineSnapshot }>;

  /** Delete snapshot; rejects with `NotFoundError` when there is none. */
  delete(name: string): Promise<void>;

  /** One snapshot's info, or `null` when there is none. */
  info(name: string): Promise<SnapshotInfo | null>;
}
