import type { KeyObject } from 'node:crypto';
import { type CheckpointSigner, type FrontOptions, InvalidArgumentError } from '@omega/core';
import type { Policy, RedactionRule } from './index.js';
import type { PolicyStore } from './policy-store.js';
import { KIND } from './rules.js';

/** The checkpoints' origin when the options name none. */
export const DEFAULT_ORIGIN = 'omega.security-audit';

/** Options every security backend takes. */
export interface SecurityFrontOptions extends FrontOptions {
  /**
   * The policy in force when the store holds none (default: no rules, so everything is denied). Where the
   * store holds one (the filesystem backend's `policy.json`), a different one here is a `ConflictError`.
   */
  policy?: Policy;
  /** Where the policy is kept, outside the audit (the filesystem backend gives its `policy.json`). */
  policyStore?: PolicyStore;
  /** The redaction rules, replacing the built-in ones (`DEFAULT_REDACTION_RULES`, which a caller may extend). */
  redactionRules?: readonly RedactionRule[];
  /** Key names whose values are redacted whole (default `DEFAULT_SECRET_KEYS`), matched word by word. */
  secretKeys?: readonly string[];
  /** The audit checkpoints' origin line: who keeps this audit (default `omega.security-audit`). */
  origin?: string;
  /**
   * Who signs audit checkpoints: an Ed25519 private key (`node:crypto`), a C2SP note signer key string, or
   * `{ keyName, verifierKey, sign(bytes) }` for a key kept elsewhere. Default: a key the store makes once
   * and keeps (`<root>/security-state/signer.jsonl` on disk), against accidents only.
   */
  signer?: KeyObject | string | CheckpointSigner;
}

/** The options the front checks here (the policy's and signer's are checked where they are compiled). */
export interface CheckedFrontOptions {
  origin: string;
  redactionRules: readonly RedactionRule[] | undefined;
  secretKeys: readonly string[] | undefined;
}

/** Checks the family's own options at construction: an `InvalidArgumentError` naming the option otherwise. */
export function checkFrontOptions(provider: string, options: SecurityFrontOptions): CheckedFrontOptions {
  const refuse = (option: string, rule: string, value: unknown) =>
    new InvalidArgumentError(`${provider}: option ${option} ${rule}`, {
      details: { provider, kind: KIND, option, value },
    });
  const { origin = DEFAULT_ORIGIN, redactionRules, secretKeys } = options;
  if (typeof origin !== 'string' || origin === '' || origin.includes('\n')) {
    throw refuse('origin', 'must be one non-empty line', origin);
  }
  if (redactionRules !== undefined && !Array.isArray(redactionRules)) {
    throw refuse('redactionRules', 'must be an array of redaction rules', redactionRules);
  }
  if (secretKeys !== undefined && !Array.isArray(secretKeys)) {
    throw refuse('secretKeys', 'must be an array of key names', secretKeys);
  }
  return { origin, redactionRules, secretKeys };
}
