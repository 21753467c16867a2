import type pg from 'pg';

/** What runs statements: the pool, or the client of one transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** What the migrations need of a database: its pool, its schema, and a bare transaction. */
export interface MigrationTarget {
  readonly pool: Queryable;
  /** The schema's name, quoted. */
  readonly schema: string;
  readonly schemaName: string;
  rawTransaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T>;
}
