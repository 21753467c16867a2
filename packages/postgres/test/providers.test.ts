import { emptyState, isOmegaError } from '@omega/core';
import { rejectionOf } from '@omega/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresProviders } from '../src/providers.js';
import { dropSchema, freshSchema, postgresUrl } from './server.js';

const schemas: string[] = [];
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

function providers(options: Partial<Parameters<typeof createPostgresProviders>[0]> = {}) {
  const schema = freshSchema();
  schemas.push(schema);
  return createPostgresProviders({ connectionString: postgresUrl(), schema, maxConnections: 4, ...options });
}

describe('createPostgresProviders', () => {
  it('puts every asynchronous family over one store, each usable, and closes them all with it', async () => {
    const omega = providers({
      governance: { budget: 'team', profile: { name: 'team', caps: [], budget: { tokens: 1_000 } } },
      security: {
        policy: {
          rules: [
            {
              id: 'read',
              effect: 'allow',
              principals: ['user'],
              actions: ['file.read'],
              resources: ['/srv/**'],
            },
          ],
        },
      },
    });
    await omega.state.saveState('s', emptyState());
    await omega.session.save('run', { state: emptyState(), meta: {} }, { expectedVersion: 0 });
    await omega.snapshot.save('c', { state: emptyState(), createdAt: 1, label: 'first' });
    const receipt = await omega.receipt.append({
      runId: 'run',
      kind: 'llm.call',
      request: { prompt: 'hi' },
      response: { text: 'hello' },
      model: 'm',
      usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
      startedAt: 1,
      finishedAt: 2,
    });
    omega.trace.record({ runId: 'run', kind: 'step' });
    await omega.trace.flush();
    await omega.stream.create('out');
    await omega.stream.append('out', 'token');
    const decision = await omega.security.authorize({
      principal: 'user:alice',
      action: 'file.read',
      resource: '/srv/a.csv',
    });
    await omega.governance.ready();
    expect(await omega.governance.consumeAsync('tokens', 10)).toBe(true);

    expect(receipt.seq).toBe(0);
    expect(decision.allowed).toBe(true);
    const kinds: string[] = [];
    for await (const event of omega.trace.query({ runId: 'run' })) kinds.push(event.kind);
    expect(kinds).toEqual(['step']);
    expect((await omega.session.info('run'))?.version).toBe(1);
    expect((await omega.stream.info('out'))?.chunks).toBe(1);
    // One schema holds them all.
    const { rows } = await omega.store.database.query<{ folder: string }>(
      'test',
      `SELECT DISTINCT folder FROM ${omega.store.database.schema}.documents ORDER BY folder`,
    );
    expect(rows.map((row) => row.folder)).toEqual(expect.arrayContaining(['sessions', 'snapshots']));

    await omega.close();
    await omega.close();
    await rejectionOf(omega.session.list(), 'CLOSED');
    await rejectionOf(omega.store.migrate(), 'CLOSED');
  });

  it('passes each family its options: one it refuses is its InvalidArgumentError, naming the option', () => {
    let error: unknown;
    try {
      providers({ stream: { idleTimeoutMs: -1 } as never });
    } catch (caught) {
      error = caught;
    }
    expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/idleTimeoutMs/);
  });

  it('gathers the failures of close in an AggregateError, closing every provider all the same', async () => {
    const omega = providers();
    const failure = new Error('session close failed');
    omega.session.close = async () => {
      throw failure;
    };
    const error = await omega.close().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([failure]);
    await rejectionOf(omega.receipt.list(), 'CLOSED');
    await rejectionOf(omega.store.migrate(), 'CLOSED');
  });
});
