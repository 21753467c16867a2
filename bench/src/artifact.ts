import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FilesystemArtifactProvider } from '@omega/artifact/filesystem';
import { MemoryArtifactProvider } from '@omega/artifact/memory';
import { LRUCache } from 'lru-cache';
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import { floorSaveNonDurable } from './baselines.js';
import { compare } from './measure.js';
import type { Row } from './report.js';

type Key = { exprKey: string; depsFingerprint: string; paramsKey?: string };

const CAPACITY = 1_000;
const SAMPLES = 9;

// What a user of lru-cache writes for the same keys: one string of the three parts.
const flat = (key: Key) => `${key.exprKey}\u0000${key.depsFingerprint}\u0000${key.paramsKey ?? ''}`;
const keyOf = (i: number): Key => ({ exprKey: `expr-${i}`, depsFingerprint: `deps-${i % 7}` });
// A small artifact (about 1 KB of text), different for every i so each put stores a new value.
const valueFor = (i: number) => ({
  id: i,
  rows: Array.from({ length: 20 }, (_, row) => ({ row, text: `cell ${row} of ${i}` })),
});

/**
 * The artifact cache side by side: memory `get` (hit and miss) and `put` against lru-cache at the same
 * capacity, filesystem `put` and `get` against a plain write + rename and read + JSON.parse of the same
 * bytes (the floor) and against unstorage's fs driver. unstorage is asynchronous: the harness awaits every
 * call of both sides, so each pays one await; its setItem neither fsyncs nor renames, so it is compared
 * with the non-durable cache.
 */
export async function artifactOperations(root: string): Promise<Row[]> {
  return [...(await memoryRows()), ...(await filesystemRows(root))];
}

async function memoryRows(): Promise<Row[]> {
  const rows: Row[] = [];
  const cache = new MemoryArtifactProvider({ capacity: CAPACITY });
  const lru = new LRUCache<string, object>({ max: CAPACITY });
  const keys = Array.from({ length: CAPACITY }, (_, i) => keyOf(i));
  for (const [i, key] of keys.entries()) {
    cache.put(key, valueFor(i), {});
    lru.set(flat(key), valueFor(i));
  }
  let g = 0;
  let h = 0;
  const hit = await compare(
    () => cache.get(keys[g++ % CAPACITY]!),
    () => lru.get(flat(keys[h++ % CAPACITY]!)),
    SAMPLES,
    5_000,
  );
  rows.push({
    bench: 'memory artifact get (hit) vs lru-cache get',
    size: `${CAPACITY} entries`,
    ...hit,
    target: 0.8,
    sense: 'speed',
  });

  const absent = keyOf(-1);
  const miss = await compare(
    () => cache.get(absent),
    () => lru.get(flat(absent)),
    SAMPLES,
    5_000,
  );
  rows.push({
    bench: 'memory artifact get (miss) vs lru-cache get',
    size: `${CAPACITY} entries`,
    ...miss,
    sense: 'speed',
  });

  let p = CAPACITY;
  let q = CAPACITY;
  const put = await compare(
    () => cache.put(keyOf(p), valueFor(p++), {}),
    () => lru.set(flat(keyOf(q)), valueFor(q++)),
    SAMPLES,
    500,
  );
  rows.push({
    bench: 'memory artifact put (evicting) vs lru-cache set',
    size: '1 KB value',
    ...put,
    sense: 'time',
  });
  await cache.close();
  return rows;
}

async function filesystemRows(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  await mkdir(root, { recursive: true });
  const cache = new FilesystemArtifactProvider({ root: path.join(root, 'fast'), durable: false });
  const durable = new FilesystemArtifactProvider({ root: path.join(root, 'durable') });
  const storage = createStorage({ driver: fsDriver({ base: path.join(root, 'unstorage') }) });
  const floorFile = path.join(root, 'floor.json');
  try {
    let a = 0;
    let b = 0;
    const floorPut = await compare(
      () => cache.put(keyOf(a), valueFor(a++), {}),
      () => floorSaveNonDurable(floorFile, valueFor(b++)),
      SAMPLES,
      50,
    );
    rows.push({
      bench: 'non-durable filesystem artifact put vs write+rename (sync)',
      size: '1 KB value',
      ...floorPut,
      sense: 'time',
    });
    let c = 0;
    let d = 0;
    const unstoragePut = await compare(
      () => cache.put(keyOf(c), valueFor(c++), {}),
      () => storage.setItem(flat(keyOf(d)).replaceAll('\u0000', '.'), valueFor(d++)),
      SAMPLES,
      50,
    );
    rows.push({
      bench: 'non-durable filesystem artifact put vs unstorage fs setItem (not atomic)',
      size: '1 KB value',
      ...unstoragePut,
      target: 1,
      sense: 'time',
    });
    let e = 0;
    let f = 0;
    const durablePut = await compare(
      () => durable.put(keyOf(e), valueFor(e++), {}),
      () => floorSaveNonDurable(floorFile, valueFor(f++)),
      SAMPLES,
      10,
    );
    rows.push({
      bench: 'durable filesystem artifact put vs write+rename (sync, no fsync)',
      size: '1 KB value',
      ...durablePut,
      sense: 'time',
    });

    // Reads: entries put above; the same bytes for the floor and unstorage.
    const reads = 200;
    for (let i = 0; i < reads; i++) {
      cache.put(keyOf(i), valueFor(i), {});
      await storage.setItem(`read.${i}`, valueFor(i));
    }
    floorSaveNonDurable(floorFile, valueFor(0));
    let r = 0;
    let s = 0;
    const floorGet = await compare(
      () => cache.get(keyOf(r++ % reads)),
      () => JSON.parse(readFileSync(floorFile, 'utf8')),
      SAMPLES,
      200,
    );
    rows.push({
      bench: 'filesystem artifact get (hit) vs readFileSync+JSON.parse',
      size: '1 KB value',
      ...floorGet,
      sense: 'speed',
    });
    const unstorageGet = await compare(
      () => cache.get(keyOf(r++ % reads)),
      () => storage.getItem(`read.${s++ % reads}`),
      SAMPLES,
      200,
    );
    rows.push({
      bench: 'filesystem artifact get (hit) vs unstorage fs getItem',
      size: '1 KB value',
      ...unstorageGet,
      target: 1,
      sense: 'speed',
    });
    const absent = keyOf(-1);
    const missGet = await compare(
      () => cache.get(absent),
      () => storage.getItem('absent'),
      SAMPLES,
      500,
    );
    rows.push({
      bench: 'filesystem artifact get (miss) vs unstorage fs getItem (missing)',
      size: '—',
      ...missGet,
      target: 1,
      sense: 'speed',
    });
  } finally {
    await cache.close();
    await durable.close();
    await storage.dispose();
  }
  return rows;
}
