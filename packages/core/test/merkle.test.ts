import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  consistencyProofFromHashes,
  inclusionProof,
  inclusionProofFromHashes,
  isOmegaError,
  leafHash,
  merkleRoot,
  nodeHash,
  rootFromHashes,
  verifyConsistency,
  verifyInclusion,
  verifyInclusionOfHash,
} from '../src/index.js';
import { mulberry32, thrownBy } from '../src/testing.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/merkle/', import.meta.url));
const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

type Outcome = 'accepted' | 'rejected' | 'invalid argument';

function outcomeOf(verify: () => boolean): Outcome {
  try {
    return verify() ? 'accepted' : 'rejected';
  } catch (error) {
    if (isOmegaError(error, 'INVALID_ARGUMENT')) return 'invalid argument';
    throw error;
  }
}

function vectorFiles(kind: 'inclusion' | 'consistency'): string[] {
  return readdirSync(join(FIXTURES, kind), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort();
}

function readVector<T>(kind: string, file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, kind, file), 'utf8')) as T;
}

// The vectors carry Go []byte values, which encoding/json writes as base64.
function hex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

// Go accepts equal sizes with equal roots whatever the roots hold; here a root must be a 32-byte hash,
// and these roots are the 12 bytes of "don't care 2".
const STRICTER_THAN_GO = new Set([join('additional', 'sizes-are-equal-one-and-proof-is-empty.json')]);

describe('transparency-dev/merkle inclusion vectors', () => {
  const files = vectorFiles('inclusion');

  it('finds every vector', () => {
    expect(files).toHaveLength(98);
  });

  it.each(files)('%s', (file) => {
    const vector = readVector<InclusionVector>('inclusion', file);
    // proofgen writes leafIdx - 1 for leaf 0 as a wrapped uint64, which is no safe integer here.
    const expected: Outcome = !vector.wantErr
      ? 'accepted'
      : Number.isSafeInteger(vector.leafIdx)
        ? 'rejected'
        : 'invalid argument';
    const path = (vector.proof ?? []).map(hex);
    expect(
      outcomeOf(() =>
        verifyInclusionOfHash(hex(vector.leafHash), vector.leafIdx, vector.treeSize, path, hex(vector.root)),
      ),
    ).toBe(expected);
  });
});

describe('transparency-dev/merkle consistency vectors', () => {
  const files = vectorFiles('consistency');

  it('finds every vector', () => {
    expect(files).toHaveLength(98);
    for (const file of STRICTER_THAN_GO) expect(files).toContain(file);
  });

  it.each(files)('%s', (file) => {
    const vector = readVector<ConsistencyVector>('consistency', file);
    // Sizes outside 0 < size1 <= size2 are refused as arguments, as RFC 9162 defines no proof for them.
    const expected: Outcome =
      !vector.wantErr && !STRICTER_THAN_GO.has(file)
        ? 'accepted'
        : vector.size1 === 0 || vector.size1 > vector.size2
          ? 'invalid argument'
          : 'rejected';
    const path = (vector.proof ?? []).map(hex);
    expect(
      outcomeOf(() =>
        verifyConsistency(vector.size1, vector.size2, hex(vector.root1), hex(vector.root2), path),
      ),
    ).toBe(expected);
  });
});

// testonly/constants.go and cmd/proofgen/main.go of transparency-dev/merkle: eight leaf inputs, the hashes
// of every complete subtree over them ([level][index]), and the root of every prefix.
const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((input) => new Uint8Array(Buffer.from(input, 'hex')));

const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

