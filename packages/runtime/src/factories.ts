import { ArtifactFront } from '@omega/artifact/front';
import { holderState, thisProcess } from '@omega/core/fs';
import { MemoryEffectHandlerRegistry } from '@omega/effects/memory';
import { FilesystemExpertProvider } from '@omega/expert/filesystem';
import { DefaultExpertProvider } from '@omega/expert/memory';
import { GovernanceFront, RemoteGovernanceProvider } from '@omega/governance/front';
import { LogicFront } from '@omega/logic/front';
import { ProvenanceFront } from '@omega/provenance/front';
import { ReceiptFront } from '@omega/receipt/front';
import { SecurityFront } from '@omega/security/front';
import { SessionFront } from '@omega/session/front';
import { SnapshotFront } from '@omega/snapshot/front';
import { StateFront } from '@omega/state/front';
import { StreamFront } from '@omega/stream/front';
import { StreamingTraceProvider } from '@omega/trace/filesystem';
import { StoreTraceSink, TraceFront } from '@omega/trace/front';
import { MemoryTraceProvider } from '@omega/trace/memory';
import type { Backing } from './backing.js';
import type { Families, FamilyName } from './families.js';
import type { CheckedOptions } from './options.js';

/** What a family's factory gets: the stores, and the runtime's checked options. */
export interface FamilyContext {
  backing: Backing;
  options: CheckedOptions;
}

/** Class names errors report, by the store they run over. */
const label = (backing: Backing, family: string) => {
  const prefix = { filesystem: 'Filesystem', memory: 'Memory', postgres: 'Postgres', store: 'Store' }[
    backing.kind
  ];
  return { provider: `${prefix}${family}Provider`, ownsStore: false };
};

/** The governance ledger: a synchronous front where the store has synchronous faces, else a remote client. */
function governance({ backing, options }: FamilyContext): Families['governance'] {
  const common = {
    profile: options.profile,
    ...(options.ledger === undefined ? {} : { budget: options.ledger }),
  };
  if (backing.kind === 'postgres' || (backing.kind === 'store' && backing.sync !== backing.store)) {
    return new RemoteGovernanceProvider({ ...common, store: backing.store });
  }
  if (backing.kind !== 'filesystem')
    return new GovernanceFront(backing.sync, common, label(backing, 'Governance'));
  // On disk, reservations name this process, so one left by a killed process is released by the next.
  const { pid, start, pidNs, timeNs, boot, host } = thisProcess();
  const owner = { pid, start, pidNs, timeNs, boot, host };
  return new GovernanceFront(
    backing.sync,
    { ...common, owner, ownerState: holderState },
    label(backing, 'Governance'),
  );
}

function trace({ backing }: FamilyContext): Families['trace'] {
  // Traces are diagnostics: written in the background and not fsynced (the trace family's default).
  if (backing.kind === 'filesystem' && backing.root !== undefined) {
    return new StreamingTraceProvider({ root: backing.root });
  }
  if (backing.kind === 'memory') return new MemoryTraceProvider();
  return new TraceFront(
    new StoreTraceSink(backing.store),
    {},
    { provider: label(backing, 'Trace').provider },
  );
}

/**
 * How each family is made over a runtime's stores: the family's own front over the shared store (so every
 * family of a filesystem runtime lives under one root, in the folders its filesystem provider uses).
 */
export const FAMILY_FACTORIES: { readonly [F in FamilyName]: (context: FamilyContext) => Families[F] } = {
  state: ({ backing }) => new StateFront(backing.store, {}, label(backing, 'State')),
  session: ({ backing }) => new SessionFront(backing.store, {}, label(backing, 'Session')),
  snapshot: ({ backing, options }) =>
    new SnapshotFront(backing.store, { durable: options.durable }, label(backing, 'Snapshot')),
  receipt: ({ backing }) => new ReceiptFront(backing.store, {}, label(backing, 'Receipt')),
  trace,
  effects: () => new MemoryEffectHandlerRegistry(),
  governance,
  artifact: ({ backing }) => new ArtifactFront(backing.sync, {}, label(backing, 'Artifact')),
  logic: ({ backing }) => new LogicFront(backing.sync, {}, label(backing, 'Logic')),
  stream: ({ backing }) => new StreamFront(backing.store, {}, label(backing, 'Stream')),
  security: ({ backing, options }) =>
    new SecurityFront(backing.store, { policy: { rules: options.policy } }, label(backing, 'Security')),
  provenance: ({ backing }) => new ProvenanceFront(backing.store, {}, label(backing, 'Provenance')),
  expert: ({ options }) =>
    options.experts === undefined
      ? new DefaultExpertProvider()
      : new FilesystemExpertProvider({ dir: options.experts }),
};
