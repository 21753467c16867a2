import {
  assertCapability,
  Batches,
  CapabilityDeniedError,
  CheckpointKeeper,
  CompactRange,
  ConflictError,
  CorruptDataError,
  canonicalUtf8,
  checkProgress,
  checkpointDisagreement,
  checkSignerOption,
  type DocumentBackend,
  decode,
  explainNotVal,
  Front,
  type FrontInit,
  InvalidArgumentError,
  isOmegaError,
  type LogBackend,
  leafHash,
  logEntries,
  type ProgressListener,
  type Store,
  sha256Hex,
  type Val,
} from '@omega/core';
import type { SecurityFrontOptions } from './front-options.js';
import { checkFrontOptions } from './front-options.js';
import {
  type AccessRequest,
  type AuditEvent,
  type AuditEventInput,
  AuditEventInputSchema,
  type AuditHead,
  type AuditQuery,
  type AuditVerifyResult,
  type Decision,
  type Policy,
  type SecurityProvider,
} from './index.js';
import { type CompiledPolicy, checkRequest } from './policy.js';
import {
  argumentPolicy,
  checkPolicyStore,
  initialPolicy,
  optionPolicy,
  type PolicyStore,
  storedPolicy,
} from './policy-store.js';
import { Redactor } from './redaction.js';
import { DEFAULT_REDACTION_RULES, DEFAULT_SECRET_KEYS, SECRET_KEY_RULE } from './redaction-rules.js';
import {
  AUDIT_LOG,
  DOCUMENTS,
  type EntryHeader,
  entryText,
  eventOfEntry,
  KIND,
  LOG,
  type StateHeader,
} from './rules.js';

export type { SecurityFrontOptions } from './front-options.js';
export type { PolicyStore } from './policy-store.js';
export { DEFAULT_REDACTION_RULES, DEFAULT_SECRET_KEYS, SECRET_KEY_RULE } from './redaction-rules.js';

const SYSTEM = 'system';

/** What the audit's batches append: a decision to make, an event to record, or a policy to put in force. */
type Item =
  | { type: 'decision'; request: AccessRequest; redacted: AccessRequest }
  | { type: 'event'; event: AuditEventInput }
  | { type: 'policy'; action: 'policy.load' | 'policy.change'; policy: CompiledPolicy; principal: string };

/** What an item comes to: the decision and its record, or the record alone. */
interface Appended {
  event: AuditEvent | null;
  decision?: Decision;
}

/** What a read of the whole audit found (see `#scan`). */
interface Scan {
  size: number;
  root: string;
  roots: Map<number, string>;
  bad?: { seq: number; reason: string };
}

/** Where the audit ends: its size, the loggedAt of its last record and the policy it was made under. */
interface Tail {
  size: number;
  loggedAt: number;
  policyHash: string | null;
}

/**
 * The security family's rules, written once over the log and document ports of any {@link Store}: the
 * policy (checked and compiled once, in force until changed), decisions, and the audit as a Merkle log
 * (appends chained by the log's conditional append, never a lock) with signed checkpoints.
 */
