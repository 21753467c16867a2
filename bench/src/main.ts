import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode, encode } from '@omega/core';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { MemorySessionProvider } from '@omega/session/memory';
import { artifactOperations } from './artifact.js';
import { floorLoad, floorSave, floorSaveNonDurable } from './baselines.js';
import { blobOperations } from './blobs.js';
import { proseSessionOfSize, sessionOfSize } from './data.js';
import { effectOperations } from './effects.js';
import { governanceOperations } from './governance.js';
import { logOperations } from './log.js';
import { logicOperations } from './logic.js';
import { compare } from './measure.js';
import { postgresBudgetOperations } from './postgres-budget.js';
import { postgresReceiptOperations } from './postgres-receipts.js';
import { postgresSessionOperations } from './postgres-sessions.js';
import { provenanceOperations } from './provenance.js';
import { receiptOperations } from './receipts.js';
import { type Row, writeReport } from './report.js';
import { runtimeOperations } from './runtime.js';
import { securityOperations } from './security.js';
import { smallOperations } from './small.js';
import { streamOperations } from './stream.js';
import { syscallsPerSave } from './syscalls.js';
import { traceOperations } from './trace.js';

// Small operations are timed in batches, so timer resolution and scheduling noise do not dominate.
const SIZES = [
  { label: '1 KB', bytes: 1024, samples: 15, batch: 200 },
  { label: '100 KB', bytes: 100 * 1024, samples: 9, batch: 10 },
  { label: '1 MB', bytes: 1024 * 1024, samples: 9, batch: 1 },
  { label: '10 MB', bytes: 10 * 1024 * 1024, samples: 5, batch: 1 },
];
// encode and decode are measured on both shapes at these sizes (the issue's); the others at every size.
const SHAPE_SIZES = new Set(['1 KB', '1 MB', '10 MB']);

// `pnpm bench values` (or small, log, blob, receipt, effects, governance, artifact, logic, stream, trace,
// security, provenance, runtime, postgres-sessions, postgres-receipts, postgres-budget) runs only those
// sections;
// no argument runs them all.
const sections = process.argv.slice(2);
const runs = (section: string) => sections.length === 0 || sections.includes(section);

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'omega-bench-'));
  const filesystem = new FilesystemSessionProvider({ root: path.join(root, 'durable') });
  const fast = new FilesystemSessionProvider({ root: path.join(root, 'non-durable'), durable: false });
  const memory = new MemorySessionProvider();
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    if (runs('small')) rows.push(...(await smallOperations(path.join(root, 'small'))));
    if (runs('log')) rows.push(...(await logOperations(path.join(root, 'logs'))));
    if (runs('blob')) rows.push(...(await blobOperations(path.join(root, 'blobs'))));
    if (runs('receipt')) rows.push(...(await receiptOperations(path.join(root, 'receipts'))));
    if (runs('provenance')) rows.push(...(await provenanceOperations(path.join(root, 'provenance'))));
    if (runs('effects')) rows.push(...(await effectOperations(root)));
    if (runs('governance')) rows.push(...(await governanceOperations(path.join(root, 'governance'))));
    if (runs('artifact')) rows.push(...(await artifactOperations(path.join(root, 'artifact'))));
    if (runs('logic')) rows.push(...(await logicOperations()));
    if (runs('stream')) {
      const stream = await streamOperations(path.join(root, 'streams'));
      rows.push(...stream.rows);
      notes.push(...stream.notes);
    }
    if (runs('trace')) rows.push(...(await traceOperations(path.join(root, 'trace'))));
    if (runs('security')) rows.push(...(await securityOperations(path.join(root, 'security'))));
    if (runs('runtime')) rows.push(...(await runtimeOperations(path.join(root, 'runtime'))));
    if (runs('postgres-sessions')) rows.push(...(await postgresSessionOperations()));
    if (runs('postgres-receipts')) rows.push(...(await postgresReceiptOperations()));
    if (runs('postgres-budget')) {
      const budget = await postgresBudgetOperations();
      rows.push(...budget.rows);
      notes.push(...budget.notes);
    }
    for (const size of runs('values') ? SIZES : []) {
      const data = sessionOfSize(size.bytes);
      const prose = proseSessionOfSize(size.bytes);
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
        await row(
          'non-durable session save vs write+rename (sync)',
          [() => fast.save(name, data), () => floorSaveNonDurable(floorFile, data)],
          1.3,
          'time',
        );
        await writeFile(floorFile, text);
        await row(
          'session load vs readFileSync+JSON.parse',
          [() => fast.load(name), () => floorLoad(floorFile)],
          1.15,
          'time',
        );
      }
      await memory.save(name, data);
      await row(
        'memory session save + load vs JSON.parse(JSON.stringify(v))',
        [
          async () => {
            await memory.save(name, data);
            return memory.load(name);
          },
          () => JSON.parse(JSON.stringify(data)),
        ],
        0.8,
        'speed',
      );
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
      if (!SHAPE_SIZES.has(size.label)) continue;
      for (const [shape, value] of [
        ['small records', data],
        ['a few long strings', prose],
      ] as const) {
        const encoded = encode(value);
        const json = JSON.stringify(value);
        await row(
          `serde encode vs JSON.stringify (${shape})`,
          [() => encode(value), () => JSON.stringify(value)],
          0.8,
          'speed',
        );
        await row(
          `serde decode vs JSON.parse (${shape})`,
          [() => decode(encoded), () => JSON.parse(json)],
          0.8,
          'speed',
        );
      }
    }
  } finally {
    await filesystem.close();
    await fast.close();
    await memory.close();
    await rm(root, { recursive: true, force: true });
  }
  await writeReport(rows, [...notes, ...(runs('small') ? await syscallsPerSave() : [])]);
}

await main();
