import type { ArtifactProvider } from '@omega/artifact';
import type { EffectHandlerRegistry } from '@omega/effects';
import type { ExpertProvider } from '@omega/expert';
import type { GovernanceProvider } from '@omega/governance';
import type { LogicProvider } from '@omega/logic';
import type { ProvenanceProvider } from '@omega/provenance';
import type { ReceiptProvider } from '@omega/receipt';
import type { SecurityProvider } from '@omega/security';
import type { SessionProvider } from '@omega/session';
import type { SnapshotProvider } from '@omega/snapshot';
import type { StateProvider } from '@omega/state';
import type { StreamProvider } from '@omega/stream';
import type { TraceProvider } from '@omega/trace';

/** The thirteen provider families a runtime holds, under these names. */
export type FamilyName =
  | 'state'
  | 'session'
  | 'snapshot'
  | 'receipt'
  | 'trace'
  | 'effects'
  | 'governance'
  | 'artifact'
  | 'logic'
  | 'stream'
  | 'security'
  | 'provenance'
  | 'expert';

/** Every family, in the order a runtime creates them (it closes them in the reverse order). */
export const FAMILY_NAMES: readonly FamilyName[] = Object.freeze([
  'state',
  'session',
  'snapshot',
  'receipt',
  'trace',
  'effects',
  'governance',
  'artifact',
  'logic',
  'stream',
  'security',
  'provenance',
  'expert',
]);

/** One provider per family: each family's interface. */
export interface Families {
  state: StateProvider;
  session: SessionProvider;
  snapshot: SnapshotProvider;
  receipt: ReceiptProvider;
  trace: TraceProvider;
  effects: EffectHandlerRegistry;
  governance: GovernanceProvider;
  artifact: ArtifactProvider;
  logic: LogicProvider;
  stream: StreamProvider;
  security: SecurityProvider;
  provenance: ProvenanceProvider;
  expert: ExpertProvider;
}

/** Whether `name` is one of {@link FAMILY_NAMES}. */
export function isFamilyName(name: unknown): name is FamilyName {
  return typeof name === 'string' && (FAMILY_NAMES as readonly string[]).includes(name);
}