const ROOTS = [
  EMPTY_ROOT,
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

function node(level: number, index: number): string {
  return NODE_HASHES[level]![index]!;
}

// Names of the tree of seven in proof/proof_test.go: leaves a..f and j, level 1 g h i, level 2 k.
const [a, b, c, d, e, f, j] = [0, 1, 2, 3, 4, 5, 6].map((index) => node(0, index)) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const [g, h, i] = [node(1, 0), node(1, 1), node(1, 2)];
const k = node(2, 0);
const l = nodeHash(i, j);

// cmd/proofgen (its leaf indices made 0-based) and proof/proof_test.go, hashes filled in from NODE_HASHES.
const INCLUSION_PROOFS: [size: number, index: number, path: string[]][] = [
  [1, 0, []],
  [8, 0, [b, h, node(2, 1)]],
  [8, 5, [e, node(1, 3), k]],
  [3, 2, [g]],
  [5, 1, [a, h, e]],
  [2, 0, [b]],
  [2, 1, [a]],
  [3, 1, [a, c]],
  [7, 0, [b, h, l]],
  [7, 1, [a, h, l]],
  [7, 2, [d, g, l]],
  [7, 3, [c, g, l]],
  [7, 4, [f, j, k]],
  [7, 5, [e, j, k]],
  [7, 6, [i, k]],
  [4, 2, [d, g]],
  [5, 3, [c, g, e]],
  [6, 3, [c, g, i]],
  [6, 4, [f, k]],
];

// cmd/proofgen.
const CONSISTENCY_PROOFS: [oldSize: number, newSize: number, path: string[]][] = [
  [1, 1, []],
  [1, 8, [b, h, node(2, 1)]],
  [6, 8, [i, node(1, 3), k]],
  [2, 5, [h, e]],
  [6, 7, [i, j, k]],
];

describe('RFC 6962 known values', () => {
  it('hashes leaves and nodes as the reference does', () => {
    LEAF_INPUTS.forEach((input, index) => {
      expect(leafHash(input)).toBe(node(0, index));
    });
    for (let level = 1; level < NODE_HASHES.length; level++) {
      NODE_HASHES[level]!.forEach((hash, index) => {
        expect(nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1))).toBe(hash);
      });
    }
  });

  it.each(ROOTS.map((root, size) => [size, root] as const))('root of the first %i leaves', (size, root) => {
    const entries = LEAF_INPUTS.slice(0, size);
    expect(merkleRoot(entries)).toBe(root);
    expect(rootFromHashes(entries.map(leafHash))).toBe(root);
  });

  it.each(INCLUSION_PROOFS)('inclusion proof in a tree of %i for leaf %i', (size, index, path) => {
    const entries = LEAF_INPUTS.slice(0, size);
    expect(inclusionProof(entries, index)).toEqual(path);
    expect(inclusionProofFromHashes(entries.map(leafHash), index)).toEqual(path);
    expect(verifyInclusion(LEAF_INPUTS[index]!, index, size, path, ROOTS[size]!)).toBe(true);
  });

  it.each(CONSISTENCY_PROOFS)('consistency proof from %i to %i', (oldSize, newSize, path) => {
    const entries = LEAF_INPUTS.slice(0, newSize);
    expect(consistencyProof(entries, oldSize)).toEqual(path);
    expect(consistencyProofFromHashes(entries.map(leafHash), oldSize)).toEqual(path);
    expect(verifyConsistency(oldSize, newSize, ROOTS[oldSize]!, ROOTS[newSize]!, path)).toBe(true);
  });
});

// The definitions of RFC 9162 §2.1, recursion and all, to check the iterative code against; subtree
// hashes are remembered per range, so checking every proof of a tree stays cheap.
function referenceTree(leaves: readonly string[]) {
  const hashes = new Map<string, string>();
  const hash = (start: number, end: number): string => {
    if (end - start === 1) return leaves[start]!;
    const range = `${start}:${end}`;
    let known = hashes.get(range);
    if (known === undefined) {
      const split = start + largestPowerOfTwoBelow(end - start);
      known = nodeHash(hash(start, split), hash(split, end));
      hashes.set(range, known);
    }
    return known;
  };
  const path = (index: number, start: number, end: number): string[] => {
    if (end - start === 1) return [];
    const split = start + largestPowerOfTwoBelow(end - start);
    return index < split
      ? [...path(index, start, split), hash(split, end)]
      : [...path(index, split, end), hash(start, split)];
  };
  const subproof = (oldSize: number, start: number, end: number, complete: boolean): string[] => {
    if (oldSize === end) return complete ? [] : [hash(start, end)];
    const split = start + largestPowerOfTwoBelow(end - start);
    return oldSize <= split
      ? [...subproof(oldSize, start, split, complete), hash(split, end)]
      : [...subproof(oldSize, split, end, false), hash(start, split)];
  };
  return {
    root: (size: number) => (size === 0 ? EMPTY_ROOT : hash(0, size)),
    path: (index: number, size: number) => path(index, 0, size),
    proof: (oldSize: number, size: number) => subproof(oldSize, 0, size, true),
  };
}

