import {
  ConflictError,
  CorruptDataError,
  type LogBackend,
  leafHash,
  logSpec,
  nodeHash,
  rootFromHashes,
  sha256Hex,
  z,
} from '@omega/core';
import { type EntryHeader, KIND, RECEIPT_LOG } from './rules.js';

/** Hashes in one tile: C2SP tlog-tiles' width. */
export const TILE = 256;
const LEVEL_BITS = 8;
const PAGE = 1000;

/**
 * The tree's hashes on any log port: log `level-L` holds, in order, the hashes of the perfect subtrees of
 * 256^L leaves (level 0: the leaf hashes). Its 256-entry slices are C2SP tlog-tiles. A cache of the
 * receipts log: whatever is missing is rebuilt from it.
 */
export const TREE_LOGS = logSpec({ kind: `${KIND} tree`, folder: 'receipt-tree', header: z.object({}) });

const levelLog = (level: number) => `level-${level}`;

/** The tiles one computation has read, by level and tile index: each is read once. */
type Tiles = Map<string, Promise<string[]>>;

/**
 * The Merkle tree of the receipts log, kept as tiles: roots and proofs read at most a few tiles per level
 * and no receipt, once {@link TreeState.catchUp} has brought the tiles up to the log.
 */
export class TreeState {
  constructor(
    private readonly levels: LogBackend<Record<string, never>>,
    private readonly receipts: LogBackend<EntryHeader>,
  ) {}

  /**
   * Brings the tiles up to the receipts log (leaves another process or a crash left out are hashed from
   * the receipts) and returns the tree's size.
   */
  async catchUp(): Promise<number> {
    // The leaves first: they are appended only after their receipts, so they never outnumber them.
    let done = await this.levels.size(levelLog(0));
    const target = await this.receipts.size(RECEIPT_LOG);
    if (done > target) {
      throw new CorruptDataError(`the receipt tree holds ${done} leaves, the log only ${target} receipts`, {
        details: { kind: KIND, leaves: done, size: target, reason: 'tree ahead of the log' },
      });
    }
    while (done < target) {
      const page = await this.receipts.read(RECEIPT_LOG, {
        from: done,
        limit: Math.min(PAGE, target - done),
      });
      await this.#append(
        0,
        done,
        page.map((entry) => leafHash(Buffer.from(entry.body))),
      );
      done += page.length;
    }
    for (let level = 0; ; level++) {
      const size = await this.levels.size(levelLog(level));
      if (size < TILE) return target;
      let parents = await this.levels.size(levelLog(level + 1));
      for (; (parents + 1) * TILE <= size; parents++) {
        const tile = await this.#read(level, parents * TILE, TILE);
        await this.#append(level + 1, parents, [rootFromHashes(tile)]);
      }
    }
  }

  /** The root of the first `size` leaves (RFC 9162 MTH). */
  root(size: number, tiles: Tiles = new Map()): Promise<string> {
    return this.#range(0, size, tiles);
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[0:size]), from tiles. */
  async inclusion(index: number, size: number): Promise<string[]> {
    const tiles: Tiles = new Map();
    let [low, high, m] = [0, size, index];
    const siblings: Array<Promise<string>> = [];
    while (high - low > 1) {
      const k = largestPowerBelow(high - low);
      if (m < k) {
        siblings.push(this.#range(low + k, high, tiles));
        high = low + k;
      } else {
        siblings.push(this.#range(low, low + k, tiles));
        low += k;
        m -= k;
      }
    }
    return Promise.all(siblings.reverse());
  }

  /** RFC 9162 §2.1.4.1 PROOF(oldSize, D[0:size]), from tiles; oldSize in 1..size. */
  async consistency(oldSize: number, size: number): Promise<string[]> {
    const tiles: Tiles = new Map();
    const proof: Array<Promise<string>> = [];
    let [low, high, m, complete] = [0, size, oldSize, true];
    while (m !== high - low) {
      const k = largestPowerBelow(high - low);
      if (m <= k) {
        proof.push(this.#range(low + k, high, tiles));
        high = low + k;
      } else {
        proof.push(this.#range(low, low + k, tiles));
        low += k;
        m -= k;
        complete = false;
      }
    }
    if (!complete) proof.push(this.#range(low, high, tiles));
    return Promise.all(proof.reverse());
  }

  /** MTH of leaves [low, high): perfect aligned subtrees from one tile each, the rest split as RFC 9162 does. */
  async #range(low: number, high: number, tiles: Tiles): Promise<string> {
    const n = high - low;
    if (n === 0) return sha256Hex('');
    if ((n & (n - 1)) === 0 && low % n === 0) return this.#subtree(low, Math.log2(n), tiles);
    const k = largestPowerBelow(n);
    const [left, right] = await Promise.all([
      this.#range(low, low + k, tiles),
      this.#range(low + k, high, tiles),
    ]);
    return nodeHash(left, right);
  }

  /** The hash of the perfect subtree of height `height` whose first leaf is `start`. */
  async #subtree(start: number, height: number, tiles: Tiles): Promise<string> {
    const level = Math.floor(height / LEVEL_BITS);
    const count = 2 ** (height % LEVEL_BITS);
    const first = start / TILE ** level;
    const tileIndex = Math.floor(first / TILE);
    const tile = await this.#tile(level, tileIndex, tiles);
    const offset = first - tileIndex * TILE;
    const hashes = tile.slice(offset, offset + count);
    if (hashes.length !== count) {
      throw new CorruptDataError(`the receipt tree's tile ${level}/${tileIndex} is short`, {
        details: { kind: KIND, level, tile: tileIndex, reason: 'short tile' },
      });
    }
    return count === 1 ? (hashes[0] as string) : rootFromHashes(hashes);
  }

  #tile(level: number, index: number, tiles: Tiles): Promise<string[]> {
    const key = `${level}/${index}`;
    let tile = tiles.get(key);
    if (tile === undefined) {
      tile = this.#read(level, index * TILE, TILE);
      tiles.set(key, tile);
    }
    return tile;
  }

  async #read(level: number, from: number, limit: number): Promise<string[]> {
    const entries = await this.levels.read(levelLog(level), { from, limit });
    return entries.map((entry) => JSON.parse(entry.body) as string);
  }

  /**
   * Appends `hashes` at position `at` of a level. Another process may have appended them first: what it
   * appended must be the same hashes (a tree that disagrees with its receipts is corrupt).
   */
  async #append(level: number, at: number, hashes: readonly string[]): Promise<void> {
    const log = levelLog(level);
    let from = 0;
    while (from < hashes.length) {
      try {
        const entries = hashes.slice(from).map((hash) => ({ header: {}, body: JSON.stringify(hash) }));
        await this.levels.append(log, entries, { expectedSize: at + from });
        return;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const stored = await this.#read(level, at + from, hashes.length - from);
        stored.forEach((hash, i) => {
          if (hash !== hashes[from + i]) {
            throw new CorruptDataError(
              `the receipt tree disagrees with receipt ${at + from + i} at level ${level}`,
              {
                details: {
                  kind: KIND,
                  level,
                  position: at + from + i,
                  reason: 'tree disagrees with the log',
                },
              },
            );
          }
        });
        from += stored.length;
      }
    }
  }
}

function largestPowerBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
