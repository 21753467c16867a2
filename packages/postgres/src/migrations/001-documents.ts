import type { Migration } from './index.js';

/**
 * The document port: one row per document (header and body as serde bytes, never jsonb or text, which
 * refuse U+0000 and lone surrogates), and one row per held lock, its lease on the database clock.
 */
export const DOCUMENTS: Migration = {
  version: 1,
  name: 'documents',
  sql: `
CREATE TABLE {schema}.documents (
  folder text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  format_version integer NOT NULL,
  header bytea NOT NULL,
  body bytea NOT NULL,
  revision bigint NOT NULL,
  PRIMARY KEY (folder, name)
);
CREATE TABLE {schema}.document_locks (
  folder text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  fence bigint NOT NULL,
  holder text,
  expires_at timestamptz,
  seen_revision bigint,
  PRIMARY KEY (folder, name)
);
`,
};
