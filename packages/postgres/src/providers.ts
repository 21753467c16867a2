import { RemoteGovernanceProvider, type RemoteGovernanceProviderOptions } from '@omega/governance/front';
import { ProvenanceFront, type ProvenanceFrontOptions } from '@omega/provenance/front';
import { ReceiptFront, type ReceiptFrontOptions } from '@omega/receipt/front';
import { SecurityFront, type SecurityFrontOptions } from '@omega/security/front';
import { SessionFront, type SessionFrontOptions } from '@omega/session/front';
import { SnapshotFront, type SnapshotFrontOptions } from '@omega/snapshot/front';
import { StateFront, type StateFrontOptions } from '@omega/state/front';
import { StreamFront, type StreamFrontOptions } from '@omega/stream/front';
import { StoreTraceSink, TraceFront, type TraceFrontOptions } from '@omega/trace/front';
import type { PostgresStoreOptions } from './options.js';
import { PostgresStore } from './store.js';

/** Options of {@link createPostgresProviders}: where to connect, and each family's own options by its name. */
export interface PostgresProvidersOptions extends PostgresStoreOptions {
  state?: StateFrontOptions;
  session?: SessionFrontOptions;
  snapshot?: SnapshotFrontOptions;
  receipt?: ReceiptFrontOptions;
  trace?: TraceFrontOptions;
  provenance?: ProvenanceFrontOptions;
  stream?: StreamFrontOptions;
  security?: SecurityFrontOptions;
  /** The budget the machines share (`budget`, `profile`, lease settings); the store is this one. */
  governance?: Omit<RemoteGovernanceProviderOptions, 'store' | 'ownsStore'>;
}

/** Every asynchronous family's provider over one {@link PostgresStore}; `close()` closes them all. */
export interface PostgresProviders extends AsyncDisposable {
  store: PostgresStore;
  state: StateFront;
  session: SessionFront;
  snapshot: SnapshotFront;
  receipt: ReceiptFront;
  trace: TraceFront;
  provenance: ProvenanceFront;
  stream: StreamFront;
  security: SecurityFront;
  governance: RemoteGovernanceProvider;
  /**
   * Closes every provider (in reverse order of creation, every one even if another fails), then the
   * store and its pool; failures are gathered in an `AggregateError`. Idempotent.
   */
  close(): Promise<void>;
}

/** Each family's provider name, as errors report it. */
const init = (provider: string) => ({ provider, ownsStore: false });

/**
 * Every asynchronous family on PostgreSQL, over one store and one pool: the families' own fronts, so
 * they keep the guarantees and conformance of their memory and filesystem backends. Synchronous families
 * (artifact, logic, expert, the seed's governance methods) are not here: see the README.
 */
export function createPostgresProviders(options: PostgresProvidersOptions): PostgresProviders {
  const {
    state,
    session,
    snapshot,
    receipt,
    trace,
    provenance,
    stream,
    security,
    governance,
    ...connection
  } = options;
  const store = new PostgresStore(connection);
  const made: Array<{ close(): Promise<void> }> = [];
  const make = <T extends { close(): Promise<void> }>(build: () => T): T => {
    const provider = build();
    made.push(provider);
    return provider;
  };
  try {
    const providers = {
      store,
      state: make(() => new StateFront(store, state, init('PostgresStateProvider'))),
      session: make(() => new SessionFront(store, session, init('PostgresSessionProvider'))),
      snapshot: make(() => new SnapshotFront(store, snapshot, init('PostgresSnapshotProvider'))),
      receipt: make(() => new ReceiptFront(store, receipt, init('PostgresReceiptProvider'))),
      trace: make(
        () => new TraceFront(new StoreTraceSink(store), trace, { provider: 'PostgresTraceProvider' }),
      ),
      provenance: make(() => new ProvenanceFront(store, provenance, init('PostgresProvenanceProvider'))),
      stream: make(() => new StreamFront(store, stream, init('PostgresStreamProvider'))),
      security: make(() => new SecurityFront(store, security, init('PostgresSecurityProvider'))),
      governance: make(() => new RemoteGovernanceProvider({ ...governance, store })),
    };
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= closeAll(made, store);
      return closing;
    };
    return { ...providers, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    // A family refused its options: let go of what was made, then say which.
    void closeAll(made, store).catch(() => {});
    throw error;
  }
}

async function closeAll(made: Array<{ close(): Promise<void> }>, store: PostgresStore): Promise<void> {
  const failures: unknown[] = [];
  for (const provider of [...made].reverse()) {
    try {
      await provider.close();
    } catch (error) {
      failures.push(error);
    }
  }
  try {
    await store.close();
  } catch (error) {
    failures.push(error);
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, `closing the PostgreSQL providers: ${failures.length} failed`);
  }
}
