import type { Migration } from './migration.js';

/** The blob port: bytes by their SHA-256, verified on every read. */
export const BLOBS: Migration = {
  version: 3,
  name: 'blobs',
  sql: `
CREATE TABLE {schema}.blobs (
  folder text COLLATE "C" NOT NULL,
  digest text COLLATE "C" NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (folder, digest)
);
`,
};
