// Scaffold: replaced by the LISTEN/NOTIFY connection.
import type { Database } from './database.js';
export class Notifications {
  constructor(db: Database) {
    void db;
  }
  async close(): Promise<void> {}
}
