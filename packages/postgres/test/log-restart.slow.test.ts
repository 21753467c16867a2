import { LOG_CONTRACT_SPEC } from '@omega/core/testing';
import { startPostgres } from '@omega/test-kit';
import { afterEach, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const entry = (at: number) => ({ header: { at }, body: `"${at}"` });

it('waits pending while the server restarts resolve after it: the listening connection comes back, nothing appended is lost', async () => {
  const server = await startPostgres();
  cleanups.push(() => server.stop());
  const writerStore = new PostgresStore({ connectionString: server.connectionString, schema: 'logs' });
  cleanups.push(() => writerStore.close());
  const readerStore = new PostgresStore({ connectionString: server.connectionString, schema: 'logs' });
  cleanups.push(() => readerStore.close());
  const writer = writerStore.log(LOG_CONTRACT_SPEC);
  const reader = readerStore.log(LOG_CONTRACT_SPEC);

  await writer.append('r', [entry(0), entry(1)]);
  // A wait met by a notification first, so the reader's listening connection is up before the restart.
  const before = reader.wait('r', 2);
  await writer.append('r', [entry(2)]);
  expect(await before).toBe(3);

  const waits = [reader.wait('r', 3), reader.wait('r', 4), reader.wait('other', 0)];
  await server.restart();
  // The writer's pool may hand out a connection the restart killed: that append fails typed, outcome unknown.
  const appended = await writer.append('r', [entry(3)]).catch((error: unknown) => error);
  if (typeof appended !== 'number') {
    expect(appended).toMatchObject({ code: 'STORAGE_FAILURE' });
    expect(await writer.size('r')).toBeLessThanOrEqual(4);
    if ((await writer.size('r')) === 3) await writer.append('r', [entry(3)], { expectedSize: 3 });
  }
  await writer.append('r', [entry(4)], { expectedSize: 4 });
  await writer.append('other', [entry(0)]);
  expect(await Promise.all(waits)).toEqual([5, 5, 1]);
  expect((await reader.read('r')).map((e) => e.header.at)).toEqual([0, 1, 2, 3, 4]);
}, 120_000);
