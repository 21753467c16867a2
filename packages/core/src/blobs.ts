import { sha256Hex } from './canonical.js';
import { InvalidArgumentError } from './errors.js';
import { assertValidName } from './names.js';
import type { PageOptions } from './pages.js';

/** What a family stores as blobs: where they live and what errors call them. */
export interface BlobSpec {
  /** What the blobs are, for errors: `receipt body`, `artifact value`, ... */
  kind: string;
  /** The family folder under a store root (or table, or key prefix), e.g. `receipt-bodies`. */
  folder: string;
}

/**
 * The storage port of content-addressed bytes (receipt bodies, artifact values, provenance sources):
 * each blob is named by the SHA-256 of its bytes, stored once, and verified whenever it is read. A digest
 * is 64 lowercase hex digits; anything else is an `InvalidArgumentError` naming `kind`.
 */
export interface BlobBackend {
  /**
   * Stores `bytes` and resolves to their digest once they are stored (durable, where the backend is). A
   * blob that exists is kept as it is; concurrent puts of the same bytes are safe.
   */
  put(bytes: Uint8Array): Promise<string>;
  /**
   * The bytes of blob `digest`, or null when there is none. Bytes whose digest differs are a
   * `CorruptDataError` naming the blob (and its file, where there is one), never returned.
   */
  get(digest: string): Promise<Uint8Array | null>;
  /** Whether blob `digest` is stored (not verified: `get` does that). */
  has(digest: string): Promise<boolean>;
  /** Removes blob `digest`; false when there was none. */
  remove(digest: string): Promise<boolean>;
  /** The stored digests, sorted, one page at a time. */
  digests(options?: PageOptions): Promise<string[]>;
  /** Releases what the port holds; blobs outlive it where the backend persists them. */
  close(): Promise<void>;
}

const DIGEST = /^[0-9a-f]{64}$/;

/** The SHA-256 of `bytes`, as 64 lowercase hex digits: the name of a blob. */
export function blobDigest(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

/** Checks a digest argument: an `InvalidArgumentError` naming the kind unless it is 64 lowercase hex digits. */
export function assertDigest(kind: string, digest: unknown): asserts digest is string {
  if (typeof digest === 'string' && DIGEST.test(digest)) return;
  // Described, not stringified: String() throws for an object without a prototype, and a long string
  // would fill the message.
  const got =
    typeof digest === 'string'
      ? JSON.stringify(digest.length > 80 ? `${digest.slice(0, 80)}…` : digest)
      : typeof digest;
  throw new InvalidArgumentError(`a ${kind} digest must be 64 lowercase hex digits (SHA-256), got ${got}`, {
    details: { kind, option: 'digest', value: digest },
  });
}

/** Checks the bytes of a put: an `InvalidArgumentError` unless they are a `Uint8Array`. */
export function assertBytes(kind: string, bytes: unknown): asserts bytes is Uint8Array {
  if (bytes instanceof Uint8Array) return;
  throw new InvalidArgumentError(`a ${kind} must be a Uint8Array, got ${typeof bytes}`, {
    details: { kind, option: 'bytes' },
  });
}

/** Validates the parts of a {@link BlobSpec} every backend relies on. */
export function checkBlobSpec(spec: BlobSpec): void {
  assertValidName('folder', spec.folder);
}
