import {
  assertAction,
  assertCapability,
  assertResource,
  type CapabilityMatcher,
  canonicalize,
  compileCapabilities,
  InvalidArgumentError,
  isOmegaError,
  issuePath,
  isValidName,
  parseCapability,
  sha256Hex,
  type Val,
} from '@omega/core';
import { type AccessRequest, type Decision, type Policy, type PolicyRule, PolicySchema } from './index.js';
import { KIND } from './rules.js';

/** A rule, compiled once: its principal patterns, and its action and resource patterns paired. */
interface CompiledRule {
  id: string;
  effect: 'allow' | 'deny';
  principals: CapabilityMatcher;
  capabilities: CapabilityMatcher;
}

/** Where and why a policy is refused: the path of the bad part, and the rule it belongs to. */
export interface PolicyFault {
  message: string;
  path: string;
  rule?: string;
  reason: string;
}

/** A policy checked and compiled: what {@link evaluate} decides with, and the hash the audit records. */
export class CompiledPolicy {
  private constructor(
    readonly policy: Policy,
    readonly hash: string,
    private readonly rules: readonly CompiledRule[],
  ) {}

  /** The compiled policy of `value`, or the first fault in it. */
  static of(value: unknown): CompiledPolicy | PolicyFault {
    const parsed = PolicySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issuePath(issue.path);
      const index = issue.path[0] === 'rules' ? issue.path[1] : undefined;
      const id =
        typeof index === 'number' ? (value as { rules: { id?: unknown }[] }).rules[index]?.id : undefined;
      return {
        message: issue.message,
        path,
        reason: issue.message,
        ...(typeof id === 'string' ? { rule: id } : {}),
      };
    }
    // Only the schema's fields, so what is hashed and stored is what is evaluated.
    const policy: Policy = {
      rules: parsed.data.rules.map(({ id, effect, principals, actions, resources }) => ({
        id,
        effect,
        principals: [...principals],
        actions: [...actions],
        resources: [...resources],
      })),
    };
    const seen = new Set<string>();
    const rules: CompiledRule[] = [];
    for (const [index, rule] of policy.rules.entries()) {
      const compiled = compileRule(rule, `$.rules[${index}]`, seen);
      if ('reason' in compiled) return compiled;
      rules.push(compiled);
    }
    return new CompiledPolicy(policy, sha256Hex(canonicalize(policy as unknown as Val)), rules);
  }

  /** The decision on a checked request: every matching deny, else every matching allow, else none. */
  decide(request: AccessRequest, decisionId: string): Decision {
    // Checked and split once, then asked of every rule.
    const principal = parseCapability(request.principal);
    const capability = parseCapability(`${request.action}:${request.resource}`);
    const allows: string[] = [];
    const denies: string[] = [];
    for (const rule of this.rules) {
      if (!rule.principals.allowsParsed(principal) || !rule.capabilities.allowsParsed(capability)) continue;
      (rule.effect === 'deny' ? denies : allows).push(rule.id);
    }
    const base = { policyHash: this.hash, decisionId };
    if (denies.length > 0) {
      return { allowed: false, rules: denies, reason: `denied by ${denies.join(', ')}`, ...base };
    }
    if (allows.length > 0) {
      return { allowed: true, rules: allows, reason: `allowed by ${allows.join(', ')}`, ...base };
    }
    return { allowed: false, rules: [], reason: 'no rule matched: denied by default', ...base };
  }
}

function compileRule(rule: PolicyRule, path: string, seen: Set<string>): CompiledRule | PolicyFault {
  const fault = (where: string, reason: string): PolicyFault => ({
    message: `rule ${JSON.stringify(rule.id)} at ${where}: ${reason}`,
    path: where,
    rule: rule.id,
    reason,
  });
  if (!isValidName(rule.id)) return fault(`${path}.id`, 'a rule id follows the name rule');
  if (seen.has(rule.id)) return fault(`${path}.id`, 'another rule has this id');
  seen.add(rule.id);
  for (const field of ['principals', 'actions', 'resources'] as const) {
    if (rule[field].length === 0) return fault(`${path}.${field}`, `a rule needs one or more ${field}`);
  }
  // Each pattern alone first, so that a fault names its own place.
  const patterns: Array<[string, string[]]> = [
    ['principals', rule.principals],
    ['actions', rule.actions],
    ['resources', rule.resources.map((resource) => `x:${resource}`)],
  ];
  for (const [field, list] of patterns) {
    for (const [index, pattern] of list.entries()) {
      const reason = patternFault(pattern, field === 'actions');
      if (reason !== null) return fault(`${path}.${field}[${index}]`, reason);
    }
  }
  return {
    id: rule.id,
    effect: rule.effect,
    principals: compileCapabilities(rule.principals),
    capabilities: compileCapabilities(
      rule.actions.flatMap((action) => rule.resources.map((resource) => `${action}:${resource}`)),
    ),
  };
}

function patternFault(pattern: string, action: boolean): string | null {
  if (pattern.startsWith('!')) return "a rule's patterns do not negate: write a deny rule";
  if (action && pattern.includes(':')) return 'an action pattern has no resource';
  try {
    compileCapabilities([pattern]);
    return null;
  } catch (error) {
    if (isOmegaError(error, 'INVALID_ARGUMENT')) return error.message;
    throw error;
  }
}

/**
 * Checks a request: an object whose principal is a capability, whose action is dotted words and whose
 * resource passes the grammar's resource checks, with a `context` of values. An `InvalidArgumentError`
 * naming the field (`details.path`) and the reason otherwise.
 */
export function checkRequest(request: unknown): AccessRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw badRequest('$', 'a request is an object { principal, action, resource, context? }', request);
  }
  const { principal, action, resource, context } = request as Record<string, unknown>;
  const checks: Array<[string, unknown, (value: unknown) => void]> = [
    ['principal', principal, assertCapability],
    ['action', action, assertAction],
    ['resource', resource, assertResource],
  ];
  for (const [field, value, check] of checks) {
    try {
      check(value);
    } catch (error) {
      if (!isOmegaError(error, 'INVALID_ARGUMENT')) throw error;
      throw badRequest(`$.${field}`, error.message, value, error);
    }
  }
  const checked: AccessRequest = {
    principal: principal as string,
    action: action as string,
    resource: resource as string,
  };
  if (context !== undefined) {
    if (typeof context !== 'object' || context === null || Array.isArray(context) || context instanceof Map) {
      throw badRequest('$.context', 'a context is a record of values', context);
    }
    checked.context = context as Record<string, Val>;
  }
  return checked;
}

function badRequest(path: string, reason: string, value: unknown, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`a security request is malformed at ${path}: ${reason}`, {
    cause,
    details: { kind: KIND, path, reason, ...(typeof value === 'string' ? { value } : {}) },
  });
}
