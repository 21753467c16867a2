import { ConflictError, CorruptDataError, InvalidArgumentError } from '@omega/core';
import type { Policy } from './index.js';
import { CompiledPolicy, type PolicyFault } from './policy.js';
import { KIND } from './rules.js';

/**
 * Where a backend keeps its policy, outside the audit: the filesystem backend's `policy.json`. Reads are
 * synchronous, since `check` is and the policy must be in force before the first one.
 */
export interface PolicyStore {
  /** Where the policy is kept, as errors name it (a path). */
  readonly location: string;
  /** The stored policy as parsed JSON, or `undefined` when none is stored. */
  read(): unknown;
  /** Replaces the stored policy durably and atomically: a reader sees the old one or the new one whole. */
  write(policy: Policy): Promise<void>;
}

/** The `policyStore` option, checked. */
export function checkPolicyStore(provider: string, store: unknown): PolicyStore | null {
  if (store === undefined) return null;
  const candidate = store as Partial<PolicyStore> | null;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.read === 'function' &&
    typeof candidate.write === 'function' &&
    typeof candidate.location === 'string'
  ) {
    return candidate as PolicyStore;
  }
  throw new InvalidArgumentError(
    `${provider}: option policyStore must be { location, read(), write(policy) }`,
    {
      details: { provider, kind: KIND, option: 'policyStore' },
    },
  );
}

/** The `policy` option compiled: an `InvalidArgumentError` naming the bad rule and its path otherwise. */
export function optionPolicy(provider: string, policy: unknown): CompiledPolicy | null {
  if (policy === undefined) return null;
  const compiled = CompiledPolicy.of(policy);
  if (compiled instanceof CompiledPolicy) return compiled;
  throw refusedPolicy(provider, compiled, 'option policy');
}

/** A policy given to `setPolicy`, compiled: an `InvalidArgumentError` naming the bad rule and its path otherwise. */
export function argumentPolicy(provider: string, policy: unknown): CompiledPolicy {
  const compiled = CompiledPolicy.of(policy);
  if (compiled instanceof CompiledPolicy) return compiled;
  throw refusedPolicy(provider, compiled, 'the policy');
}

function refusedPolicy(provider: string, fault: PolicyFault, what: string): InvalidArgumentError {
  return new InvalidArgumentError(`${provider}: ${what} is refused: ${fault.message}`, {
    details: {
      provider,
      kind: KIND,
      option: 'policy',
      path: fault.path,
      reason: fault.reason,
      ...ruleOf(fault),
    },
  });
}

/**
 * The policy `store` holds, compiled, or null when it holds none: a stored policy that is not one is a
 * `CorruptDataError` naming the file, the bad rule and its path.
 */
export function storedPolicy(store: PolicyStore | null): CompiledPolicy | null {
  const value = store?.read();
  if (store === null || value === undefined) return null;
  const compiled = CompiledPolicy.of(value);
  if (compiled instanceof CompiledPolicy) return compiled;
  throw new CorruptDataError(`the security policy ${store.location} is corrupt: ${compiled.message}`, {
    details: {
      kind: KIND,
      file: store.location,
      path: compiled.path,
      reason: compiled.reason,
      ...ruleOf(compiled),
    },
  });
}

/**
 * The policy a provider starts with: the stored one, else the option's, else the empty policy (which denies
 * everything). A stored policy other than the option's is a `ConflictError`: the store owns its policy.
 */
export function initialPolicy(provider: string, store: PolicyStore | null, option: CompiledPolicy | null) {
  const stored = storedPolicy(store);
  if (stored !== null && option !== null && stored.hash !== option.hash) {
    throw new ConflictError(
      `${provider}: option policy differs from the policy stored at ${store?.location}`,
      {
        details: {
          provider,
          kind: KIND,
          option: 'policy',
          file: store?.location,
          stored: stored.hash,
          given: option.hash,
        },
      },
    );
  }
  return stored ?? option ?? (CompiledPolicy.of({ rules: [] }) as CompiledPolicy);
}

function ruleOf(fault: PolicyFault): { rule?: string } {
  return fault.rule === undefined ? {} : { rule: fault.rule };
}
