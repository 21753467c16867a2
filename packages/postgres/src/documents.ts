// Scaffold: replaced by the document port.
import type { DocumentSpec } from '@omega/core';
import type { Database } from './database.js';
export class PostgresDocuments<H> {
  constructor(db: Database, spec: DocumentSpec<H>) { void db; void spec; }
}
