import { type BlobBackend, isOmegaError, sha256Hex } from '@omega/core';

/**
 * Bodies up to this many UTF-8 bytes (request and response together) go into their batch's pack: one
 * durable blob for a batch of small calls instead of two per call. Larger ones get blobs of their own,
 * whose write costs little beside their size. A pack then stays under 256 × 16 KiB = 4 MiB.
 */
export const PACKED_BYTES = 16 * 1024;

/** A receipt's request and response, as canonical texts. */
export interface BodyTexts {
  request: string;
  response: string;
}

/** Where a receipt's bodies sit in its pack: the byte offset, the request's length, the response's. */
export type Place = [offset: number, requestBytes: number, responseBytes: number];

/** Where to look for a receipt's bodies: its pack (when it has one) and their digests. */
export interface BodyRef {
  pack?: string | undefined;
  at?: Place | undefined;
  requestDigest: string;
  responseDigest: string;
}

export type Part = 'request' | 'response';

/** A body read back: its text, or why there is none as its digest says. */
export type BodyRead = { text: string } | { missing: 'missing' | 'altered' };

// What a reader keeps of the packs it read: a few of them, a few MiB.
const CACHED_PACKS = 16;
const CACHED_BYTES = 8 * 1024 * 1024;

/**
 * The packs a reader keeps between reads, the most recently read first to stay: a verify that walks the
 * log in order reads each pack once, and memory stays bounded whatever the log's length.
 */
export class PackCache {
  readonly #packs = new Map<string, Promise<Buffer | null>>();
  readonly #sizes = new Map<string, number>();
  #bytes = 0;

  read(blobs: BlobBackend, digest: string): Promise<Buffer | null> {
    const cached = this.#packs.get(digest);
    if (cached !== undefined) {
      this.#packs.delete(digest);
      this.#packs.set(digest, cached);
      return cached;
    }
    const read = blobs.get(digest).then((bytes) => {
      const pack = bytes && Buffer.from(bytes);
      if (this.#packs.get(digest) === read) this.#account(digest, pack?.length ?? 0);
      return pack;
    });
    this.#packs.set(digest, read);
    return read;
  }

  #account(digest: string, size: number): void {
    this.#sizes.set(digest, size);
    this.#bytes += size;
    for (const oldest of this.#packs.keys()) {
      if (this.#packs.size <= CACHED_PACKS && this.#bytes <= CACHED_BYTES) break;
      if (oldest === digest) continue;
      this.#packs.delete(oldest);
      this.#bytes -= this.#sizes.get(oldest) ?? 0;
      this.#sizes.delete(oldest);
    }
  }
}

/**
 * Receipt bodies on a blob port: small ones packed per batch, large ones by their own digest. The
 * digests the receipt commits to are checked on every read, so a pack or a place that was edited reads
 * as altered, never as another body.
 */
export class Bodies {
  constructor(private readonly blobs: BlobBackend) {}

  /** Whether these bodies go into their batch's pack rather than into blobs of their own. */
  static packs(bodies: BodyTexts): boolean {
    return Buffer.byteLength(bodies.request) + Buffer.byteLength(bodies.response) <= PACKED_BYTES;
  }

  /** Stores one text as a blob of its own; resolves to its digest. */
  own(text: string): Promise<string> {
    return this.blobs.put(Buffer.from(text));
  }

  /**
   * Stores these bodies as one pack. Returns at once the pack's digest and each body's place in it, and
   * `stored`, which settles once the pack is stored (durable, where the port is): the caller builds its
   * entries meanwhile.
   */
  pack(bodies: readonly BodyTexts[]): { digest: string; places: Place[]; stored: Promise<void> } {
    const chunks: Buffer[] = [];
    const places: Place[] = [];
    let offset = 0;
    for (const { request, response } of bodies) {
      const requestBytes = Buffer.from(request);
      const responseBytes = Buffer.from(response);
      chunks.push(requestBytes, responseBytes);
      places.push([offset, requestBytes.length, responseBytes.length]);
      offset += requestBytes.length + responseBytes.length;
    }
    const bytes = Buffer.concat(chunks, offset);
    const stored = this.blobs.put(bytes).then(() => {});
    // Awaited by the caller once its entries are built; until then a failure must not go unhandled.
    stored.catch(() => {});
    return { digest: sha256Hex(bytes), places, stored };
  }

  /**
   * One body of a receipt: from its pack while the pack is there, else from a blob of its own (large
   * bodies, and those an erasure moved out of their pack).
   */
  async read(ref: BodyRef, part: Part, cache = new PackCache()): Promise<BodyRead> {
    const digest = part === 'request' ? ref.requestDigest : ref.responseDigest;
    try {
      if (ref.pack !== undefined && ref.at !== undefined) {
        const pack = await cache.read(this.blobs, ref.pack);
        if (pack !== null) return sliceOf(pack, ref.at, part, digest);
      }
      const bytes = await this.blobs.get(digest);
      return bytes === null ? { missing: 'missing' } : { text: Buffer.from(bytes).toString('utf8') };
    } catch (error) {
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      return { missing: 'altered' };
    }
  }

  /**
   * Moves the bodies of `keep` out of pack `digest` into blobs of their own, then removes the pack: what
   * an erasure does to the pack of the body it erases. Blobs first, so a reader always finds them.
   */
  async unpack(digest: string, keep: readonly BodyRef[]): Promise<void> {
    const cache = new PackCache();
    for (const ref of keep) {
      for (const part of ['request', 'response'] as const) {
        const body = await this.read(ref, part, cache);
        if ('text' in body) await this.own(body.text);
      }
    }
    await this.blobs.remove(digest);
  }

  /** Removes blob `digest`, a body of its own. */
  async remove(digest: string): Promise<void> {
    await this.blobs.remove(digest);
  }

  /** Whether blob `digest` (a pack, or a body of its own) is stored. */
  has(digest: string): Promise<boolean> {
    return this.blobs.has(digest);
  }
}

function sliceOf(
  pack: Buffer,
  [offset, requestBytes, responseBytes]: Place,
  part: Part,
  digest: string,
): BodyRead {
  const start = part === 'request' ? offset : offset + requestBytes;
  const end = start + (part === 'request' ? requestBytes : responseBytes);
  if (end > pack.length) return { missing: 'altered' };
  const bytes = pack.subarray(start, end);
  return sha256Hex(bytes) === digest ? { text: bytes.toString('utf8') } : { missing: 'altered' };
}
