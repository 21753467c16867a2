import { DOCUMENTS } from './001-documents.js';
import { LOGS } from './002-logs.js';
import { BLOBS } from './003-blobs.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration of this version of the package, in order. Never edit a released one: add the next. */
export const MIGRATIONS: readonly Migration[] = [DOCUMENTS, LOGS, BLOBS];
