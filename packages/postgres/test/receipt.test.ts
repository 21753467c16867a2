import { describeReceiptProvider } from '@omega/receipt/conformance';
import { ReceiptFront } from '@omega/receipt/front';
import { onPostgres } from './fronts.js';

// The receipt family's suite, unchanged, each test on a schema of its own.
const receipt = onPostgres(
  (store) => new ReceiptFront(store, {}, { provider: 'PostgresReceiptProvider', ownsStore: true }),
);
describeReceiptProvider('postgres', receipt.factory, { reopen: receipt.reopen });
