import { type ContractEntryHeader, LOG_CONTRACT_SPEC } from '@omega/core/testing';

/** The log spec of the log benchmarks: the contract's, whose header is a small zod object, as a family's. */
export const LOG_SPEC = LOG_CONTRACT_SPEC;

/** A small entry, as a receipt or a trace event: a body of about 200 bytes. */
export function logEntry(at: number): { header: ContractEntryHeader; body: string } {
  return { header: { at }, body: JSON.stringify({ at, text: 'x'.repeat(180) }) };
}