export class SecurityFront extends Front implements SecurityProvider {
  /** Where and how the audit is stored in a store: log `audit` of folder `security-audit`, format `omega.security`. */
  static readonly LOG = LOG;
  /** The audit's state in a store: the last checkpoint and the store's own signer key, in `security-state`. */
  static readonly DOCUMENTS = DOCUMENTS;
  protected readonly log: LogBackend<EntryHeader>;
  protected readonly state: DocumentBackend<StateHeader>;
  readonly #provider: string;
  readonly #redactor: Redactor;
  readonly #policyStore: PolicyStore | null;
  #policy: CompiledPolicy;
  readonly #checkpoints: CheckpointKeeper;
  // The audit's tail after this provider's last append: the next batch's guess, which its conditional
  // append checks (a conflict reads the log again).
  #tail: Tail | null = null;
  // The first entry of the last append tried: where, and its text.
  #tried: { at: number; body: string } | null = null;
  readonly #appends = new Batches<Item, Appended>(
    (items) => this.#appendBatch(items),
    256,
    (item) => item.type === 'policy',
  );

  /**
   * A security provider over `store`'s log and documents, its policy from `options.policyStore` (else the
   * `policy` option); `init` is for provider classes (their name, the store's ownership).
   */
  constructor(store: Store, options: SecurityFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    const provider = init.provider ?? new.target.name;
    this.#provider = provider;
    const checked = checkFrontOptions(provider, options);
    const signer = checkSignerOption(provider, KIND, options.signer);
    this.#redactor = new Redactor(
      checked.redactionRules ?? DEFAULT_REDACTION_RULES,
      checked.secretKeys ?? DEFAULT_SECRET_KEYS,
      SECRET_KEY_RULE,
      provider,
    );
    this.#policyStore = checkPolicyStore(provider, options.policyStore);
    this.#policy = initialPolicy(provider, this.#policyStore, optionPolicy(provider, options.policy));
    this.log = store.log(LOG);
    this.state = store.documents(DOCUMENTS);
    this.#checkpoints = new CheckpointKeeper(this.state, checked.origin, signer, KIND);
  }

  check(request: AccessRequest): Decision {
    this.lifecycle.assertOpen('check');
    const { checked, redacted } = this.#checkRequest(request);
    return this.#policy.decide(checked, decisionIdOf(this.#policy.hash, redacted));
  }

  async authorize(request: AccessRequest): Promise<Decision> {
    this.lifecycle.assertOpen('authorize');
    const { checked, redacted } = this.#checkRequest(request);
    // Decided in the batch, under the policy in force when its record is appended.
    const { decision } = await this.#appends.submit({ type: 'decision', request: checked, redacted });
    const made = decision as Decision;
    if (!made.allowed) {
      throw new CapabilityDeniedError(
        `${redacted.principal} may not ${redacted.action} ${redacted.resource}: ${made.reason}`,
        {
          details: {
            kind: KIND,
            principal: redacted.principal,
            action: redacted.action,
            resource: redacted.resource,
            rules: made.rules,
            reason: made.reason,
            policyHash: made.policyHash,
            decisionId: made.decisionId,
          },
        },
      );
    }
    return made;
  }

  async audit(event: AuditEventInput): Promise<AuditEvent> {
    this.lifecycle.assertOpen('audit');
    const parsed = AuditEventInputSchema.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidArgumentError(`an audit event is malformed: ${issue?.message}`, {
        details: { kind: KIND, path: `$.${issue?.path.join('.') ?? ''}`, reason: issue?.message },
      });
    }
    for (const field of ['principal', 'action', 'resource', 'outcome'] as const) {
      if (parsed.data[field] === '') {
        throw new InvalidArgumentError(`an audit event needs a non-empty ${field}`, {
          details: { kind: KIND, path: `$.${field}`, reason: 'empty' },
        });
      }
    }
    const redacted = this.#redactor.value(parsed.data as unknown as Val) as AuditEventInput;
    canonicalUtf8(redacted as unknown as Val, KIND, '$');
    const { event: recorded } = await this.#appends.submit({ type: 'event', event: redacted });
    return recorded as AuditEvent;
  }

  async auditLog(query: AuditQuery = {}): Promise<AuditEvent[]> {
    this.lifecycle.assertOpen('auditLog');
    const { principal, action, since = 0, limit = Number.POSITIVE_INFINITY } = checkQuery(query);
    const found: AuditEvent[] = [];
    if (limit === 0) return found;
    for await (const entry of logEntries(this.log, AUDIT_LOG)) {
      const { header } = entry;
      if (principal !== undefined && header.principal !== principal) continue;
      if (action !== undefined && header.action !== action) continue;
      if (header.loggedAt < since) continue;
      found.push(
        this.log.prevalidated
          ? (decode(entry.body) as AuditEvent)
          : eventOfEntry(entry.position, header, entry.body),
      );
      if (found.length >= limit) break;
    }
    return found;
  }

  async verifyAudit(
    options: { against?: string; onProgress?: ProgressListener } = {},
  ): Promise<AuditVerifyResult> {
    this.lifecycle.assertOpen('verifyAudit');
    const against = options?.against;
    const progress = await checkProgress(options?.onProgress, () => this.log.size(AUDIT_LOG), {
      kind: KIND,
      method: 'verifyAudit',
    });
    if (against !== undefined && typeof against !== 'string') {
      throw new InvalidArgumentError('verifyAudit: against must be a checkpoint note', {
        details: { kind: KIND, argument: 'against' },
      });
    }
    // The checkpoints the log must extend: the caller's, kept elsewhere, and the last one signed here.
    const checkpoints = await this.#checkpoints.toVerify(against);
    if (typeof checkpoints === 'string') return { ok: false, size: 0, reason: checkpoints };
    const scan = await this.#scan(new Set(checkpoints.map((checkpoint) => checkpoint.size)), progress);
    if (scan.bad !== undefined) {
      return { ok: false, size: scan.size, firstBadSeq: scan.bad.seq, reason: scan.bad.reason };
    }
    for (const checkpoint of checkpoints) {
      const reason = checkpointDisagreement(
        checkpoint,
        scan.size,
        scan.roots.get(checkpoint.size),
        'audit records',
      );
      if (reason !== null) return { ok: false, size: scan.size, reason };
    }
    return { ok: true, size: scan.size };
  }

  redact(value: Val): Val {
    this.lifecycle.assertOpen('redact');
    const bad = explainNotVal(value);
    if (bad !== null) {
      throw new InvalidArgumentError(`redact takes a value: ${bad.reason} at ${bad.path}`, {
        details: { kind: KIND, path: bad.path, reason: bad.reason },
      });
    }
    return this.#redactor.value(value);
  }

  policy(): Policy {
    this.lifecycle.assertOpen('policy');
    return structuredClone(this.#policy.policy);
  }

  async setPolicy(policy: Policy, options: { principal?: string } = {}): Promise<string> {
    this.lifecycle.assertOpen('setPolicy');
    const compiled = argumentPolicy(this.#provider, policy);
    const principal = options?.principal ?? SYSTEM;
    assertCapability(principal);
    await this.#appends.submit({ type: 'policy', action: 'policy.change', policy: compiled, principal });
    return compiled.hash;
  }

  async reloadPolicy(): Promise<string> {
    this.lifecycle.assertOpen('reloadPolicy');
    const stored = storedPolicy(this.#policyStore);
    if (stored === null) return this.#policy.hash;
    await this.#appends.submit({ type: 'policy', action: 'policy.load', policy: stored, principal: SYSTEM });
    return stored.hash;
  }

  async auditHead(): Promise<AuditHead> {
    this.lifecycle.assertOpen('auditHead');
    const last = await this.#checkpoints.last();
    const scan = await this.#scan(new Set(last !== null && typeof last !== 'string' ? [last.size] : []));
    if (scan.bad !== undefined) {
      throw new CorruptDataError(`refusing to sign a checkpoint: ${scan.bad.reason}`, {
        details: { kind: KIND, seq: scan.bad.seq, reason: scan.bad.reason },
      });
    }
    const reason = await this.#checkpoints.lastDisagreement(
      scan.size,
      async (n) => scan.roots.get(n),
      'audit records',
    );
    if (reason !== null) {
      throw new CorruptDataError(`refusing to sign a checkpoint: ${reason}`, {
        details: { kind: KIND, reason },
      });
    }
    const checkpoint = await this.#checkpoints.sign(scan.size, scan.root);
    return { origin: this.#checkpoints.origin, size: scan.size, rootHash: scan.root, checkpoint };
  }

  async verifierKey(): Promise<string> {
    this.lifecycle.assertOpen('verifierKey');
    return this.#checkpoints.verifierKey();
  }

  /** The request checked, and as the audit records it: redacted. */
  #checkRequest(request: unknown): { checked: AccessRequest; redacted: AccessRequest } {
    const checked = checkRequest(request);
    if (checked.context !== undefined) {
      const bad = explainNotVal(checked.context);
      if (bad !== null) {
        throw new InvalidArgumentError(`a security request's context is not a value: ${bad.reason}`, {
          details: { kind: KIND, path: `$.context${bad.path.slice(1)}`, reason: bad.reason },
        });
      }
    }
    const redacted = this.#redactor.value(checked as unknown as Val) as unknown as AccessRequest;
    return { checked, redacted };
  }

  /**
   * Appends a batch as one conditional append at the log's size, each decision made under the policy in
   * force; when another appender came first, reads the log again and retries. A record made under a policy
   * the log does not show in force last is preceded by a `policy.load` record of it.
   */
  async #appendBatch(items: Item[]): Promise<Appended[]> {
    const [only] = items;
    const change = only?.type === 'policy' && only.action === 'policy.change' ? only.policy : null;
    // The stored policy first: a crash before its record leaves it to be recorded as loaded, before any
    // decision under it; a failure puts the old one back (a failed write may have landed all the same).
    this.#tried = null;
    try {
      if (change !== null) await this.#policyStore?.write(change.policy);
      return await this.#appendItems(items);
    } catch (error) {
      if (change === null) throw error;
      // A failed append may have landed all the same (its sync failed): then the change holds.
      if (await this.#landed()) this.#policy = change;
      else await this.#policyStore?.write(this.#policy.policy);
      throw error;
    }
  }

  /** Whether the last append this provider tried is in the log, though it failed. */
  async #landed(): Promise<boolean> {
    const tried = this.#tried;
    if (tried === null) return false;
    const [entry] = await this.log.read(AUDIT_LOG, { from: tried.at, limit: 1 });
    return entry?.body === tried.body;
  }

  async #appendItems(items: Item[]): Promise<Appended[]> {
    for (;;) {
      const tail = this.#tail ?? (await this.#readTail());
      const loggedAt = Math.max(this.timestamp(AUDIT_LOG), tail.loggedAt);
      const entries: Array<{ header: EntryHeader; body: string }> = [];
      let inForce = tail.policyHash;
      const append = (fields: Omit<AuditEvent, 'seq' | 'loggedAt'>): AuditEvent => {
        const event = { seq: tail.size + entries.length, loggedAt, ...fields } as AuditEvent;
        const { principal, action, policyHash } = event;
        entries.push({ header: { principal, action, loggedAt, policyHash }, body: entryText(event) });
        inForce = policyHash;
        return event;
      };
      const policy = this.#policy;
      const results = items.map((item): Appended => {
        if (item.type === 'policy') {
          if (item.action === 'policy.load' && inForce === item.policy.hash) return { event: null };
          return { event: append(policyEvent(item.action, item.principal, item.policy, policy.hash)) };
        }
        if (inForce !== policy.hash) append(policyEvent('policy.load', SYSTEM, policy, inForce));
        if (item.type === 'event') {
          return { event: append({ ...baseFields(policy), ...item.event }) };
        }
        const decision = policy.decide(item.request, decisionIdOf(policy.hash, item.redacted));
        const { principal, action, resource } = item.redacted;
        const event = append({
          principal,
          action,
          resource,
          outcome: decision.allowed ? 'allow' : 'deny',
          policyHash: policy.hash,
          decisionId: decision.decisionId,
          rules: decision.rules,
          request: item.redacted,
        });
        return { event, decision };
      });
      this.#tried = entries.length === 0 ? null : { at: tail.size, body: entries[0]!.body };
      try {
        if (entries.length > 0) await this.log.append(AUDIT_LOG, entries, { expectedSize: tail.size });
      } catch (error) {
        this.#tail = null;
        // Another appender took these positions: read what it appended, then try again after it.
        if (error instanceof ConflictError) continue;
        throw error;
      }
      this.#tail = {
        size: tail.size + entries.length,
        loggedAt: entries.length > 0 ? loggedAt : tail.loggedAt,
        policyHash: inForce,
      };
      const [only] = items;
      if (only?.type === 'policy') this.#policy = only.policy;
      return results;
    }
  }

  async #readTail(): Promise<Tail> {
    const last = await this.log.last(AUDIT_LOG);
    if (last === null) return { size: 0, loggedAt: 0, policyHash: null };
    return { size: last.position + 1, loggedAt: last.header.loggedAt, policyHash: last.header.policyHash };
  }

  /**
   * Reads the whole audit, checking every record: how many read back whole before the first bad one, their
   * root, the roots at the `wanted` sizes, and which record is bad and why.
   */
  async #scan(
    wanted: ReadonlySet<number>,
    progress?: Awaited<ReturnType<typeof checkProgress>>,
  ): Promise<Scan> {
    const range = new CompactRange();
    const roots = new Map<number, string>();
    if (wanted.has(0)) roots.set(0, range.root());
    try {
      for await (const entry of logEntries(this.log, AUDIT_LOG)) {
        eventOfEntry(entry.position, entry.header, entry.body);
        range.append(leafHash(Buffer.from(entry.body)));
        if (wanted.has(range.size)) roots.set(range.size, range.root());
        progress?.at(range.size);
      }
    } catch (error) {
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      // The record's own seq, or the entry the log port could not read (a framing or checksum fault).
      const at = error.details.seq ?? error.details.position;
      const seq = typeof at === 'number' && at >= range.size ? at : range.size;
      return { size: range.size, root: range.root(), roots, bad: { seq, reason: error.message } };
    }
    progress?.end(range.size);
    return { size: range.size, root: range.root(), roots };
  }
}

