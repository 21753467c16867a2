import { FilesystemArtifactProvider } from '@omega/artifact/filesystem';
import { MemoryEffectHandlerRegistry } from '@omega/effects/memory';
import { FilesystemExpertProvider } from '@omega/expert/filesystem';
import { DefaultExpertProvider } from '@omega/expert/memory';
import { FilesystemGovernanceProvider } from '@omega/governance/filesystem';
import { FilesystemLogicProvider } from '@omega/logic/filesystem';
import { FilesystemProvenanceProvider } from '@omega/provenance/filesystem';
import { FilesystemReceiptProvider } from '@omega/receipt/filesystem';
import { FilesystemSecurityProvider } from '@omega/security/filesystem';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { FilesystemSnapshotProvider } from '@omega/snapshot/filesystem';
import { FilesystemStateProvider } from '@omega/state/filesystem';
import { FilesystemStreamProvider } from '@omega/stream/filesystem';
import { StreamingTraceProvider } from '@omega/trace/filesystem';
import type { Families, FamilyName } from './families.js';

/** Options of {@link openFamily}. */
export interface OpenFamilyOptions {
  /** The store root a filesystem runtime uses (`.omega` by default there). */
  root: string;
  /** fsync writes (default true). */
  durable?: boolean;
  /** The governance ledger's name (default `default`). */
  ledger?: string;
  /** A folder of Markdown expert files (default: the built-in experts). */
  experts?: string;
}

/**
 * Opens one family of a filesystem runtime's store on its own, over a store of its own that its `close()`
 * closes: for tools (the `omega` command line, `omega doctor`) that must reach every family even when
 * another one's files are corrupt. It reads and writes the same folders as `createRuntime({ root })`.
 * Governance takes the ledger's limits as stored (it does not impose a profile's).
 */
export function openFamily<F extends FamilyName>(name: F, options: OpenFamilyOptions): Families[F] {
  const { root, durable = true } = options;
  const opened: { [K in FamilyName]: () => Families[K] } = {
    state: () => new FilesystemStateProvider({ root, durable }),
    session: () => new FilesystemSessionProvider({ root, durable }),
    snapshot: () => new FilesystemSnapshotProvider({ root, durable }),
    receipt: () => new FilesystemReceiptProvider({ root, durable }),
    trace: () => new StreamingTraceProvider({ root }),
    effects: () => new MemoryEffectHandlerRegistry(),
    governance: () =>
      new FilesystemGovernanceProvider({
        root,
        durable,
        adoptLimits: true,
        ...(options.ledger === undefined ? {} : { budget: options.ledger }),
      }),
    artifact: () => new FilesystemArtifactProvider({ root, durable }),
    logic: () => new FilesystemLogicProvider({ root, durable }),
    stream: () => new FilesystemStreamProvider({ root, durable }),
    security: () => new FilesystemSecurityProvider({ root, durable }),
    provenance: () => new FilesystemProvenanceProvider({ root, durable }),
    expert: () =>
      options.experts === undefined
        ? new DefaultExpertProvider()
        : new FilesystemExpertProvider({ dir: options.experts }),
  };
  return opened[name]();
}
