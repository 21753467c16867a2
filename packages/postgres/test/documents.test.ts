import { DOCUMENT_CONTRACT_SPEC, describeDocumentBackend } from '@omega/core/testing';
import * as vitest from 'vitest';
import { PostgresStore } from '../src/store.js';
import { freshStore, postgresUrl } from './server.js';

type Port = ReturnType<PostgresStore['documents']>;

// The schema of each port under test, so `reopen` opens a second store over the same data.
const schemas = new WeakMap<object, { schema: string; others: PostgresStore[] }>();

describeDocumentBackend(
  vitest,
  'PostgresStore.documents',
  async () => {
    const { store, schema, remove } = await freshStore();
    const port = store.documents(DOCUMENT_CONTRACT_SPEC);
    const others: PostgresStore[] = [];
    schemas.set(port, { schema, others });
    const cleanup = async () => {
      for (const other of others) await other.close();
      await store.close();
      await remove();
    };
    return { port, cleanup };
  },
  {
    reopen: async (port: Port) => {
      const { schema, others } = schemas.get(port)!;
      const other = new PostgresStore({ connectionString: postgresUrl(), schema, maxConnections: 2 });
      others.push(other);
      const reopened = other.documents(DOCUMENT_CONTRACT_SPEC);
      schemas.set(reopened, { schema, others });
      return reopened;
    },
  },
);
