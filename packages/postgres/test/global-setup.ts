import { type PostgresServer, startPostgres } from '@omega/test-kit';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The connection string of this run's server (see test/server.ts). */
    postgresUrl: string;
  }
}

let server: PostgresServer | undefined;

/** Starts this run's server: every test file connects to it, each test in a schema of its own. */
export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres();
  project.provide('postgresUrl', server.connectionString);
}

/** Stops the server; `stop()` throws if its process is still running afterwards. */
export async function teardown(): Promise<void> {
  await server?.stop();
}
