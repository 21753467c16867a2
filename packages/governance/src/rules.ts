import { decode, decodeRecord, documentSpec, TimestampSchema, z } from '@omega/core';
import { type Ledger, LedgerSchema } from './ledger.js';

/** What this family's names name: budgets, each one ledger. */
export const KIND = 'budget';

/** Header of a ledger document: when it was last written (the provider's clock). */
const LedgerHeaderSchema = z.object({ updatedAt: TimestampSchema });
export type LedgerHeader = z.infer<typeof LedgerHeaderSchema>;

/** How ledgers are stored on any document backend: `governance/<budget>`, format `omega.budget` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'governance', header: LedgerHeaderSchema });

/**
 * The body of a ledger: serde text, written by `JSON.stringify`, which gives the same text for a ledger
 * (plain JSON: safe integers, strings, booleans, null, no `$t` key) at half serde's cost, on every operation.
 */
export function encodeLedger(ledger: Ledger): string {
  return JSON.stringify(ledger);
}

/**
 * A stored ledger body. A `prevalidated` one (written by this process) is decoded as is; any other is
 * validated, and a bad one is a `CorruptDataError` naming the budget, the file and the first bad path.
 */
export function decodeLedger(name: string, body: string, prevalidated: boolean, file?: string): Ledger {
  if (prevalidated) return decode(body) as unknown as Ledger;
  return decodeRecord(LedgerSchema, body, { kind: KIND, name, file });
}
