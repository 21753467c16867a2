export { Database, type Queryable } from './database.js';
export { isConnectionLost } from './failures.js';
export { checksumOf, migrate } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations/index.js';
export type { PostgresStoreOptions } from './options.js';
export {
  createPostgresProviders,
  type PostgresProviders,
  type PostgresProvidersOptions,
} from './providers.js';
export { DEFAULT_SCHEMA } from './schema-name.js';
export { PostgresStore } from './store.js';
