import { CorruptDataError, canonicalUtf8, decode, documentSpec, logSpec, type Val, z } from '@omega/core';
import { AccessRequestSchema, type AuditEvent, AuditEventSchema } from './index.js';

/** What this family's names name, in every error and name check. */
export const KIND = 'security';

/** The one audit log of a store. */
export const AUDIT_LOG = 'audit';

/** Header of each audit entry: what `auditLog` filters on, and the policy in force, without decoding. */
const EntryHeaderSchema = z.object({
  principal: z.string(),
  action: z.string(),
  loggedAt: z.number().int().nonnegative(),
  policyHash: z.string(),
});
export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/**
 * Audit entries on any log port: `security-audit/audit`, format `omega.security` v1. An entry's body is
 * the record's canonical text: the exact bytes the Merkle tree commits to.
 */
export const LOG = logSpec({ kind: KIND, folder: 'security-audit', header: EntryHeaderSchema });

/** Header of the audit's state documents: the size a stored checkpoint commits to. */
const StateHeaderSchema = z.object({ size: z.number().int().nonnegative().optional() });
export type StateHeader = z.infer<typeof StateHeaderSchema>;

/** The audit's state on any document port: `security-state/<name>` (the last checkpoint, the store's signer key). */
export const DOCUMENTS = documentSpec({
  kind: `${KIND} state`,
  folder: 'security-state',
  header: StateHeaderSchema,
});

// The stored record's shape, strict: its values were checked by the serde decode that produced them.
const StoredEventSchema = AuditEventSchema.extend({
  request: AccessRequestSchema.extend({
    context: z.record(z.string(), z.custom<Val>()).optional(),
  }).nullable(),
  data: z.custom<Val>().optional(),
}).strict();

/** The entry of an audit record: its canonical text, the bytes the Merkle tree commits to. */
export function entryText(event: AuditEvent): string {
  return canonicalUtf8(event as unknown as Val, KIND, '$');
}

/**
 * The record a stored entry holds, after checking that it is one, at its own position, and that its
 * header agrees with it: a `CorruptDataError` naming the `seq` otherwise.
 */
export function eventOfEntry(position: number, header: EntryHeader, body: string): AuditEvent {
  let value: unknown;
  try {
    value = decode(body);
  } catch (cause) {
    throw corruptEntry(position, 'its body is not serde JSON', cause);
  }
  const parsed = StoredEventSchema.safeParse(value);
  if (!parsed.success) throw corruptEntry(position, 'its body is not an audit record', parsed.error);
  const event = parsed.data;
  if (event.seq !== position) throw corruptEntry(position, `it holds seq ${event.seq}`);
  for (const field of ['principal', 'action', 'loggedAt', 'policyHash'] as const) {
    if (event[field] !== header[field])
      throw corruptEntry(position, `its header's ${field} disagrees with it`);
  }
  return event;
}

function corruptEntry(seq: number, reason: string, cause?: unknown): CorruptDataError {
  return new CorruptDataError(`audit record ${seq} is corrupt: ${reason}`, {
    cause,
    details: { kind: KIND, seq, reason },
  });
}
