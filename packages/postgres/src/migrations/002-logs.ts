import type { Migration } from './migration.js';

/**
 * The log port: a size row per log (its append lock: appends of one log queue on it) and one row per
 * entry, at its position. A body is its UTF-8 bytes, or, when it is not well-formed UTF-16 (a lone
 * surrogate, which UTF-8 cannot hold), the UTF-8 bytes of its JSON string (`body_json`).
 */
export const LOGS: Migration = {
  version: 2,
  name: 'logs',
  sql: `
CREATE TABLE {schema}.logs (
  folder text COLLATE "C" NOT NULL,
  log text COLLATE "C" NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  PRIMARY KEY (folder, log)
);
CREATE TABLE {schema}.log_entries (
  folder text COLLATE "C" NOT NULL,
  log text COLLATE "C" NOT NULL,
  position bigint NOT NULL,
  format_version integer NOT NULL,
  header bytea NOT NULL,
  body bytea NOT NULL,
  body_json boolean NOT NULL,
  PRIMARY KEY (folder, log, position)
);
`,
};
