import { type Closable, type ProgressListener, TimestampSchema, type Val, ValSchema, z } from '@omega/core';

export type { Val } from '@omega/core';

/**
 * Who asks to do what to which resource. `principal` is a capability of `@omega/core`'s grammar
 * (`user:alice`, `agent:planner`, `service`), `action` its dotted words (`file.read`), `resource` a resource
 * of that grammar (`/srv/in.csv`, `docs/q1`, `https://example.com/a`): a `.` or `..` part, an empty part,
 * `%2F`, `%2E`, a backslash or a control character is an `InvalidArgumentError`, never normalized.
 * `context` is recorded in the audit (redacted), not evaluated, in this version.
 */
export const AccessRequestSchema = z.object({
  principal: z.string(),
  action: z.string(),
  resource: z.string(),
  context: z.record(z.string(), ValSchema).optional(),
});
export type AccessRequest = z.infer<typeof AccessRequestSchema>;

/**
 * What a policy decides for a request. `rules` are the determining rules, as Cedar reports them: every
 * matching deny when denied, every matching allow when allowed, none when nothing matched (the default
 * deny). `decisionId` is the SHA-256 of the policy hash and the redacted request: the same request under
 * the same policy is the same decision, and the audit records of its authorizations carry that id.
 */
export const DecisionSchema = z.object({
  allowed: z.boolean(),
  rules: z.array(z.string()),
  reason: z.string(),
  policyHash: z.string(),
  decisionId: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/**
 * One rule of a policy. It matches a request when one of `principals` covers the principal and one pair
 * of `actions` and `resources` covers `action:resource`, all patterns of `@omega/core`'s capability
 * grammar: `*` is one word of an action or one part of a resource, `**` the rest (`file.**`, `/srv/**`);
 * a principal pattern without `:` covers every principal of that type (`user` covers `user:alice`), and
 * `*` alone covers every principal. `id` follows the name rule and is unique in its policy.
 */
export const PolicyRuleSchema = z.object({
  id: z.string(),
  effect: z.enum(['allow', 'deny']),
  principals: z.array(z.string()),
  actions: z.array(z.string()),
  resources: z.array(z.string()),
});
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

/** A policy: its rules, in any order (deny overrides allow, so order never matters). */
export const PolicySchema = z.object({ rules: z.array(PolicyRuleSchema) });
export type Policy = z.infer<typeof PolicySchema>;

/** What a caller records in the audit besides decisions: who did what to which resource, and how it went. */
export const AuditEventInputSchema = z.object({
  principal: z.string(),
  action: z.string(),
  resource: z.string(),
  outcome: z.string(),
  data: ValSchema.optional(),
});
export type AuditEventInput = z.infer<typeof AuditEventInputSchema>;

/**
 * One audit record, as the log holds it: its position `seq` (from 0), the time the log assigned
 * (`loggedAt`, never decreasing along the log), the policy in force, and for a decision its id, its
 * determining rules and the redacted request. `outcome` is `allow` or `deny` for decisions,
 * `policy.load`/`policy.change` records carry the policy's hash, and other events what the caller gave.
 */
export const AuditEventSchema = z.object({
  seq: z.number().int().nonnegative(),
  loggedAt: TimestampSchema,
  principal: z.string(),
  action: z.string(),
  resource: z.string(),
  outcome: z.string(),
  policyHash: z.string(),
  decisionId: z.string().nullable(),
  rules: z.array(z.string()),
  request: AccessRequestSchema.nullable(),
  data: ValSchema.optional(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** Which audit records to list: by principal, action, `loggedAt >= since`, at most `limit`, in log order. */
export interface AuditQuery {
  principal?: string;
  action?: string;
  since?: number;
  limit?: number;
}

/**
 * What {@link SecurityProvider.verifyAudit} found: `ok` when every record reads back whole and the log
 * extends the checkpoints it was checked against; else the first bad record's `seq` where one is bad, and
 * why. `size` is the number of records checked.
 */
export interface AuditVerifyResult {
  ok: boolean;
  size: number;
  firstBadSeq?: number;
  reason?: string;
}

/** The audit tree's head: its size, RFC 9162 root, and a signed C2SP checkpoint of both to keep elsewhere. */
export interface AuditHead {
  origin: string;
  size: number;
  rootHash: string;
  checkpoint: string;
}

/**
 * One redaction rule, in the shape gitleaks uses: a `regex` (source, flags `g` added; `i` when
 * `caseInsensitive`) that finds a secret, the `secretGroup` that is the secret (0, the whole match, by
 * default), `keywords` of which one must appear (case-insensitively) before the regex runs, an optional
 * minimum Shannon `entropy` (bits per character) of the secret, an `allowlist` of regexes and stopwords
 * that clear a found secret, and true- and false-positive fixtures that the rule's tests check.
 */
export const RedactionRuleSchema = z.object({
  id: z.string(),
  description: z.string(),
  regex: z.string(),
  caseInsensitive: z.boolean().optional(),
  secretGroup: z.number().int().nonnegative().optional(),
  keywords: z.array(z.string()).min(1),
  entropy: z.number().nonnegative().optional(),
  allowlist: z
    .object({ regexes: z.array(z.string()).optional(), stopwords: z.array(z.string()).optional() })
    .optional(),
  truePositives: z.array(z.string()).min(1),
  falsePositives: z.array(z.string()),
});
export type RedactionRule = z.infer<typeof RedactionRuleSchema>;

/** A value, as it is returned by {@link SecurityProvider.redact}. */
export type Redacted = Val;

/**
 * Who may do what to which resource (a policy of allow and deny rules, default deny, deny overriding
 * allow), with an audit nobody can quietly edit: a Merkle log of every decision and policy change, with
 * signed checkpoints to keep elsewhere, and redaction of secrets before anything is recorded.
 *
 * Backends: `LocalSecurityProvider` (`@omega/security/memory`), `FilesystemSecurityProvider`
 * (`@omega/security/filesystem`) and `MockSecurityProvider` (`@omega/security/mock`). Every backend passes
 * `describeSecurityProvider` (`@omega/security/conformance`).
 */
export interface SecurityProvider extends Closable {
  /** The policy's decision for `request`, recording nothing: default deny, deny overrides allow. */
  check(request: AccessRequest): Decision;

  /**
   * {@link check}, then the decision's audit record, durable before this resolves: an allow only once it is
   * recorded, a `CapabilityDeniedError` for a deny (also recorded). When the record cannot be written the
   * promise rejects, and the caller must not act.
   */
  authorize(request: AccessRequest): Promise<Decision>;

  /** Records an event (its `data` redacted), durable before this resolves; resolves to the record. */
  audit(event: AuditEventInput): Promise<AuditEvent>;

  /** The audit records matching `query`, in log order. */
  auditLog(query?: AuditQuery): Promise<AuditEvent[]>;

  /**
   * Reads the whole audit back, checking each record, and proves that it extends `against` (a checkpoint
   * note from {@link auditHead}, kept elsewhere) and the last checkpoint this store signed.
   */
  verifyAudit(options?: { against?: string; onProgress?: ProgressListener }): Promise<AuditVerifyResult>;

  /** `value` with every secret found by the redaction rules, and every value of a secret-named key, replaced. */
  redact(value: Val): Redacted;

  /** The policy in force (a copy). */
  policy(): Policy;

  /**
   * Replaces the policy, once its `policy.change` record (with the new hash, by `principal`, default
   * `system`) is durable; the filesystem backend then writes `<root>/security/policy.json`. Resolves to
   * the new policy's hash.
   */
  setPolicy(policy: Policy, options?: { principal?: string }): Promise<string>;

  /** Reads the stored policy again (the filesystem backend's file, as another process or a person left it); resolves to its hash. */
  reloadPolicy(): Promise<string>;

  /** The audit tree's head, with a signed checkpoint to keep elsewhere for {@link verifyAudit}. */
  auditHead(): Promise<AuditHead>;

  /** The C2SP verifier key of the audit's checkpoints. */
  verifierKey(): Promise<string>;
}
