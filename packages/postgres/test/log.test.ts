import { isOmegaError, type LogBackend, logSpec, z } from '@omega/core';
import { type ContractEntryHeader, LOG_CONTRACT_SPEC } from '@omega/core/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { freshStore, postgresUrl, sql } from './server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store over a fresh schema, closed and dropped after the test. */
async function opened() {
  const fresh = await freshStore();
  cleanups.push(async () => {
    await fresh.store.close();
    await fresh.remove();
  });
  return fresh;
}

/** Whether `pending` has settled yet. */
function watch(pending: Promise<unknown>): () => boolean {
  let settled = false;
  const done = () => {
    settled = true;
  };
  pending.then(done, done);
  return () => settled;
}

const entry = (at: number, body = `"${at}"`) => ({ header: { at }, body });

describe('PostgresLog', () => {
  it('is not prevalidated, and stores bodies with U+0000 and lone surrogates exactly, as UTF-8 when they are well-formed', async () => {
    const { store, schema } = await opened();
    const log: LogBackend<ContractEntryHeader> = store.log(LOG_CONTRACT_SPEC);
    expect(log.prevalidated).toBe(false);
    const bodies = ['"\\u0000 nul escaped"', 'raw \u0000 nul', '\uD800', 'a\uDC00b\uD83D', '😀 \uDFFF', 'é☃'];
    await log.append(
      'exact',
      bodies.slice(0, 3).map((body, i) => entry(i, body)),
    );
    for (const [i, body] of bodies.slice(3).entries()) await log.append('exact', [entry(3 + i, body)]);
    const read = await log.read('exact');
    expect(read.map((e) => e.body)).toEqual(bodies);
    expect(read.map((e) => e.position)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await log.last('exact'))?.body).toBe(bodies[5]);
    const { rows } = await sql(
      `SELECT body, body_json FROM "${schema}".log_entries WHERE log = 'exact' ORDER BY position`,
    );
    expect(rows[1].body).toEqual(Buffer.from('raw \u0000 nul', 'utf8'));
    expect(rows[1].body_json).toBe(false);
    // A lone surrogate cannot be UTF-8: that body is stored as its JSON string, which escapes it.
    expect(rows[2].body).toEqual(Buffer.from('"\\ud800"', 'utf8'));
    expect(rows[2].body_json).toBe(true);
  });

  it('reads an entry whose header fails the schema as a CorruptDataError naming folder, log, position and path', async () => {
    const { store, schema } = await opened();
    const log = store.log(LOG_CONTRACT_SPEC);
    await log.append('bad', [entry(0), entry(1), entry(2)]);
    await sql(`UPDATE "${schema}".log_entries SET header = $1 WHERE log = 'bad' AND position = 1`, [
      Buffer.from('{"at":"one"}'),
    ]);
    for (const read of [() => log.read('bad'), () => log.read('bad', { from: 1, limit: 1 })]) {
      const error = await read().catch((failure: unknown) => failure);
      expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
      expect((error as { details: unknown }).details).toMatchObject({
        schema,
        folder: LOG_CONTRACT_SPEC.folder,
        name: 'bad',
        position: 1,
        path: 'header.at',
      });
    }
    expect((await log.read('bad', { limit: 1 }))[0]?.header).toEqual({ at: 0 });
    await sql(`UPDATE "${schema}".log_entries SET header = $1 WHERE log = 'bad' AND position = 2`, [
      Buffer.from([0xff, 0xfe]),
    ]);
    await expect(log.last('bad')).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
      details: { name: 'bad', position: 2, path: 'header' },
    });
  });

  it('reads an entry of a newer format version, or a missing entry, as a CorruptDataError', async () => {
    const { store, schema } = await opened();
    const log = store.log(LOG_CONTRACT_SPEC);
    await log.append('v', [entry(0), entry(1), entry(2)]);
    await sql(`UPDATE "${schema}".log_entries SET format_version = 3 WHERE log = 'v' AND position = 0`);
    await expect(log.read('v')).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
      details: { name: 'v', position: 0, path: 'format_version' },
    });
    await sql(`DELETE FROM "${schema}".log_entries WHERE log = 'v' AND position = 1`);
    await expect(log.read('v', { from: 1 })).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
      details: { position: 1 },
    });
    await sql(`DELETE FROM "${schema}".log_entries WHERE log = 'v' AND position = 2`);
    await expect(log.last('v')).rejects.toMatchObject({ code: 'CORRUPT_DATA', details: { position: 2 } });
  });

  it('parses headers with the spec schema: what it transforms comes back transformed', async () => {
    const { store } = await opened();
    const spec = logSpec({
      kind: 'stamp',
      folder: 'stamps',
      header: z.object({ at: z.string().transform(Number) }),
    });
    const log = store.log(spec);
    await log.append('s', [{ header: { at: '7' } as unknown as { at: number }, body: '"x"' }]);
    expect((await log.read('s'))[0]?.header).toEqual({ at: 7 });
  });

  it('an append to one store wakes a wait on another store over the same schema', async () => {
    const { store, schema } = await opened();
    const other = new PostgresStore({ connectionString: postgresUrl(), schema, maxConnections: 2 });
    cleanups.push(() => other.close());
    const waiting = other.log(LOG_CONTRACT_SPEC).wait('x', 0);
    await store.log(LOG_CONTRACT_SPEC).append('x', [entry(0), entry(1)]);
    expect(await waiting).toBe(2);
  });

  it('a wait survives its listening connection being terminated, and is woken by the next append', async () => {
    const { store, schema } = await opened();
    const log = store.log(LOG_CONTRACT_SPEC);
    // The first wait makes the listening connection.
    const first = log.wait('t', 0);
    await log.append('t', [entry(0)]);
    expect(await first).toBe(1);
    const listener = `LISTEN "omega:${schema}"`;
    const { rows } = await sql('SELECT pid FROM pg_stat_activity WHERE query = $1', [listener]);
    expect(rows).toHaveLength(1);
    const pending = log.wait('t', 1);
    await sql('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await log.append('t', [entry(1)]);
    expect(await pending).toBe(2);
    // It listens again on a new connection: the next wait is woken by a hint.
    const again = log.wait('t', 2);
    await log.append('t', [entry(2)]);
    expect(await again).toBe(3);
    const after = await sql('SELECT pid FROM pg_stat_activity WHERE query = $1', [listener]);
    expect(after.rows.map((row) => row.pid)).not.toContain(rows[0].pid);
  });

  it('a wait is woken by its slow poll when no notification comes (a writer that does not notify)', async () => {
    // One connection: the store's statements run in the order they were made.
    const fresh = await freshStore({ maxConnections: 1 });
    cleanups.push(async () => {
      await fresh.store.close();
      await fresh.remove();
    });
    const log = fresh.store.log(LOG_CONTRACT_SPEC);
    // A first wait, woken by a notified append, makes the listening connection.
    const first = log.wait('loud', 0);
    await log.append('loud', [entry(0)]);
    expect(await first).toBe(1);
    const writer = new pg.Client({ connectionString: postgresUrl() });
    await writer.connect();
    cleanups.push(() => writer.end());
    // Written as an append would be, without its pg_notify, and not committed yet.
    await writer.query('BEGIN');
    await writer.query(
      `WITH size AS (INSERT INTO "${fresh.schema}".logs (folder, log, size) VALUES ($1, 'quiet', 1))
       INSERT INTO "${fresh.schema}".log_entries (folder, log, position, format_version, header, body, body_json)
       VALUES ($1, 'quiet', 0, 2, $2, $3, false)`,
      [LOG_CONTRACT_SPEC.folder, Buffer.from('{"at":0}'), Buffer.from('"0"')],
    );
    const waiting = log.wait('quiet', 0);
    const settled = watch(waiting);
    // Queued after the wait's first read and its read once listening: both found the log empty.
    expect(await log.size('quiet')).toBe(0);
    expect(await log.size('quiet')).toBe(0);
    expect(settled()).toBe(false);
    await writer.query('COMMIT');
    expect(await waiting).toBe(1);
    expect(await log.read('quiet')).toEqual([
      { position: 0, formatVersion: 2, header: { at: 0 }, body: '"0"' },
    ]);
  });

  it('closing the store rejects pending waits with ClosedError and ends its listening connection', async () => {
    const { store, schema } = await opened();
    const log = store.log(LOG_CONTRACT_SPEC);
    const woken = log.wait('c', 0);
    await log.append('c', [entry(0)]);
    expect(await woken).toBe(1);
    const pending = log.wait('c', 5).catch((error: unknown) => error);
    await store.close();
    expect(await pending).toMatchObject({ code: 'CLOSED', details: { method: 'wait' } });
    const { rows } = await sql('SELECT pid FROM pg_stat_activity WHERE query = $1', [
      `LISTEN "omega:${schema}"`,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('a conditional append to a log dropped meanwhile is a conflict and creates nothing', async () => {
    const { store } = await opened();
    const log = store.log(LOG_CONTRACT_SPEC);
    await log.append('d', [entry(0), entry(1)]);
    await log.drop('d');
    await expect(log.append('d', [entry(2)], { expectedSize: 2 })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { expectedSize: 2, actualSize: 0 },
    });
    expect(await log.logs()).toEqual([]);
  });
});