/** The id of a decision: the same redacted request under the same policy is the same decision. */
function decisionIdOf(policyHash: string, redacted: AccessRequest): string {
  // canonicalUtf8: a request the audit could not record (a lone surrogate) is refused here, in check too.
  return sha256Hex(canonicalUtf8({ policyHash, request: redacted as unknown as Val }, KIND, '$.request'));
}

function baseFields(policy: CompiledPolicy) {
  return { policyHash: policy.hash, decisionId: null, rules: [] as string[], request: null };
}

function policyEvent(
  action: 'policy.load' | 'policy.change',
  principal: string,
  policy: CompiledPolicy,
  previousHash: string | null,
): Omit<AuditEvent, 'seq' | 'loggedAt'> {
  return {
    ...baseFields(policy),
    principal,
    action,
    resource: 'policy',
    outcome: 'ok',
    rules: policy.policy.rules.map((rule) => rule.id),
    data: { policy: policy.policy as unknown as Val, previousHash },
  };
}

function checkQuery(query: unknown): AuditQuery {
  const bad = (argument: string, rule: string) =>
    new InvalidArgumentError(`auditLog: ${argument} ${rule}`, { details: { kind: KIND, argument } });
  if (typeof query !== 'object' || query === null) throw bad('query', 'must be an object');
  const { principal, action, since, limit } = query as AuditQuery;
  if (principal !== undefined && typeof principal !== 'string') throw bad('principal', 'must be a string');
  if (action !== undefined && typeof action !== 'string') throw bad('action', 'must be a string');
  if (since !== undefined && (typeof since !== 'number' || Number.isNaN(since)))
    throw bad('since', 'must be a number');
  if (
    limit !== undefined &&
    !(limit === Number.POSITIVE_INFINITY || (Number.isSafeInteger(limit) && limit >= 0))
  ) {
    throw bad('limit', 'must be a non-negative integer');
  }
  return query as AuditQuery;
}
