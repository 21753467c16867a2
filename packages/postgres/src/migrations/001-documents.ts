import type { Migration } from './migration.js';

/**
 * The document port: one row per document (header and body as serde bytes, never jsonb or text, which
 * refuse U+0000 and lone surrogates) with a revision from one sequence, so a revision is never reused; and
 * one row per name ever locked: its last fence, its holder and lease (on the database clock) while held,
 * and the revision its holder last saw (-1 once another writer changed the document).
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
CREATE SEQUENCE {schema}.document_revisions;
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
