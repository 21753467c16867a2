import { PostgresStore } from '@omega/postgres';
import { ReceiptFront } from '@omega/receipt/front';
import { startPostgres } from '@omega/test-kit';
import pg from 'pg';
import { compare } from './measure.js';
import { receiptInput } from './receipts.js';
import type { Row } from './report.js';

const CALLERS = 64;
// The store's default pool size, for both sides.
const CONNECTIONS = 10;

/**
 * Receipts appended through `ReceiptFront` on PostgreSQL by 64 concurrent callers (its group commit
 * batching them) against the same server taking one plain `INSERT` per receipt-sized row from 64
 * concurrent callers, on a server of its own started here with fsync on. No target: the ratio is reported.
 */
export async function postgresReceiptOperations(): Promise<Row[]> {
  const server = await startPostgres({ fsync: true });
  const store = new PostgresStore({
    connectionString: server.connectionString,
    schema: 'bench_receipts',
    maxConnections: CONNECTIONS,
  });
  const receipts = new ReceiptFront(store, {}, { provider: 'PostgresReceiptProvider', ownsStore: true });
  const pool = new pg.Pool({ connectionString: server.connectionString, max: CONNECTIONS });
  try {
    let next = 0;
    const first = await receipts.append(receiptInput(next++));
    const row = Buffer.from(JSON.stringify(first), 'utf8');
    await pool.query('CREATE TABLE bench_rows (id bigserial PRIMARY KEY, body bytea NOT NULL)');
    const appends = await compare(
      () => Promise.all(Array.from({ length: CALLERS }, () => receipts.append(receiptInput(next++)))),
      () =>
        Promise.all(
          Array.from({ length: CALLERS }, () =>
            pool.query('INSERT INTO bench_rows (body) VALUES ($1)', [row]),
          ),
        ),
      9,
      1,
    );
    return [
      {
        bench: `PostgreSQL receipt append (group commit), ${CALLERS} concurrent callers vs one plain INSERT per receipt-sized row`,
        size: `${CALLERS} receipts`,
        ...appends,
        sense: 'speed',
      },
    ];
  } finally {
    await receipts.close();
    await pool.end();
    await server.stop();
  }
}
