import { decode, decodeRecord, documentSpec, TimestampSchema, z } from '@omega/core';
import { type Ledger, LedgerSchema } from './ledger.js';

/** What this family's names name: budgets, each one ledger. */
export const KIND = 'budget';

/** Header of a ledger document: when it was last written (the provider's clock). */
const LedgerHeaderSchema = z.object({ updatedAt: TimestampSchema });
export type LedgerHeader = z.infer<typeof LedgerHeaderSchema>;

/** How ledgers are stored on any document backend: `governance/<budget>`, format `omega.budget` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'governance', header: LedgerHeaderSchema });

// The text of each array of settled keys encoded: up to 256 keys are most of a ledger's text, yet they
// change only at a keyed commit, which replaces the array (noteSettled); without this, encoding them on
// every consume made it seven times slower.
const keysText = new WeakMap<Ledger['settledKeys'], string>();
const NO_KEYS_TAIL = '"settledKeys":[]}';

/**
 * The body of a ledger: serde text, written by `JSON.stringify`, which gives the same text for a ledger
 * (plain JSON: safe integers, strings, booleans, null, no `$t` key) at half serde's cost, on every operation.
 */
export function encodeLedger(ledger: Ledger): string {
  const keys = ledger.settledKeys;
  if (keys.length === 0) return JSON.stringify(ledger);
  let text = keysText.get(keys);
  if (text === undefined) {
    text = JSON.stringify(keys);
    keysText.set(keys, text);
  }
  ledger.settledKeys = [];
  const rest = JSON.stringify(ledger);
  ledger.settledKeys = keys;
  // The keys are the last field of every ledger this code made or validated; any other order, as is.
  if (!rest.endsWith(NO_KEYS_TAIL)) return JSON.stringify(ledger);
  return `${rest.slice(0, -3)}${text}}`;
}

/**
 * A stored ledger body. A `prevalidated` one (written by this process) is decoded as is; any other is
 * validated, and a bad one is a `CorruptDataError` naming the budget, the file and the first bad path.
 */
export function decodeLedger(name: string, body: string, prevalidated: boolean, file?: string): Ledger {
  if (prevalidated) return decode(body) as unknown as Ledger;
  return decodeRecord(LedgerSchema, body, { kind: KIND, name, file });
}
