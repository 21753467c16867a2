import { createHash } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';

// The Merkle tree of RFC 9162 §2.1 (the hashing of RFC 6962). Hashes cross the API as lowercase hex;
// inside they stay bytes, decoded once on the way in and encoded once on the way out.

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const HASH_HEX = /^[0-9a-f]{64}$/;
const EMPTY_ROOT = createHash('sha256').digest('hex');

function hashLeaf(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

// Verifiers get their hashes from untrusted proofs, so a malformed one is a failed proof, not an error.
function parseHash(hash: unknown): Buffer | undefined {
  return typeof hash === 'string' && HASH_HEX.test(hash) ? Buffer.from(hash, 'hex') : undefined;
}

function parseHashes(hashes: readonly string[]): Buffer[] | undefined {
  const parsed: Buffer[] = [];
  for (const hash of hashes) {
    const bytes = parseHash(hash);
    if (bytes === undefined) return undefined;
    parsed.push(bytes);
  }
  return parsed;
}

// Callers of the builders hold their own hashes, so a malformed one is a bug to report.
function requireHash(argument: string, hash: string, position?: number): Buffer {
  const bytes = parseHash(hash);
  if (bytes === undefined) {
    throw new InvalidArgumentError(`${argument} must be a hash of 64 lowercase hex digits`, {
      details: {
        argument,
        reason: 'not a hash',
        value: hash,
        ...(position === undefined ? {} : { position }),
      },
    });
  }
  return bytes;
}

function requireHashes(argument: string, hashes: readonly string[]): Buffer[] {
  return hashes.map((hash, position) => requireHash(argument, hash, position));
}

function requireCount(argument: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${argument} must be a non-negative integer, got ${String(value)}`, {
      details: { argument, reason: 'not a count', value },
    });
  }
}

function requireConsistencySizes(oldSize: number, newSize: number): void {
  requireCount('oldSize', oldSize);
  requireCount('newSize', newSize);
  if (oldSize === 0) {
    // RFC 9162 §2.1.4 defines no proof from the empty tree: every tree extends it.
    throw new InvalidArgumentError('a consistency proof from an empty tree is meaningless', {
      details: { argument: 'oldSize', reason: 'empty old tree', value: oldSize, newSize },
    });
  }
  if (oldSize > newSize) {
    throw new InvalidArgumentError(`oldSize ${oldSize} is larger than the tree size ${newSize}`, {
      details: { argument: 'oldSize', reason: 'out of range', value: oldSize, newSize },
    });
  }
}

// Arithmetic instead of bit operators: those truncate to 32 bits, and tree sizes may not fit.
function half(value: number): number {
  return Math.floor(value / 2);
}

function isOdd(value: number): boolean {
  return value % 2 === 1;
}

function isPowerOfTwo(value: number): boolean {
  let odd = value;
  while (odd > 1 && !isOdd(odd)) odd = half(odd);
  return odd === 1;
}

function largestPowerOfTwoBelow(size: number): number {
  let power = 1;
  while (power * 2 < size) power *= 2;
  return power;
}

// The hash of leaves [start, end), start < end, in one left-to-right pass with a stack of perfect
// subtrees instead of recursion: O(end - start) hashes, and a stack no deeper than log2(end - start) + 1.
function subtreeHash(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const hashes: Buffer[] = [];
  const sizes: number[] = [];
  for (let index = start; index < end; index++) {
    let hash = leaves[index]!;
    let size = 1;
    while (sizes.at(-1) === size) {
      hash = hashChildren(hashes.pop()!, hash);
      size += sizes.pop()!;
    }
    hashes.push(hash);
    sizes.push(size);
  }
  // Sizes now decrease left to right (the binary digits of the range's length), which is exactly
  // how the split at the largest power of two nests, so the remnants fold from the right.
  let hash = hashes.pop()!;
  while (hashes.length > 0) hash = hashChildren(hashes.pop()!, hash);
  return hash;
}

/** RFC 9162 leaf hash of an entry: SHA-256(0x00 || entry), as lowercase hex. */
export function leafHash(entry: Uint8Array): string {
  return hashLeaf(entry).toString('hex');
}

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right), over and as lowercase hex hashes. */
export function nodeHash(left: string, right: string): string {
  return hashChildren(requireHash('left', left), requireHash('right', right)).toString('hex');
}

/** Root hash of the tree whose leaves have these leaf hashes; the SHA-256 of nothing when empty. */
export function rootFromHashes(leafHashes: readonly string[]): string {
  const leaves = requireHashes('leafHashes', leafHashes);
  return leaves.length === 0 ? EMPTY_ROOT : subtreeHash(leaves, 0, leaves.length).toString('hex');
}

/** Root hash (RFC 9162 §2.1.1 MTH) of the tree over these entries. */
export function merkleRoot(entries: readonly Uint8Array[]): string {
  return rootFromHashes(entries.map(leafHash));
}

/** Inclusion proof (RFC 9162 §2.1.3.1 PATH) of leaf `index` in the tree of these leaf hashes, lowest first. */
export function inclusionProofFromHashes(leafHashes: readonly string[], index: number): string[] {
  requireCount('index', index);
  if (index >= leafHashes.length) {
    throw new InvalidArgumentError(`index ${index} is outside a tree of size ${leafHashes.length}`, {
      details: { argument: 'index', reason: 'out of range', value: index, treeSize: leafHashes.length },
    });
  }
  const leaves = requireHashes('leafHashes', leafHashes);
  // PATH descends towards the leaf; collected top-down, then reversed into the RFC's bottom-up order.
  const path: Buffer[] = [];
  let start = 0;
  let end = leaves.length;
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (index < split) {
      path.push(subtreeHash(leaves, split, end));
      end = split;
    } else {
      path.push(subtreeHash(leaves, start, split));
      start = split;
    }
  }
  return path.reverse().map((hash) => hash.toString('hex'));
}

/** Inclusion proof (RFC 9162 §2.1.3.1 PATH) of entry `index` in the tree over these entries. */
export function inclusionProof(entries: readonly Uint8Array[], index: number): string[] {
  return inclusionProofFromHashes(entries.map(leafHash), index);
}

/**
 * Checks an inclusion proof for a leaf given by its leaf hash, by the algorithm of RFC 9162 §2.1.3.2.
 * False for any proof that fails, including an index outside the tree or a malformed hash; throws
 * `InvalidArgumentError` only when `index` or `treeSize` is not a non-negative integer.
 */
export function verifyInclusionOfHash(
  leafHash: string,
  index: number,
  treeSize: number,
  path: readonly string[],
  rootHash: string,
): boolean {
  requireCount('index', index);
  requireCount('treeSize', treeSize);
  if (index >= treeSize) return false;
  const leaf = parseHash(leafHash);
  const root = parseHash(rootHash);
  const proof = parseHashes(path);
  if (leaf === undefined || root === undefined || proof === undefined) return false;
  let fn = index;
  let sn = treeSize - 1;
  let hash = leaf;
  for (const sibling of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      hash = hashChildren(sibling, hash);
      // Levels where the node is a lone rightmost child have no sibling in the proof.
      while (fn !== 0 && !isOdd(fn)) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      hash = hashChildren(hash, sibling);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hash.equals(root);
}

/** {@link verifyInclusionOfHash} for an entry: checks that `entry` is leaf `index` of the tree with `rootHash`. */
export function verifyInclusion(
  entry: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly string[],
  rootHash: string,
): boolean {
  return verifyInclusionOfHash(leafHash(entry), index, treeSize, path, rootHash);
}

/**
 * Consistency proof (RFC 9162 §2.1.4.1 PROOF) that the tree of the first `oldSize` of these leaf hashes
 * is a prefix of the tree of all of them. Empty when `oldSize` is the whole tree; `InvalidArgumentError`
 * when `oldSize` is 0 or larger than the tree.
 */
export function consistencyProofFromHashes(leafHashes: readonly string[], oldSize: number): string[] {
  requireConsistencySizes(oldSize, leafHashes.length);
  const leaves = requireHashes('leafHashes', leafHashes);
  // SUBPROOF(m, D[n], b) unrolled: the boundary between old and new leaves stays at `oldSize` while the
  // range narrows, and `complete` is b, which turns false once the range leaves the tree's left edge.
  const proof: Buffer[] = [];
  let start = 0;
  let end = leaves.length;
  let complete = true;
  while (end !== oldSize) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (oldSize <= split) {
      proof.push(subtreeHash(leaves, split, end));
      end = split;
    } else {
      proof.push(subtreeHash(leaves, start, split));
      start = split;
      complete = false;
    }
  }
  // The old tree's own root is left out when the verifier already holds it (b still true).
  if (!complete) proof.push(subtreeHash(leaves, start, end));
  return proof.reverse().map((hash) => hash.toString('hex'));
}

/** Consistency proof (RFC 9162 §2.1.4.1 PROOF) from the first `oldSize` entries to all of them. */
export function consistencyProof(entries: readonly Uint8Array[], oldSize: number): string[] {
  return consistencyProofFromHashes(entries.map(leafHash), oldSize);
}

/**
 * Checks that the tree of `oldSize` with `oldRoot` is a prefix of the tree of `newSize` with `newRoot`,
 * by the algorithm of RFC 9162 §2.1.4.2; equal sizes need an empty proof and equal roots. False for any
 * proof that fails, including a malformed hash; throws `InvalidArgumentError` when a size is not a
 * non-negative integer, when `oldSize` is 0, or when `oldSize` exceeds `newSize`.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: string,
  newRoot: string,
  path: readonly string[],
): boolean {
  requireConsistencySizes(oldSize, newSize);
  const first = parseHash(oldRoot);
  const second = parseHash(newRoot);
  const proof = parseHashes(path);
  if (first === undefined || second === undefined || proof === undefined) return false;
  if (oldSize === newSize) return proof.length === 0 && first.equals(second);
  if (proof.length === 0) return false;
  // A power-of-two old tree is a node of the new one; its root was left out of the proof.
  const nodes = isPowerOfTwo(oldSize) ? [first, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let oldHash = nodes[0]!;
  let newHash = nodes[0]!;
  for (const node of nodes.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      oldHash = hashChildren(node, oldHash);
      newHash = hashChildren(node, newHash);
      while (fn !== 0 && !isOdd(fn)) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      newHash = hashChildren(newHash, node);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && oldHash.equals(first) && newHash.equals(second);
}
