import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode, encode } from '@omega/core';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { MemorySessionProvider } from '@omega/session/memory';
import { floorLoad, floorSave } from './baselines.js';
import { blobOperations } from './blobs.js';
import { sessionOfSize } from './data.js';
import { logOperations } from './log.js';
import { compare } from './measure.js';
import { type Row, writeReport } from './report.js';
import { smallOperations } from './small.js';
import { syscallsPerSave } from './syscalls.js';

// Small operations are timed in batches, so timer resolution and scheduling noise do not dominate.
const SIZES = [
  { label: '1 KB', bytes: 1024, samples: 15, batch: 200 },
  { label: '1 MB', bytes: 1024 * 1024, samples: 9, batch: 1 },
  { label: '10 MB', bytes: 10 * 1024 * 1024, samples: 5, batch: 1 },
];

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'omega-bench-'));
  const filesystem = new FilesystemSessionProvider({ root });
  const memory = new MemorySessionProvider();
  const rows: Row[] = [];
  try {
    rows.push(...(await smallOperations(path.join(root, 'small'))));
    rows.push(...(await logOperations(path.join(root, 'logs'))));
    rows.push(...(await blobOperations(path.join(root, 'blobs'))));
    for (const size of SIZES) {
      const data = sessionOfSize(size.bytes);
      const floorFile = path.join(root, `floor-${size.bytes}.json`);
      const name = `bench-${size.bytes}`;
      const text = JSON.stringify(data);
      const row = async (
        bench: string,
        pair: [() => unknown, () => unknown],
        target: number,
        sense: Row['sense'],
      ) => {
        rows.push({
          bench,
          size: size.label,
          ...(await compare(...pair, size.samples, size.batch)),
          target,
          sense,
        });
      };

      // The 1 KB filesystem rows are smallOperations'.
      if (size.bytes > 1024) {
        await row(
          'durable session save vs write+fsync+rename+dir fsync (sync)',
          [() => filesystem.save(name, data), () => floorSave(floorFile, data)],
          1.3,
          'time',
        );
        await writeFile(floorFile, text);
        await row(
          'session load vs readFileSync+JSON.parse',
          [() => filesystem.load(name), () => floorLoad(floorFile)],
          0.8,
          'speed',
        );
      }
      await row(
        'memory session save vs JSON.stringify',
        [() => memory.save(name, data), () => JSON.stringify(data)],
        0.8,
        'speed',
      );
      await row(
        'memory session load vs JSON.parse',
        [() => memory.load(name), () => JSON.parse(text)],
        0.8,
        'speed',
      );
      const encoded = encode(data);
      await row(
        'serde encode vs JSON.stringify (JSON-only data)',
        [() => encode(data), () => JSON.stringify(data)],
        0.8,
        'speed',
      );
      await row(
        'serde decode vs JSON.parse (JSON-only data)',
        [() => decode(encoded), () => JSON.parse(text)],
        0.8,
        'speed',
      );
    }
  } finally {
    await filesystem.close();
    await memory.close();
    await rm(root, { recursive: true, force: true });
  }
  await writeReport(rows, await syscallsPerSave());
}

await main();
