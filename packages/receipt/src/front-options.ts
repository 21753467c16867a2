import type { KeyObject } from 'node:crypto';
import { type CheckpointSigner, type FrontOptions, InvalidArgumentError, type Val } from '@omega/core';
import { KIND } from './rules.js';

/** A caller's own signer of receipt checkpoints: signs with its key, and names the verifier key that checks it. */
export type ReceiptSigner = CheckpointSigner;

/** The checkpoints' origin when the options name none. */
export const DEFAULT_ORIGIN = 'omega.receipts';

/** Options every receipt backend takes. */
export interface ReceiptFrontOptions extends FrontOptions {
  /** The checkpoints' origin line: who keeps this log (default `omega.receipts`). */
  origin?: string;
  /**
   * Who signs checkpoints: an Ed25519 private key (`node:crypto`, named after the origin), a C2SP note
   * signer key string, or `{ keyName, verifierKey, sign(bytes) }` for a key kept elsewhere. Default: a key
   * the store makes once and keeps (`<root>/receipts/signer.jsonl` on disk), against accidents only.
   */
  signer?: KeyObject | string | ReceiptSigner;
  /** Applied to the request, response and meta before they are hashed and stored. */
  redact?: (value: Val) => Val;
}

/** The `origin` option, checked: one non-empty line. */
export function checkOrigin(provider: string, origin: unknown): string {
  if (typeof origin !== 'string' || origin === '' || origin.includes('\n')) {
    throw new InvalidArgumentError(`${provider}: option origin must be one non-empty line`, {
      details: { provider, kind: KIND, option: 'origin', value: origin },
    });
  }
  return origin;
}

/** The `redact` option, checked: a function, or the identity when absent. */
export function checkRedact(provider: string, redact: unknown): (value: Val) => Val {
  if (redact === undefined) return (value) => value;
  if (typeof redact !== 'function') {
    throw new InvalidArgumentError(`${provider}: option redact must be a function`, {
      details: { provider, kind: KIND, option: 'redact' },
    });
  }
  return redact as (value: Val) => Val;
}
