import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { blobDigest } from '../src/blobs.js';
import { MemoryBlobBackend } from '../src/memory-blobs.js';
import { type PageOptions, pageOf } from '../src/pages.js';
import { BLOB_CONTRACT_SPEC, describeBlobBackend, rejectionOf } from '../src/testing.js';
import { recorder } from './recorder.js';

// Each port's map, so `reopen` can open a second port over the same blobs, as a MemoryStore does.
const maps = new WeakMap<MemoryBlobBackend, Map<string, Uint8Array>>();

function memoryPort(data = new Map<string, Uint8Array>()): MemoryBlobBackend {
  const port = new MemoryBlobBackend(BLOB_CONTRACT_SPEC, data);
  maps.set(port, data);
  return port;
}

describeBlobBackend(vitest, 'MemoryBlobBackend', async () => ({ port: memoryPort() }), {
  reopen: async (blobs) => memoryPort(maps.get(blobs as MemoryBlobBackend)),
});

describe('MemoryBlobBackend', () => {
  it('verifies what it reads: a blob altered through the shared map is a CorruptDataError', async () => {
    const data = new Map<string, Uint8Array>();
    const blobs = memoryPort(data);
    const digest = await blobs.put(new TextEncoder().encode('the original'));
    const stored = data.get(digest)!;
    stored[0] = stored[0]! ^ 1;
    const error = await rejectionOf(() => blobs.get(digest), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ kind: BLOB_CONTRACT_SPEC.kind, digest });
    // A put of the original bytes does not rewrite a blob of the same length: the damage stays visible.
    await blobs.put(new TextEncoder().encode('the original'));
    await rejectionOf(() => blobs.get(digest), 'CORRUPT_DATA');
    data.set(digest, new Uint8Array(3));
    await blobs.put(new TextEncoder().encode('the original'));
    expect(new TextDecoder().decode((await blobs.get(digest))!)).toBe('the original');
  });

  it('refuses a folder breaking the name rule', () => {
    expect(() => new MemoryBlobBackend({ kind: 'blob', folder: '../x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_NAME' }),
    );
  });
});

/** Keeps the caller's own array and hands it back unverified: a change after put reaches every reader. */
class UnverifiedBlobs extends MemoryBlobBackend {
  readonly #arrays = new Map<string, Uint8Array>();
  override async put(bytes: Uint8Array): Promise<string> {
    const digest = await super.put(bytes);
    this.#arrays.set(digest, bytes);
    return digest;
  }
  override async get(digest: string): Promise<Uint8Array | null> {
    return (await this.has(digest)) ? this.#arrays.get(digest)! : null;
  }
}

/** Lists digests in the order they were stored. */
class UnorderedBlobs extends MemoryBlobBackend {
  constructor(readonly data = new Map<string, Uint8Array>()) {
    super(BLOB_CONTRACT_SPEC, data);
  }
  override async digests(options?: PageOptions): Promise<string[]> {
    return pageOf([...this.data.keys()], options, 'blob');
  }
}

/** Accepts digests in upper case, as a case-insensitive filesystem would. */
class LaxBlobs extends MemoryBlobBackend {
  override get(digest: string): Promise<Uint8Array | null> {
    return super.get(typeof digest === 'string' ? digest.toLowerCase() : digest);
  }
}

/** Treats an empty blob as none (a truthiness check). */
class EmptyIsMissingBlobs extends MemoryBlobBackend {
  override async get(digest: string): Promise<Uint8Array | null> {
    const bytes = await super.get(digest);
    return bytes?.byteLength ? bytes : null;
  }
}

/** Declares the contract over `open` on a recording framework; the titles of the tests that fail. */
async function failingTests(open: () => MemoryBlobBackend): Promise<string[]> {
  const recording = recorder();
  describeBlobBackend(recording.framework, 'flawed', async () => ({ port: open() }));
  return recording.failures();
}

describe('describeBlobBackend', () => {
  it('passes a correct port', async () => {
    expect(await failingTests(() => new MemoryBlobBackend(BLOB_CONTRACT_SPEC))).toEqual([]);
  });

  it('fails a port that shares the caller array and returns it unverified', async () => {
    expect(await failingTests(() => new UnverifiedBlobs(BLOB_CONTRACT_SPEC))).toEqual([
      'nothing is shared: changing the bytes after put, or what get returned, changes nothing stored',
    ]);
  });

  it('fails a port that lists digests out of order', async () => {
    const failed = await failingTests(() => new UnorderedBlobs());
    expect(failed).toContain('digests() lists every stored digest once, sorted');
    expect(failed).toContain('digests come in pages: after, limit, and every page together is the listing');
  });

  it('fails a port that accepts digests in upper case', async () => {
    expect(await failingTests(() => new LaxBlobs(BLOB_CONTRACT_SPEC))).toEqual([
      'bad digests are an InvalidArgumentError for get, has and remove, and touch nothing',
    ]);
  });

  it('fails a port that reads an empty blob as none', async () => {
    expect(await failingTests(() => new EmptyIsMissingBlobs(BLOB_CONTRACT_SPEC))).toEqual([
      'get returns exactly the bytes put: empty, one byte, every byte value, 1 MB, views',
    ]);
  });

  it('computes digests as core does', () => {
    expect(blobDigest(new Uint8Array(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
