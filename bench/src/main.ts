import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode, encode } from '@omega/core';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { MemorySessionProvider } from '@omega/session/memory';
import { floorLoad, floorSave } from './baselines.js';
import { sessionOfSize } from './data.js';
import { compare } from './measure.js';
import { type Row, writeReport } from './report.js';

// Small operations are timed in batches, so timer resolution and scheduling noise do not dominate.
const SIZES = [
  { label: '1 KB', bytes: 1024, samples: 15, batch: 200, ioBatch: 20 },
  { label: '1 MB', bytes: 1024 * 1024, samples: 9, batch: 1, ioBatch: 1 },
  { label: '10 MB', bytes: 10 * 1024 * 1024, samples: 5, batch: 1, ioBatch: 1 },
];

async function main(): Promise<void> {
  const rows: Row[] = [];
  const root = await mkdtemp(path.join(tmpdir(), 'omega-bench-'));
  const filesystem = new FilesystemSessionProvider({ root });
  const memory = new MemorySessionProvider();
  try {
    for (const size of SIZES) {
      const data = sessionOfSize(size.bytes);
      const floorFile = path.join(root, `floor-${size.bytes}.json`);
      const name = `bench-${size.bytes}`;
      const text = JSON.stringify(data);

      const save = await compare(
        () => filesystem.save(name, data),
        () => floorSave(floorFile, data),
        size.samples,
        size.ioBatch,
      );
      rows.push({
        bench: 'filesystem session save vs stringify+write+fsync+rename+dir fsync',
        size: size.label,
        ...save,
        target: size.bytes < 1024 * 1024 ? 1.6 : 1.3,
        sense: 'time',
      });

      await writeFile(floorFile, text);
      const load = await compare(
        () => filesystem.load(name),
        () => floorLoad(floorFile),
        size.samples,
        size.batch,
      );
      rows.push({
        bench: 'filesystem session load vs readFileSync+JSON.parse',
        size: size.label,
        ...load,
        target: 1.2,
        sense: 'time',
      });

      const memSave = await compare(
        () => memory.save(name, data),
        () => JSON.stringify(data),
        size.samples,
        size.batch,
      );
      rows.push({
        bench: 'memory session save vs JSON.stringify',
        size: size.label,
        ...memSave,
        target: 0.8,
        sense: 'speed',
      });
      const memLoad = await compare(
        () => memory.load(name),
        () => JSON.parse(text),
        size.samples,
        size.batch,
      );
      rows.push({
        bench: 'memory session load vs JSON.parse',
        size: size.label,
        ...memLoad,
        target: 0.8,
        sense: 'speed',
      });

      const encoded = encode(data);
      const enc = await compare(
        () => encode(data),
        () => JSON.stringify(data),
        size.samples,
        size.batch,
      );
      rows.push({
        bench: 'serde encode vs JSON.stringify (JSON-only data)',
        size: size.label,
        ...enc,
        target: 0.8,
        sense: 'speed',
      });
      const dec = await compare(
        () => decode(encoded),
        () => JSON.parse(text),
        size.samples,
        size.batch,
      );
      rows.push({
        bench: 'serde decode vs JSON.parse (JSON-only data)',
        size: size.label,
        ...dec,
        target: 0.8,
        sense: 'speed',
      });
    }
  } finally {
    await filesystem.close();
    await memory.close();
    await rm(root, { recursive: true, force: true });
  }
  await writeReport(rows);
}

await main();
