import { sha256Hex } from './canonical.js';
import { nodeHash } from './merkle.js';

/**
 * The root of a tree built leaf by leaf, kept as the hashes of its perfect subtrees (one per set bit of
 * its size, largest first): O(log n) memory, so a verifier can stream a log of any length.
 */
export class CompactRange {
  #size = 0;
  readonly #hashes: string[] = [];

  /** How many leaves were appended. */
  get size(): number {
    return this.#size;
  }

  /** Appends a leaf hash (hex), merging the perfect subtrees it completes. */
  append(leafHash: string): void {
    this.#hashes.push(leafHash);
    for (let size = this.#size; size & 1; size >>>= 1) {
      const right = this.#hashes.pop() as string;
      const left = this.#hashes.pop() as string;
      this.#hashes.push(nodeHash(left, right));
    }
    this.#size++;
  }

  /** The RFC 9162 root of the leaves so far: the subtrees folded from the right. */
  root(): string {
    if (this.#hashes.length === 0) return sha256Hex('');
    let root = this.#hashes[this.#hashes.length - 1] as string;
    for (let i = this.#hashes.length - 2; i >= 0; i--) root = nodeHash(this.#hashes[i] as string, root);
    return root;
  }
}
