import type { LogBackend } from '@omega/core';
import { type ContractEntryHeader, describeLogBackend, LOG_CONTRACT_SPEC } from '@omega/core/testing';
import * as vitest from 'vitest';
import { PostgresStore } from '../src/store.js';
import { freshStore, postgresUrl } from './server.js';

type Port = LogBackend<ContractEntryHeader>;

// The stores behind each test's ports, by port: `reopen` makes a second store on the first one's schema.
const schemas = new WeakMap<Port, { schema: string; stores: PostgresStore[] }>();

describeLogBackend(
  vitest,
  'PostgresStore.log',
  async () => {
    const { store, schema, remove } = await freshStore();
    const port = store.log(LOG_CONTRACT_SPEC);
    const stores = [store];
    schemas.set(port, { schema, stores });
    return {
      port,
      cleanup: async () => {
        for (const opened of stores) await opened.close();
        await remove();
      },
    };
  },
  {
    reopen: async (port) => {
      const opened = schemas.get(port);
      if (opened === undefined) throw new Error('reopen of a port this test did not open');
      const store = new PostgresStore({
        connectionString: postgresUrl(),
        schema: opened.schema,
        maxConnections: 4,
      });
      opened.stores.push(store);
      const again = store.log(LOG_CONTRACT_SPEC);
      schemas.set(again, opened);
      return again;
    },
    timeoutMs: 30_000,
  },
);
