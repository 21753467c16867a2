import type { Migration } from './migration.js';

/** The log port: a size row per log (its append lock) and one row per entry, at its position. */
export const LOGS: Migration = {
  version: 2,
  name: 'logs',
  sql: `
CREATE TABLE {schema}.logs (
  folder text COLLATE "C" NOT NULL,
  log text COLLATE "C" NOT NULL,
  size bigint NOT NULL,
  PRIMARY KEY (folder, log)
);
CREATE TABLE {schema}.log_entries (
  folder text COLLATE "C" NOT NULL,
  log text COLLATE "C" NOT NULL,
  position bigint NOT NULL,
  format_version integer NOT NULL,
  header bytea NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (folder, log, position)
);
`,
};
