/** One step of the schema: applied once, in version order, its SQL's checksum recorded. */
export interface Migration {
  version: number;
  name: string;
  /** Statements run in the migration's transaction; `{schema}` is replaced by the quoted schema name. */
  sql: string;
}
