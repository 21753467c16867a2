import { PostgresStore } from '../src/store.js';
import { freshStore, postgresUrl } from './server.js';

/**
 * What a family's conformance suite needs to run a front on PostgreSQL: a factory of providers each over
 * a fresh schema (dropped by its cleanup), and `reopen`, another provider over a second store on the same
 * schema. `make` builds the front over a store it owns (closing the provider closes the store).
 */
export function onPostgres<P extends object>(make: (store: PostgresStore) => P) {
  const schemas = new WeakMap<object, string>();
  return {
    factory: async () => {
      const { store, schema, remove } = await freshStore();
      const provider = make(store);
      schemas.set(provider, schema);
      return { provider, cleanup: remove };
    },
    reopen: async (provider: P) => {
      const schema = schemas.get(provider);
      if (schema === undefined) throw new Error('reopen() of a provider onPostgres did not make');
      const again = make(new PostgresStore({ connectionString: postgresUrl(), schema, maxConnections: 2 }));
      schemas.set(again, schema);
      return again;
    },
  };
}
