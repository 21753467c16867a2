import { DOCUMENTS } from './001-documents.js';
import { LOGS } from './002-logs.js';
import { BLOBS } from './003-blobs.js';

/** One step of the schema: applied once, in version order, its SQL's checksum recorded. */
export interface Migration {
  version: number;
  name: string;
  /** Statements run in the migration's transaction; `{schema}` is replaced by the quoted schema name. */
  sql: string;
}

/** Every migration of this version of the package, in order. Never edit a released one: add the next. */
export const MIGRATIONS: readonly Migration[] = [DOCUMENTS, LOGS, BLOBS];
