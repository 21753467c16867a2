import { describeSessionProvider } from '@omega/session/conformance';
import { SessionFront } from '@omega/session/front';
import { describeSnapshotProvider } from '@omega/snapshot/conformance';
import { SnapshotFront } from '@omega/snapshot/front';
import { describeStateProvider } from '@omega/state/conformance';
import { StateFront } from '@omega/state/front';
import { onPostgres } from './fronts.js';

// The document families, their suites unchanged, each test on a schema of its own.
const state = onPostgres(
  (store) => new StateFront(store, {}, { provider: 'PostgresStateProvider', ownsStore: true }),
);
describeStateProvider('postgres', state.factory, { reopen: state.reopen });

const session = onPostgres(
  (store) => new SessionFront(store, {}, { provider: 'PostgresSessionProvider', ownsStore: true }),
);
describeSessionProvider('postgres', session.factory, { reopen: session.reopen });

const snapshot = onPostgres(
  (store) => new SnapshotFront(store, {}, { provider: 'PostgresSnapshotProvider', ownsStore: true }),
);
describeSnapshotProvider('postgres', snapshot.factory, { reopen: snapshot.reopen });
