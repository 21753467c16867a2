import { BLOB_CONTRACT_SPEC, describeBlobBackend, rejectionOf } from '@omega/core/testing';
import pg from 'pg';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { freshStore, portOnPostgres, postgresUrl, sql } from './server.js';

const contract = portOnPostgres((store) => store.blobs(BLOB_CONTRACT_SPEC));
describeBlobBackend(vitest, 'PostgresBlobs', contract.open, contract.options);

describe('PostgresBlobs', () => {
  it('verifies what it reads: bytes changed in the table are a CorruptDataError naming the blob', async () => {
    const { store, schema, remove } = await freshStore();
    try {
      const blobs = store.blobs(BLOB_CONTRACT_SPEC);
      const original = new TextEncoder().encode('the original');
      const digest = await blobs.put(original);
      const altered = Buffer.from(original);
      altered[0] = altered[0]! ^ 1;
      const where = `WHERE folder = $2 AND digest = $3`;
      const changed = await sql(`UPDATE "${schema}".blobs SET bytes = $1 ${where}`, [
        altered,
        BLOB_CONTRACT_SPEC.folder,
        digest,
      ]);
      expect(changed.rowCount).toBe(1);
      const error = await rejectionOf(() => blobs.get(digest), 'CORRUPT_DATA');
      expect(error.message).toContain(digest);
      expect(error.details).toMatchObject({
        kind: BLOB_CONTRACT_SPEC.kind,
        folder: BLOB_CONTRACT_SPEC.folder,
        digest,
        schema,
      });
      // has() does not read the bytes; a put of the same length keeps the row, so the damage stays visible.
      expect(await blobs.has(digest)).toBe(true);
      await blobs.put(original);
      await rejectionOf(() => blobs.get(digest), 'CORRUPT_DATA');
      // A row of another length cannot be these bytes: the next put replaces it.
      await sql(`UPDATE "${schema}".blobs SET bytes = $1 ${where}`, [
        Buffer.from('x'),
        BLOB_CONTRACT_SPEC.folder,
        digest,
      ]);
      await rejectionOf(() => blobs.get(digest), 'CORRUPT_DATA');
      await blobs.put(original);
      expect(Buffer.from((await blobs.get(digest))!).toString()).toBe('the original');
    } finally {
      await store.close();
      await remove();
    }
  });

  it('lists only digests: a row whose digest column was changed is a CorruptDataError', async () => {
    const { store, schema, remove } = await freshStore();
    try {
      const blobs = store.blobs(BLOB_CONTRACT_SPEC);
      const digest = await blobs.put(new TextEncoder().encode('listed'));
      await sql(`UPDATE "${schema}".blobs SET digest = upper(digest) WHERE folder = $1`, [
        BLOB_CONTRACT_SPEC.folder,
      ]);
      const error = await rejectionOf(() => blobs.digests(), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({
        folder: BLOB_CONTRACT_SPEC.folder,
        digest: digest.toUpperCase(),
      });
    } finally {
      await store.close();
      await remove();
    }
  });

  it('keeps folders apart: the same bytes in two folders are two blobs', async () => {
    const { store, remove } = await freshStore();
    try {
      const a = store.blobs({ kind: 'a blob', folder: 'a-blobs' });
      const b = store.blobs({ kind: 'b blob', folder: 'b-blobs' });
      const digest = await a.put(new TextEncoder().encode('shared'));
      expect(await b.has(digest)).toBe(false);
      expect(await b.digests()).toEqual([]);
      await b.put(new TextEncoder().encode('shared'));
      expect(await a.remove(digest)).toBe(true);
      expect(await b.has(digest)).toBe(true);
    } finally {
      await store.close();
      await remove();
    }
  });

  it('refuses a folder breaking the name rule, and calls after close', async () => {
    const { store, remove } = await freshStore();
    try {
      expect(() => store.blobs({ kind: 'blob', folder: '../x' })).toThrow(
        expect.objectContaining({ code: 'INVALID_NAME' }),
      );
      const blobs = store.blobs(BLOB_CONTRACT_SPEC);
      await store.close();
      await rejectionOf(() => blobs.put(new Uint8Array(1)), 'CLOSED');
    } finally {
      await store.close();
      await remove();
    }
  });

  it('reads the database clock: now() is the server clock_timestamp(), in whole milliseconds', async () => {
    const { store, remove } = await freshStore();
    try {
      const client = new pg.Client({ connectionString: postgresUrl() });
      await client.connect();
      const before = Number(
        (await client.query('SELECT floor(extract(epoch FROM clock_timestamp()) * 1000) AS ms')).rows[0].ms,
      );
      const now = await store.now();
      const after = Number(
        (await client.query('SELECT floor(extract(epoch FROM clock_timestamp()) * 1000) AS ms')).rows[0].ms,
      );
      await client.end();
      expect(Number.isSafeInteger(now)).toBe(true);
      expect(now).toBeGreaterThanOrEqual(before);
      expect(now).toBeLessThanOrEqual(after);
      await store.close();
      await rejectionOf(() => store.now(), 'CLOSED');
    } finally {
      await store.close();
      await remove();
    }
  });
});
