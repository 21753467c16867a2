import type { LogBackend, LogSpec, Store } from '@omega/core';
import { ReceiptFront } from '@omega/receipt/front';
import { afterEach, describe, expect, it } from 'vitest';
import { storageFailure } from '../src/failures.js';
import { PostgresStore } from '../src/store.js';
import { receiptInput } from './fixtures/receipt-inputs.mjs';
import { freshStore, postgresUrl } from './server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * `store` whose receipt log loses its connection right after the first `lost` appends commit: each of them
 * is stored, and its caller gets the error of a dropped connection (outcome unknown), as when the server
 * or the network fails between COMMIT and its reply.
 */
function losingCommits(store: PostgresStore, lost: number): { store: Store; committed: () => number } {
  let committed = 0;
  const patched = new WeakSet<object>();
  // The port itself is patched (its methods use private fields, so a proxy or a prototype copy would not do).
  const losing = <H>(port: LogBackend<H>): LogBackend<H> => {
    if (patched.has(port)) return port;
    patched.add(port);
    const append = port.append.bind(port);
    port.append = async (...args) => {
      const first = await append(...args);
      committed++;
      if (committed <= lost)
        throw storageFailure('log append', new Error('Connection terminated unexpectedly'));
      return first;
    };
    return port;
  };
  return {
    store: {
      documents: (spec) => store.documents(spec),
      blobs: (spec) => store.blobs(spec),
      log: <H>(spec: LogSpec<H>) =>
        spec.folder === 'receipt-log' ? losing(store.log(spec)) : store.log(spec),
      close: () => store.close(),
    },
    committed: () => committed,
  };
}

describe('receipts on PostgreSQL: a COMMIT whose outcome is unknown', () => {
  it('is resolved on retry by the idempotency key: the same receipt, stored once', async () => {
    const { store, schema, remove } = await freshStore();
    cleanups.push(remove, () => store.close());
    const losing = losingCommits(store, 1);
    const front = new ReceiptFront(losing.store, {}, { provider: 'PostgresReceiptProvider' });
    cleanups.push(() => front.close());
    const input = { ...receiptInput('run-1', 3), idempotencyKey: 'call-3' };
    const failure = await front.append(input).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'STORAGE_FAILURE', details: { outcome: 'unknown' } });
    expect(losing.committed()).toBe(1);
    const retried = await front.append(input);
    expect(await front.append(input)).toEqual(retried);
    expect(await front.count()).toBe(1);
    expect((await front.list()).map((receipt) => receipt.hash)).toEqual([retried.hash]);
    expect(retried).toMatchObject({ seq: 0, idempotencyKey: 'call-3' });
    // Another process, on a store of its own over the schema, sees the one receipt too.
    const other = new PostgresStore({ connectionString: postgresUrl(), schema, maxConnections: 2 });
    const reader = new ReceiptFront(other, {}, { provider: 'PostgresReceiptProvider', ownsStore: true });
    cleanups.push(() => reader.close());
    expect(await reader.get(retried.hash)).toEqual(retried);
    expect(await reader.verify()).toMatchObject({ ok: true, size: 1 });
    // The next receipt follows it at seq 1: the lost acknowledgement left no gap and no double.
    expect((await front.append({ ...receiptInput('run-1', 4), idempotencyKey: 'call-4' })).seq).toBe(1);
    expect(losing.committed()).toBe(2);
  });
});
