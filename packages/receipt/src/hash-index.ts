import type { LogBackend, LogEntry } from '@omega/core';
import { type EntryHeader, RECEIPT_LOG } from './rules.js';

const PAGE = 1000;
// A receipt hash's first 48 bits, as a number: exact in a double, and a Map of numbers holds about 30
// bytes an entry (a million receipts: some 30 MB), where one of 64-character strings holds over 100.
const PREFIX_DIGITS = 12;
const HASH = /^[0-9a-f]{64}$/;
const prefixOf = (hash: string) => Number.parseInt(hash.slice(0, PREFIX_DIGITS), 16);

/**
 * Where each receipt is in the log, by hash: kept in this process's memory, read from the log once and
 * then caught up with what was appended since (by any process). A prefix of the hash is the key, and the
 * entry found is checked against the whole hash; an index that no longer matches the log (rewritten or
 * truncated under it) is read again from the start.
 */
export class HashIndex {
  #seqs = new Map<number, number | number[]>();
  #covered = 0;
  #catchingUp: Promise<void> | null = null;

  constructor(private readonly receipts: LogBackend<EntryHeader>) {}

  /** The entry of the receipt whose hash is `hash`, or null when the log holds none. */
  async find(hash: string): Promise<LogEntry<EntryHeader> | null> {
    if (!HASH.test(hash)) return null;
    for (const fresh of [false, true]) {
      if (fresh) this.#reset();
      const stale = await this.#catchUp();
      if (stale) continue;
      const found = this.#seqs.get(prefixOf(hash));
      let mismatch = false;
      for (const seq of typeof found === 'number' ? [found] : (found ?? [])) {
        const [entry] = await this.receipts.read(RECEIPT_LOG, { from: seq, limit: 1 });
        if (entry?.header.hash === hash) return entry;
        mismatch ||= entry === undefined || prefixOf(entry.header.hash) !== prefixOf(hash);
      }
      if (!mismatch) return null;
    }
    return null;
  }

  #reset(): void {
    this.#seqs = new Map();
    this.#covered = 0;
  }

  /** Records the receipts appended since the last call; true when the log is shorter than what was read. */
  #catchUp(): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      await this.#catchingUp;
      const size = await this.receipts.size(RECEIPT_LOG);
      if (size < this.#covered) return true;
      while (this.#covered < size) {
        const page = await this.receipts.read(RECEIPT_LOG, { from: this.#covered, limit: PAGE });
        if (page.length === 0) break;
        for (const entry of page) this.#add(prefixOf(entry.header.hash), entry.position);
        this.#covered += page.length;
      }
      return false;
    };
    const caughtUp = run();
    this.#catchingUp = caughtUp.then(
      () => {},
      () => {},
    );
    return caughtUp;
  }

  #add(prefix: number, seq: number): void {
    const present = this.#seqs.get(prefix);
    if (present === undefined) this.#seqs.set(prefix, seq);
    else if (typeof present === 'number') this.#seqs.set(prefix, [present, seq]);
    else present.push(seq);
  }
}
