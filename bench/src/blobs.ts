import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { FilesystemBlobBackend } from '@omega/core/fs';
import { compare } from './measure.js';
import type { Row } from './report.js';

const SPEC = { kind: 'blob', folder: 'blobs' };
const SIZES = [
  { label: '1 KB', bytes: 1024, samples: 15, batch: 20 },
  { label: '1 MB', bytes: 1024 * 1024, samples: 9, batch: 1 },
];

/** Bytes of `length` that differ from call to call: every put stores a new blob, as a real one does. */
function freshBytes(length: number): () => Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31) & 0xff;
  const view = new DataView(bytes.buffer);
  let counter = 0;
  return () => {
    view.setFloat64(0, counter++);
    return bytes;
  };
}

/**
 * The floor of a blob put: write a temp file, fsync it when durable, rename it to `file`, fsync the
 * directory. Each call names a new file, as each put of new bytes does: on ext4 a rename over an existing
 * file also flushes its data (auto_da_alloc), which would bill the floor for a replace a put never does.
 */
function floorPut(file: string, bytes: Uint8Array, durable: boolean): void {
  const temp = `${file}.floor-tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  if (!durable) return;
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Filesystem blob puts and gets of 1 KB and 1 MB: a durable put against write+fsync+rename+dir fsync, a
 * non-durable one against write+rename (each put stores new bytes, so it hashes, writes and links every
 * time; the floors do not hash, which at 1 MB is most of the gap: ~0.6 ms of SHA-256), and a verified get
 * against a plain readFileSync of the same bytes and against readFileSync plus the SHA-256 that
 * verification costs.
 */
export async function blobOperations(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const durable = new FilesystemBlobBackend(SPEC, { root: path.join(root, 'durable') });
  const fast = new FilesystemBlobBackend(SPEC, { root: path.join(root, 'non-durable'), durable: false });
  const floors = path.join(root, 'floors');
  mkdirSync(floors, { recursive: true });
  try {
    for (const size of SIZES) {
      const floorFile = path.join(floors, `blob-${size.bytes}`);
      let floorCount = 0;
      const floorNext = () => `${floorFile}-${floorCount++}`;
      const next = freshBytes(size.bytes);
      const row = async (bench: string, pair: [() => unknown, () => unknown], target?: number) => {
        const measured = await compare(...pair, size.samples, size.batch);
        rows.push({
          bench,
          size: size.label,
          ...measured,
          ...(target === undefined ? {} : { target }),
          sense: 'time',
        });
      };

      await row(
        'durable blob put vs write+fsync+rename+dir fsync (sync)',
        [() => durable.put(next()), () => floorPut(floorNext(), next(), true)],
        1.6,
      );
      await row(
        'non-durable blob put vs write+rename (sync)',
        [() => fast.put(next()), () => floorPut(floorNext(), next(), false)],
        2,
      );

      const stored = next();
      const digest = await fast.put(stored);
      floorPut(floorFile, stored, false);
      await row('verified blob get vs readFileSync of the same bytes, for reference', [
        () => fast.get(digest),
        () => readFileSync(floorFile),
      ]);
      await row(
        'verified blob get vs readFileSync + SHA-256',
        [() => fast.get(digest), () => createHash('sha256').update(readFileSync(floorFile)).digest('hex')],
        size.bytes > 1024 ? 1.3 : 1.6,
      );
    }
  } finally {
    await durable.close();
    await fast.close();
  }
  return rows;
}
