import {
  CorruptDataError,
  type DocumentBackend,
  documentSpec,
  isOmegaError,
  type LogBackend,
  sha256Hex,
  z,
} from '@omega/core';
import { type EntryHeader, KIND, RECEIPT_LOG } from './rules.js';

const KeyHeaderSchema = z.object({
  /** The position of the first receipt with the key. */
  seq: z.number().int().nonnegative().optional(),
  /** In the `covered` document: every key of the receipts before this position is recorded. */
  covered: z.number().int().nonnegative().optional(),
});
export type KeyHeader = z.infer<typeof KeyHeaderSchema>;

/** Idempotency keys on any document port: `receipt-keys/k-<SHA-256 of the key>`, a cache of the log. */
export const KEYS = documentSpec({ kind: `${KIND} key`, folder: 'receipt-keys', header: KeyHeaderSchema });

const COVERED = 'covered';
const PAGE = 1000;
const nameOf = (key: string) => `k-${sha256Hex(key)}`;

/**
 * Where the first receipt of each idempotency key is, without scanning the log: one document per key,
 * recorded from the log itself (what a crash left out is recorded by the next lookup).
 */
export class KeyIndex {
  constructor(
    private readonly documents: DocumentBackend<KeyHeader>,
    private readonly receipts: LogBackend<EntryHeader>,
  ) {}

  /** The positions of the first receipts with these keys among the first `size`. */
  async find(keys: ReadonlySet<string>, size: number): Promise<Map<string, number>> {
    await this.#catchUp(size);
    const found = new Map<string, number>();
    for (const key of keys) {
      const seq = (await this.documents.readHeader(nameOf(key)))?.header.seq;
      if (seq !== undefined && seq < size) found.set(key, seq);
    }
    return found;
  }

  /** Checks that the receipt found for `key` holds it: an index that disagrees with the log is corrupt. */
  static check(key: string, seq: number, header: EntryHeader): void {
    if (header.idempotencyKey === key) return;
    throw new CorruptDataError(
      `the idempotency index points key ${JSON.stringify(key)} at receipt ${seq}, which lacks it`,
      {
        details: { kind: KIND, seq, reason: 'index disagrees with the log' },
      },
    );
  }

  /** Records the keys of the receipts from the covered position up to `size`. */
  async #catchUp(size: number): Promise<void> {
    let covered = (await this.documents.readHeader(COVERED))?.header.covered ?? 0;
    if (covered >= size) return;
    while (covered < size) {
      const page = await this.receipts.read(RECEIPT_LOG, {
        from: covered,
        limit: Math.min(PAGE, size - covered),
      });
      for (const entry of page) {
        const key = entry.header.idempotencyKey;
        if (key === undefined) continue;
        try {
          await this.documents.create(nameOf(key), { seq: entry.position }, '""');
        } catch (error) {
          // Recorded already, by another process or before a crash: the first receipt stays.
          if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
        }
      }
      covered += page.length;
    }
    await this.documents.update(COVERED, (current) => ({
      header: { covered: Math.max(current?.header.covered ?? 0, size) },
      body: '""',
    }));
  }
}