// Which side each proof hash hashes in from ('seed' for a consistency proof's first hash when it is the
// old tree's rightmost subtree). The verifiers compute from this shape alone, so a proof checked at other
// sizes or indices with the same shape must pass, and with another shape must fail.
function inclusionShape(index: number, size: number): string[] {
  if (size === 1) return [];
  const split = largestPowerOfTwoBelow(size);
  return index < split
    ? [...inclusionShape(index, split), 'right']
    : [...inclusionShape(index - split, size - split), 'left'];
}

function consistencyShape(oldSize: number, newSize: number, complete: boolean): string[] {
  if (oldSize === newSize) return complete ? [] : ['seed'];
  const split = largestPowerOfTwoBelow(newSize);
  return oldSize <= split
    ? [...consistencyShape(oldSize, split, complete), 'right']
    : [...consistencyShape(oldSize - split, newSize - split, false), 'left'];
}

function sameShape(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((side, position) => side === right[position]);
}

function largestPowerOfTwoBelow(size: number): number {
  return 2 ** Math.ceil(Math.log2(size) - 1);
}

// Distinct entries of up to 32 bytes, one of them possibly empty: with two equal leaves, a proof for one
// would rightly verify for the other.
function randomEntries(next: () => number, count: number): Uint8Array[] {
  const entries = new Map<string, Uint8Array>();
  while (entries.size < count) {
    const entry = new Uint8Array(Math.floor(next() * 33));
    for (let position = 0; position < entry.length; position++) entry[position] = Math.floor(next() * 256);
    entries.set(Buffer.from(entry).toString('hex'), entry);
  }
  return [...entries.values()];
}

function flippedEntry(entry: Uint8Array, next: () => number): Uint8Array {
  if (entry.length === 0) return Uint8Array.of(0);
  const flipped = entry.slice();
  flipped[Math.floor(next() * flipped.length)]! ^= 0x01;
  return flipped;
}

function flippedHash(hash: string, next: () => number): string {
  const bytes = Buffer.from(hash, 'hex');
  bytes[Math.floor(next() * bytes.length)]! ^= 0x80;
  return bytes.toString('hex');
}

function flippedPath(path: readonly string[], next: () => number): string[] {
  const flipped = [...path];
  const position = Math.floor(next() * path.length);
  flipped[position] = flippedHash(path[position]!, next);
  return flipped;
}

// Whether checks at other sizes and indices passed or failed: both must occur, or they prove little.
const otherOutcomes = new Set<boolean>();

// One expect per proof, over every check of it at once: the diff names the ones that went wrong.
function checkInclusion(
  entries: readonly Uint8Array[],
  index: number,
  path: readonly string[],
  root: string,
  next: () => number,
): void {
  const size = entries.length;
  const entry = entries[index]!;
  const actual: Record<string, boolean> = {
    valid: verifyInclusion(entry, index, size, path, root),
    'flipped entry': verifyInclusion(flippedEntry(entry, next), index, size, path, root),
    'flipped root': verifyInclusion(entry, index, size, path, flippedHash(root, next)),
  };
  const expected: Record<string, boolean> = { valid: true, 'flipped entry': false, 'flipped root': false };
  if (path.length > 0) {
    actual['flipped path'] = verifyInclusion(entry, index, size, flippedPath(path, next), root);
    expected['flipped path'] = false;
  }
  const others = [
    [index - 1, size],
    [index + 1, size],
    [index, size - 1],
    [index, size + 1],
    [index, size * 2],
  ].filter(([otherIndex, otherSize]) => otherIndex! >= 0 && (otherIndex !== index || otherSize !== size));
  for (const [otherIndex, otherSize] of others as [number, number][]) {
    const check = `index ${otherIndex} of ${otherSize}`;
    actual[check] = verifyInclusion(entry, otherIndex, otherSize, path, root);
    expected[check] =
      otherIndex < otherSize && sameShape(inclusionShape(otherIndex, otherSize), inclusionShape(index, size));
    otherOutcomes.add(expected[check]);
  }
  expect({ index, size, ...actual }).toEqual({ index, size, ...expected });
}

