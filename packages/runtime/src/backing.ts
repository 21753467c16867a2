import { InvalidArgumentError, MemoryStore, type Store, type SyncStore } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import type { CheckedOptions } from './options.js';

/** What a runtime's families are made over: the store of the asynchronous ones and that of the synchronous ones. */
export interface Backing {
  /** The preset, or `store` for a caller's store. */
  kind: 'filesystem' | 'memory' | 'postgres' | 'store';
  /** Under every asynchronous family. */
  store: Store;
  /** Under artifact and logic: `store` itself when it has synchronous faces, else a memory store. */
  sync: Store & SyncStore;
  /** The filesystem root, as an absolute path; undefined for the other presets. */
  root: string | undefined;
  /** The stores the runtime made, and so closes after its families. */
  owned: Store[];
}

const hasSyncFaces = (store: Store): store is Store & SyncStore =>
  typeof (store as Partial<SyncStore>).documentsSync === 'function' &&
  typeof (store as Partial<SyncStore>).logSync === 'function' &&
  typeof (store as Partial<SyncStore>).blobsSync === 'function';

/** The PostgreSQL store, from `@omega/postgres` (an optional peer dependency, imported only here). */
async function postgresStore(connectionString: string | undefined): Promise<Store> {
  const url = connectionString ?? process.env.OMEGA_POSTGRES_URL;
  if (url === undefined || url === '') {
    throw new InvalidArgumentError(
      'createRuntime: the postgres preset needs option connectionString or the OMEGA_POSTGRES_URL environment variable',
      { details: { provider: 'createRuntime', option: 'connectionString' } },
    );
  }
  let postgres: typeof import('@omega/postgres');
  try {
    postgres = await import('@omega/postgres');
  } catch (error) {
    throw new InvalidArgumentError(
      'createRuntime: the postgres preset needs the package @omega/postgres installed beside @omega/runtime',
      { details: { provider: 'createRuntime', option: 'preset', value: 'postgres' }, cause: error },
    );
  }
  return new postgres.PostgresStore({ connectionString: url });
}

/** Opens the stores `options` ask for. */
export async function openBacking(options: CheckedOptions): Promise<Backing> {
  if (options.store !== undefined) {
    const { store } = options;
    if (hasSyncFaces(store)) return { kind: 'store', store, sync: store, root: undefined, owned: [] };
    const sync = new MemoryStore();
    return { kind: 'store', store, sync, root: undefined, owned: [sync] };
  }
  if (options.preset === 'memory') {
    const store = new MemoryStore();
    return { kind: 'memory', store, sync: store, root: undefined, owned: [store] };
  }
  if (options.preset === 'postgres') {
    const store = await postgresStore(options.connectionString);
    const sync = new MemoryStore();
    return { kind: 'postgres', store, sync, root: undefined, owned: [store, sync] };
  }
  const store = new FilesystemStore({ root: options.root, durable: options.durable });
  return { kind: 'filesystem', store, sync: store, root: store.root, owned: [store] };
}
