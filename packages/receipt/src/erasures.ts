import type { LogBackend, LogEntry } from '@omega/core';
import type { Bodies, BodyRef } from './bodies.js';
import { type EntryHeader, ERASURE_LOG, type ErasureHeader, receiptOfEntry } from './rules.js';

const PAGE = 1000;

/**
 * The erasure records beside the receipts (which bodies were deleted, when and why), and what an erasure
 * does to the bodies: those another receipt still needs stay, moved out of a pack when the pack goes.
 */
export class Erasures {
  constructor(
    private readonly log: LogBackend<ErasureHeader>,
    private readonly bodies: Bodies,
  ) {}

  /** The reason of every erased receipt, by hash (the first record of each). */
  async all(): Promise<Map<string, string>> {
    const erased = new Map<string, string>();
    for (let from = 0; ; ) {
      const page = await this.log.read(ERASURE_LOG, { from, limit: PAGE });
      for (const entry of page) {
        if (!erased.has(entry.header.hash)) erased.set(entry.header.hash, JSON.parse(entry.body) as string);
      }
      if (page.length < PAGE) return erased;
      from += page.length;
    }
  }

  /** Why receipt `hash` was erased, or null when it was not. */
  async reasonOf(hash: string): Promise<string | null> {
    return (await this.all()).get(hash) ?? null;
  }

  /**
   * Records the erasure of `entry` (once), then deletes its bodies but what other receipts, not erased,
   * still need. `receipts` walks the log: an erasure reads it once, as erasures are rare.
   */
  async erase(
    entry: LogEntry<EntryHeader>,
    reason: string,
    erasedAt: number,
    receipts: AsyncIterable<LogEntry<EntryHeader>>,
  ): Promise<void> {
    const { hash, pack } = entry.header;
    const receipt = receiptOfEntry(entry.position, entry.header, entry.body);
    if ((await this.reasonOf(hash)) === null) {
      await this.log.append(ERASURE_LOG, [{ header: { hash, erasedAt }, body: JSON.stringify(reason) }]);
    }
    const digests = [receipt.requestDigest, receipt.responseDigest];
    const users = await this.#usersOf(pack, digests, receipts);
    if (pack !== undefined) await this.bodies.unpack(pack, users.ofPack);
    for (const digest of digests) if (!users.digests.has(digest)) await this.bodies.remove(digest);
  }

  /**
   * The receipts, not erased, whose bodies sit in `pack`, and which of `digests` other receipts, not
   * erased, need as blobs of their own.
   */
  async #usersOf(
    pack: string | undefined,
    digests: readonly string[],
    receipts: AsyncIterable<LogEntry<EntryHeader>>,
  ): Promise<{ ofPack: BodyRef[]; digests: Set<string> }> {
    const erased = await this.all();
    const ofPack: BodyRef[] = [];
    const used = new Set<string>();
    const packsThere = new Map<string, Promise<boolean>>();
    // Whether a receipt reads its bodies from blobs of its own: it has no pack, or its pack is going, or
    // went with an earlier erasure.
    const readsOwn = (ref: BodyRef): Promise<boolean> | boolean => {
      if (ref.pack === undefined || ref.pack === pack) return true;
      let there = packsThere.get(ref.pack);
      if (there === undefined) {
        there = this.bodies.has(ref.pack);
        packsThere.set(ref.pack, there);
      }
      return there.then((present) => !present);
    };
    for await (const entry of receipts) {
      if (erased.has(entry.header.hash)) continue;
      const ref = { ...entry.header, ...receiptOfEntry(entry.position, entry.header, entry.body) };
      if (pack !== undefined && ref.pack === pack) ofPack.push(ref);
      for (const digest of [ref.requestDigest, ref.responseDigest]) {
        if (digests.includes(digest) && (await readsOwn(ref))) used.add(digest);
      }
    }
    return { ofPack, digests: used };
  }
}
