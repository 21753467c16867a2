// Scaffold: replaced by the log port.
import type { LogSpec } from '@omega/core';
import type { Database } from './database.js';
import type { Notifications } from './notifications.js';
export class PostgresLog<H> {
  constructor(db: Database, spec: LogSpec<H>, notifications: Notifications) {
    void db;
    void spec;
    void notifications;
  }
}
