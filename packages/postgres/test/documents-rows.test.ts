import { emptyState, type StoredHeader, z } from '@omega/core';
import { DOCUMENT_CONTRACT_SPEC, gate, rejectionOf } from '@omega/core/testing';
import { SessionFront } from '@omega/session/front';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { dropSchema, freshStore, postgresUrl, sql } from './server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function opened(options: { lockLeaseMs?: number; lockWaitMs?: number } = {}) {
  const { store, schema, remove } = await freshStore(options);
  cleanups.push(remove, () => store.close());
  return { store, schema, documents: store.documents(DOCUMENT_CONTRACT_SPEC) };
}

function second(schema: string, options: { lockLeaseMs?: number } = {}) {
  const store = new PostgresStore({ connectionString: postgresUrl(), schema, maxConnections: 2, ...options });
  cleanups.push(() => store.close());
  return store;
}

const bump = (current: StoredHeader<{ updatedAt: number }> | null) => {
  const updatedAt = (current?.header.updatedAt ?? 0) + 1;
  return { header: { updatedAt }, body: String(updatedAt) };
};

describe('PostgresStore documents: what is read back is checked', () => {
  const damages = [
    { set: `header = convert_to('{"updatedAt":', 'UTF8')`, path: 'header', reason: /not JSON/ },
    { set: `header = convert_to('{"updatedAt":"x"}', 'UTF8')`, path: 'header.updatedAt', reason: /number/ },
    { set: 'format_version = 7', path: 'format_version', reason: /newest this reader knows/ },
    { set: `header = '\\xff'::bytea`, path: 'header', reason: /UTF-8/ },
    { set: `body = '\\xc328'::bytea`, path: 'body', reason: /UTF-8/ },
  ];
  for (const { set, path, reason } of damages) {
    it(`a row whose ${path} was damaged is a CorruptDataError naming the row and ${path}`, async () => {
      const { schema, documents } = await opened();
      await documents.write('d', { updatedAt: 1 }, '"body"');
      await sql(`UPDATE "${schema}".documents SET ${set} WHERE name = 'd'`);
      const reads = path === 'body' ? [documents.read('d')] : [documents.read('d'), documents.headers()];
      for (const read of reads) {
        const error = await rejectionOf(read, 'CORRUPT_DATA');
        expect(error.details).toMatchObject({ table: 'documents', folder: 'contract-docs', name: 'd', path });
        expect(error.message).toMatch(reason);
      }
    });
  }

  it('stores header and body as bytea, and gives back exactly the text written', async () => {
    const { schema, documents } = await opened();
    const body = JSON.stringify({ text: 'nul \u0000, astral 𝄞, bidi \u202e, CRLF\r\n' });
    await documents.write('t', { updatedAt: 1 }, body);
    expect((await documents.read('t'))?.body).toBe(body);
    expect((await documents.readHeader('t'))?.bodyBytes).toBe(Buffer.byteLength(body));
    const { rows: types } = await sql(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'documents' AND column_name IN ('header', 'body') ORDER BY 1`,
      [schema],
    );
    expect(types).toEqual([
      { column_name: 'body', data_type: 'bytea' },
      { column_name: 'header', data_type: 'bytea' },
    ]);
  });
});

describe('PostgresStore documents: update is a compare-and-swap', () => {
  it('two stores updating one name in turn, each remembering an older header, lose no update', async () => {
    const { schema, documents } = await opened();
    const other = second(schema).documents(DOCUMENT_CONTRACT_SPEC);
    for (let i = 0; i < 20; i++) await (i % 2 === 0 ? documents : other).update('n', bump);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? documents : other).update('n', bump)),
    );
    expect((await documents.readHeader('n'))?.header.updatedAt).toBe(50);
  });

  it('a header remembered from before another store wrote never fails a save by itself', async () => {
    const { store, schema } = await opened();
    const sessions = new SessionFront(store);
    const others = new SessionFront(second(schema));
    const data = { state: emptyState(), meta: { tag: 'x' } };
    await sessions.save('s', data);
    await others.save('s', data, { expectedVersion: 1 });
    // This store remembers version 1; the stored one is 2, which is what the caller expects.
    await sessions.save('s', data, { expectedVersion: 2 });
    expect((await others.list()).map((info) => info.version)).toEqual([3]);
    await rejectionOf(sessions.save('s', data, { expectedVersion: 2 }), 'CONFLICT');
  });

  it('update waits for a holder of the lock in another store, then lands after its write', async () => {
    const { schema, documents } = await opened();
    const other = second(schema).documents(DOCUMENT_CONTRACT_SPEC);
    const holdingGate = gate();
    const insideGate = gate();
    const held = other.withLock('n', async (fence) => {
      insideGate.open();
      await holdingGate.opened;
      await other.write('n', { updatedAt: 10 }, '10', { fence });
    });
    await insideGate.opened;
    const updated = documents.update('n', bump);
    holdingGate.open();
    await Promise.all([held, updated]);
    expect((await documents.read('n'))?.body).toBe('11');
  });
});

describe('PostgresStore documents: a fenced write is one statement', () => {
  it('creates a document absent when the lock was taken, then replaces it, and is refused once another writer removed it', async () => {
    const { schema, documents } = await opened();
    const other = second(schema).documents(DOCUMENT_CONTRACT_SPEC);
    await documents.withLock('f', async (fence) => {
      await documents.write('f', { updatedAt: 1 }, '1', { fence });
      await documents.write('f', { updatedAt: 2 }, '2', { fence });
      expect((await other.read('f'))?.body).toBe('2');
      expect(await other.remove('f')).toBe(true);
      const refused = await rejectionOf(documents.write('f', { updatedAt: 3 }, '3', { fence }), 'CONFLICT');
      expect(refused.details).toMatchObject({ reason: 'fenced', name: 'f' });
    });
    expect(await documents.read('f')).toBeNull();
    const stale = await rejectionOf(documents.write('f', { updatedAt: 4 }, '4', { fence: 1 }), 'CONFLICT');
    expect(stale.details).toMatchObject({ reason: 'not held' });
  });
});

describe('PostgresStore documents: locks across stores', () => {
  it('a holder stalled past its lease is taken over, and its later fenced write is refused', async () => {
    // A lease long enough that no renewal runs during the test: expiring it by hand is the stall.
    const { schema, documents } = await opened({ lockLeaseMs: 600_000 });
    const other = second(schema).documents(DOCUMENT_CONTRACT_SPEC);
    await documents.write('n', { updatedAt: 0 }, '0');
    let stalledFence = 0;
    const resumedGate = gate();
    const insideGate = gate();
    // A holder whose renewals stop (its lease is taken over as if it stalled), then tries to write.
    const stalled = documents.withLock('n', async (fence) => {
      stalledFence = fence;
      insideGate.open();
      await resumedGate.opened;
      return rejectionOf(documents.write('n', { updatedAt: 1 }, 'stale', { fence }), 'CONFLICT');
    });
    await insideGate.opened;
    await sql(`UPDATE "${schema}".document_locks SET expires_at = clock_timestamp() - interval '1 second'`);
    const takenOver = await other.withLock('n', async (fence) => {
      await other.write('n', { updatedAt: 2 }, 'new', { fence });
      return fence;
    });
    expect(takenOver).toBeGreaterThan(stalledFence);
    resumedGate.open();
    const refused = await stalled;
    expect(refused.details).toMatchObject({ reason: 'not held', name: 'n' });
    expect((await documents.read('n'))?.body).toBe('new');
  });

  it('waiting longer than lockWaitMs for a held lock is a ConflictError saying so', async () => {
    const { schema } = await opened();
    const waiter = second(schema, { lockWaitMs: 1 } as never);
    const blocker = second(schema);
    const holdingGate = gate();
    const insideGate = gate();
    const held = blocker.documents(DOCUMENT_CONTRACT_SPEC).withLock('n', async () => {
      insideGate.open();
      await holdingGate.opened;
    });
    await insideGate.opened;
    const error = await rejectionOf(
      waiter.documents(DOCUMENT_CONTRACT_SPEC).withLock('n', async () => 1),
      'CONFLICT',
    );
    expect(error.details).toMatchObject({ reason: 'lock timeout', name: 'n' });
    holdingGate.open();
    await held;
  });
});

describe('PostgresStore documents: headers are validated by the spec they were read with', () => {
  it('a second spec over the same folder with a stricter header schema refuses the stored rows', async () => {
    const { schema, documents } = await opened();
    await documents.write('a', { updatedAt: 1 }, '1');
    const strict = second(schema).documents({
      ...DOCUMENT_CONTRACT_SPEC,
      header: z.object({ updatedAt: z.number(), extra: z.string() }),
    });
    const error = await rejectionOf(strict.readHeader('a'), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ path: 'header.extra' });
  });
});

it('dropSchema of a schema never made is harmless', async () => {
  await dropSchema('t_never_made');
});
