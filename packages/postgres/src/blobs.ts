// Scaffold: replaced by the blob port.
import type { BlobSpec } from '@omega/core';
import type { Database } from './database.js';
export class PostgresBlobs {
  constructor(db: Database, spec: BlobSpec) {
    void db;
    void spec;
  }
}