function checkConsistency(
  oldSize: number,
  newSize: number,
  path: readonly string[],
  roots: readonly string[],
  next: () => number,
): void {
  const [oldRoot, newRoot] = [roots[oldSize]!, roots[newSize]!];
  const actual: Record<string, boolean> = {
    valid: verifyConsistency(oldSize, newSize, oldRoot, newRoot, path),
    'flipped old root': verifyConsistency(oldSize, newSize, flippedHash(oldRoot, next), newRoot, path),
    'flipped new root': verifyConsistency(oldSize, newSize, oldRoot, flippedHash(newRoot, next), path),
  };
  const expected: Record<string, boolean> = {
    valid: true,
    'flipped old root': false,
    'flipped new root': false,
  };
  if (path.length > 0) {
    actual['flipped path'] = verifyConsistency(oldSize, newSize, oldRoot, newRoot, flippedPath(path, next));
    expected['flipped path'] = false;
  }
  const shape = consistencyShape(oldSize, newSize, true);
  const others = [
    [oldSize - 1, newSize],
    [oldSize + 1, newSize],
    [oldSize, newSize - 1],
    [oldSize, newSize + 1],
  ].filter(([otherOld, otherNew]) => otherOld! >= 1 && otherOld! <= otherNew!);
  for (const [otherOld, otherNew] of others as [number, number][]) {
    const check = `${otherOld} to ${otherNew}`;
    actual[check] = verifyConsistency(otherOld, otherNew, oldRoot, newRoot, path);
    expected[check] = sameShape(consistencyShape(otherOld, otherNew, true), shape);
    otherOutcomes.add(expected[check]);
  }
  expect({ oldSize, newSize, ...actual }).toEqual({ oldSize, newSize, ...expected });
}

describe('round trips over seeded entries', () => {
  it('proves and checks every index and every old size of trees of 1 to 70 entries', () => {
    const next = mulberry32(9162);
    for (let size = 1; size <= 70; size++) {
      const entries = randomEntries(next, size);
      const leaves = entries.map(leafHash);
      const reference = referenceTree(leaves);
      const roots = Array.from({ length: size + 1 }, (_, prefix) => reference.root(prefix));
      expect(merkleRoot(entries)).toBe(roots[size]);
      for (let index = 0; index < size; index++) {
        // From the leaf hashes, which inclusionProof hashes afresh for every proof.
        const path = inclusionProofFromHashes(leaves, index);
        expect(path).toEqual(reference.path(index, size));
        checkInclusion(entries, index, path, roots[size]!, next);
      }
      for (let oldSize = 1; oldSize <= size; oldSize++) {
        const path = consistencyProofFromHashes(leaves, oldSize);
        expect(path).toEqual(reference.proof(oldSize, size));
        checkConsistency(oldSize, size, path, roots, next);
      }
    }
    expect([...otherOutcomes].sort()).toEqual([false, true]);
  });

  it.each([1000, 1025])('proves and checks sampled indices and old sizes of a tree of %i', (size) => {
    const next = mulberry32(size);
    const entries = randomEntries(next, size);
    const reference = referenceTree(entries.map(leafHash));
    const roots = Array.from({ length: size + 1 }, (_, prefix) => reference.root(prefix));
    expect(merkleRoot(entries)).toBe(roots[size]);
    const samples = [1, 2, 511, 512, 513, 1000, 1023, 1024, 1025].filter((count) => count <= size);
    for (let draw = 0; draw < 8; draw++) samples.push(1 + Math.floor(next() * size));
    for (const sample of samples) {
      const path = inclusionProof(entries, sample - 1);
      expect(path).toEqual(reference.path(sample - 1, size));
      checkInclusion(entries, sample - 1, path, roots[size]!, next);
      const proof = consistencyProof(entries, sample);
      expect(proof).toEqual(reference.proof(sample, size));
      checkConsistency(sample, size, proof, roots, next);
    }
  });
});

