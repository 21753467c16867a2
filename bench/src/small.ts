import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import writeFileAtomic from 'write-file-atomic';
import { floorList, floorLoad, floorSave, floorSaveNonDurable } from './baselines.js';
import { sessionOfSize } from './data.js';
import { compare } from './measure.js';
import type { Row } from './report.js';

const SAMPLES = 15;
const BATCH = 20;
const LIST_SIZE = 10_000;

/**
 * The fixed cost of a small operation: 1 KB saves and loads against synchronous floors and against
 * peers (unstorage's fs driver, write-file-atomic), and list() of 10,000 sessions against readdir + stat.
 */
export async function smallOperations(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const data = sessionOfSize(1024);
  const durable = new FilesystemSessionProvider({ root: path.join(root, 'durable') });
  const fast = new FilesystemSessionProvider({ root: path.join(root, 'non-durable'), durable: false });
  const storage = createStorage({ driver: fsDriver({ base: path.join(root, 'unstorage') }) });
  const floors = path.join(root, 'floors');
  await mkdir(floors, { recursive: true });
  const floorFile = path.join(floors, 'small.json');
  const peerFile = path.join(floors, 'write-file-atomic.json');
  try {
    const save = await compare(
      () => durable.save('small', data),
      () => floorSave(floorFile, data),
      SAMPLES,
      BATCH,
    );
    rows.push({
      bench: 'durable session save vs write+fsync+rename+dir fsync (sync)',
      size: '1 KB',
      ...save,
      target: 1.6,
      sense: 'time',
    });
    const peer = await compare(
      () => writeFileAtomic(peerFile, JSON.stringify(data)),
      () => floorSave(floorFile, data),
      SAMPLES,
      BATCH,
    );
    rows.push({
      bench: 'write-file-atomic (fsync) vs the same floor, for reference',
      size: '1 KB',
      ...peer,
      sense: 'time',
    });

    const nonDurable = await compare(
      () => fast.save('small', data),
      () => floorSaveNonDurable(floorFile, data),
      SAMPLES,
      BATCH,
    );
    rows.push({
      bench: 'non-durable session save vs write+rename (sync)',
      size: '1 KB',
      ...nonDurable,
      target: 2,
      sense: 'time',
    });
    const unstorage = await compare(
      () => fast.save('small', data),
      () => storage.setItem('small', data),
      SAMPLES,
      BATCH,
    );
    rows.push({
      bench: 'non-durable session save vs unstorage fs setItem (not atomic)',
      size: '1 KB',
      ...unstorage,
      target: 1,
      sense: 'time',
    });

    await writeFile(floorFile, JSON.stringify(data));
    const load = await compare(
      () => fast.load('small'),
      () => floorLoad(floorFile),
      SAMPLES,
      BATCH * 10,
    );
    rows.push({
      bench: 'session load vs readFileSync+JSON.parse',
      size: '1 KB',
      ...load,
      target: 0.8,
      sense: 'speed',
    });

    for (let i = 0; i < LIST_SIZE; i++) await fast.save(`s${String(i).padStart(5, '0')}`, data);
    const sessions = path.join(root, 'non-durable', 'sessions');
    const list = await compare(
      () => fast.list(),
      () => floorList(sessions),
      3,
      1,
    );
    rows.push({
      bench: `list() of ${LIST_SIZE} sessions vs readdirSync+statSync`,
      size: '1 KB each',
      ...list,
      target: 2,
      sense: 'time',
    });
  } finally {
    await durable.close();
    await fast.close();
    await storage.dispose();
  }
  return rows;
}
