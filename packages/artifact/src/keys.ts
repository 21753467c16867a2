import { digestOf, sha256Hex, type Val } from '@omega/core';
import type { ArtifactKey } from './key-schema.js';

/**
 * The version of the key scheme, written inside every canonical key: a later scheme writes another, so its
 * keys never collide with today's, and a cache read by a later version simply misses on older entries.
 */
export const KEY_VERSION = 1;

const KEY_PREFIX = `artifact.v${KEY_VERSION}.`;

/**
 * The canonical, versioned string of a key: `artifact.v1.` and the SHA-256 of the JSON array of its three
 * parts (`paramsKey` absent as `null`), so every part counts and no two keys share a string.
 */
export function keyString(key: ArtifactKey): string {
  return KEY_PREFIX + sha256Hex(JSON.stringify([key.exprKey, key.depsFingerprint, key.paramsKey ?? null]));
}

/**
 * An {@link ArtifactKey} by canonical hashing: `exprKey` is the digest of `expr`, `depsFingerprint` that of
 * the (ref, fingerprint) pairs sorted by ref, `paramsKey` that of `params` when given. Equal inputs give
 * equal keys whatever their key or insertion order.
 *
 * @throws InvalidArgumentError (details `{ path, reason }`) for an `expr` or `params` that is not a `Val`.
 */
export function artifactKey(
  expr: Val,
  deps: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
  params?: Val,
): ArtifactKey {
  const pairs = deps instanceof Map ? [...deps] : Object.entries(deps);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key: ArtifactKey = { exprKey: digestOf(expr), depsFingerprint: digestOf(pairs) };
  if (params !== undefined) key.paramsKey = digestOf(params);
  return key;
}

// Names already derived: a hit hashes nothing. Bounded by dropping the whole memo when full, which costs
// one hash per expression afterwards, never a wrong name.
const MEMO_LIMIT = 4096;
const names = new Map<string, string>();

/**
 * The name of the index document of expression `exprKey`: `x.` and the SHA-256 of it, which follows the
 * naming rule whatever the caller's hash looks like.
 */
export function exprName(exprKey: string): string {
  let name = names.get(exprKey);
  if (name === undefined) {
    if (names.size >= MEMO_LIMIT) names.clear();
    name = `x.${sha256Hex(exprKey)}`;
    names.set(exprKey, name);
  }
  return name;
}
