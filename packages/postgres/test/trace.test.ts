import { describeTraceProvider } from '@omega/trace/conformance';
import { StoreTraceSink, TraceFront } from '@omega/trace/front';
import { onPostgres } from './fronts.js';

// The trace family's suite, unchanged, over a sink on the store's log port, each test on a schema of its own.
const trace = onPostgres(
  (store) =>
    new TraceFront(new StoreTraceSink(store, { ownsStore: true }), {}, { provider: 'PostgresTraceProvider' }),
);
describeTraceProvider('postgres', trace.factory, { reopen: trace.reopen });
