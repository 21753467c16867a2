import { describeStreamProvider } from '@omega/stream/conformance';
import { StreamFront } from '@omega/stream/front';
import { onPostgres } from './fronts.js';

// The stream family's suite, unchanged, each test on a schema of its own.
const stream = onPostgres(
  (store) => new StreamFront(store, {}, { provider: 'PostgresStreamProvider', ownsStore: true }),
);
describeStreamProvider('postgres', stream.factory, { reopen: stream.reopen });