describe('arguments', () => {
  const entries = LEAF_INPUTS.slice(0, 5);
  const root = ROOTS[5]!;

  it('gives the empty tree the hash of nothing', () => {
    expect(merkleRoot([])).toBe(EMPTY_ROOT);
    expect(rootFromHashes([])).toBe(EMPTY_ROOT);
  });

  it('refuses an index outside the tree, or one that is not a count', () => {
    for (const index of [5, 6, -1, 0.5, Number.NaN]) {
      const error = thrownBy(() => inclusionProof(entries, index), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ argument: 'index', value: index });
    }
    expect(thrownBy(() => inclusionProof([], 0), 'INVALID_ARGUMENT').details).toMatchObject({
      argument: 'index',
      value: 0,
      treeSize: 0,
    });
  });

  it('refuses a consistency proof from the empty tree', () => {
    expect(thrownBy(() => consistencyProof(entries, 0), 'INVALID_ARGUMENT').details).toMatchObject({
      argument: 'oldSize',
      value: 0,
      newSize: 5,
    });
    expect(thrownBy(() => consistencyProof([], 0), 'INVALID_ARGUMENT').details).toMatchObject({
      argument: 'oldSize',
      value: 0,
    });
    for (const newSize of [0, 5]) {
      const error = thrownBy(() => verifyConsistency(0, newSize, EMPTY_ROOT, root, []), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ argument: 'oldSize', value: 0, newSize });
    }
  });

  it('refuses an old size beyond the tree, or one that is not a count', () => {
    for (const oldSize of [6, -1, 2.5, Number.POSITIVE_INFINITY]) {
      const error = thrownBy(() => consistencyProof(entries, oldSize), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ argument: 'oldSize', value: oldSize });
    }
    expect(thrownBy(() => verifyConsistency(6, 5, root, root, []), 'INVALID_ARGUMENT').details).toMatchObject(
      { argument: 'oldSize', value: 6, newSize: 5 },
    );
    expect(
      thrownBy(() => verifyConsistency(1, 1.5, root, root, []), 'INVALID_ARGUMENT').details,
    ).toMatchObject({ argument: 'newSize', value: 1.5 });
  });

  it('refuses verifying at an index or tree size that is not a count', () => {
    const path = inclusionProof(entries, 1);
    for (const [index, treeSize, argument] of [
      [-1, 5, 'index'],
      [1.5, 5, 'index'],
      [1, -5, 'treeSize'],
      [1, 2 ** 64, 'treeSize'],
    ] as const) {
      const error = thrownBy(
        () => verifyInclusion(entries[1]!, index, treeSize, path, root),
        'INVALID_ARGUMENT',
      );
      expect(error.details).toMatchObject({ argument, value: argument === 'index' ? index : treeSize });
    }
  });

  it('fails, without throwing, a proof for an index outside the tree', () => {
    expect(verifyInclusion(entries[1]!, 5, 5, inclusionProof(entries, 1), root)).toBe(false);
    expect(verifyInclusionOfHash(leafHash(entries[0]!), 0, 0, [], EMPTY_ROOT)).toBe(false);
  });

  it('fails, without throwing, a proof or root that is not lowercase hex of 32 bytes', () => {
    const path = inclusionProof(entries, 1);
    const entry = entries[1]!;
    const malformed = [
      path[0]!.toUpperCase(),
      path[0]!.slice(2),
      `${path[0]!}00`,
      `zz${path[0]!.slice(2)}`,
      '',
    ];
    for (const hash of malformed) {
      expect(verifyInclusion(entry, 1, 5, [hash, ...path.slice(1)], root)).toBe(false);
      expect(verifyInclusion(entry, 1, 5, path, hash)).toBe(false);
      expect(verifyInclusionOfHash(hash, 1, 5, path, root)).toBe(false);
      expect(verifyConsistency(3, 5, hash, root, consistencyProof(entries, 3))).toBe(false);
      expect(verifyConsistency(5, 5, hash, hash, [])).toBe(false);
    }
  });

  it('accepts equal sizes only with an empty proof and equal roots', () => {
    expect(verifyConsistency(5, 5, root, root, [])).toBe(true);
    expect(verifyConsistency(5, 5, root, ROOTS[4]!, [])).toBe(false);
    expect(verifyConsistency(5, 5, root, root, [root])).toBe(false);
    expect(consistencyProof(entries, 5)).toEqual([]);
  });

  it('refuses leaf hashes that are not lowercase hex of 32 bytes', () => {
    const leaves = entries.map(leafHash);
    const bad = [...leaves.slice(0, 3), leaves[3]!.toUpperCase(), leaves[4]!];
    for (const run of [
      () => rootFromHashes(bad),
      () => inclusionProofFromHashes(bad, 0),
      () => consistencyProofFromHashes(bad, 2),
    ]) {
      expect(thrownBy(run, 'INVALID_ARGUMENT').details).toMatchObject({
        argument: 'leafHashes',
        position: 3,
      });
    }
    expect(thrownBy(() => nodeHash(leaves[0]!, 'ab'), 'INVALID_ARGUMENT').details).toMatchObject({
      argument: 'right',
    });
  });
});
