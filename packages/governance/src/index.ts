import { type Closable, z } from '@omega/core';

/** The four budget dimensions of the lineage (25-BUDGET.md). */
export const BUDGET_TYPES = ['tokens', 'cost', 'time', 'iterations'] as const;

/**
 * A budget dimension: `tokens` (input + output, as reported), `cost` (USD), `time` (seconds of active run
 * time, debited by whoever runs: never read from a wall clock), `iterations` (loop or turn counts).
 */
export const BudgetTypeSchema = z.enum(BUDGET_TYPES);
export type BudgetType = z.infer<typeof BudgetTypeSchema>;

/** A limit: a finite amount >= 0 in the type's unit, or `null` (or absent) for unlimited. */
export const LimitSchema = z.number().nonnegative().finite().nullable();

/** Limits per type; an absent or `null` type is unlimited. */
export const LimitsSchema = z
  .object({
    tokens: LimitSchema.optional(),
    cost: LimitSchema.optional(),
    time: LimitSchema.optional(),
    iterations: LimitSchema.optional(),
  })
  .strict();
export type Limits = z.infer<typeof LimitsSchema>;

/** Alert thresholds per type: fractions of the limit in (0, 1], each emitted once per ledger and period. */
export const AlertsSchema = z
  .object({
    tokens: z.array(z.number().gt(0).lte(1)).optional(),
    cost: z.array(z.number().gt(0).lte(1)).optional(),
    time: z.array(z.number().gt(0).lte(1)).optional(),
    iterations: z.array(z.number().gt(0).lte(1)).optional(),
  })
  .strict();
export type Alerts = z.infer<typeof AlertsSchema>;

/** A calendar period (UTC) after which a ledger's use resets. */
export const PeriodSchema = z.enum(['day', 'week', 'month']);
export type Period = z.infer<typeof PeriodSchema>;

/**
 * A governance profile: the capabilities it grants (patterns of `@omega/core`'s grammar, `!` to deny),
 * its budget, and its alert thresholds. The lineage's `explore`, `pragmatic`, `strict` and `airgap`
 * ship as {@link PROFILES} (in `./profiles`).
 */
export const ProfileSchema = z
  .object({
    name: z.string().min(1),
    caps: z.array(z.string()),
    budget: LimitsSchema,
    alerts: AlertsSchema.optional(),
    description: z.string().optional(),
  })
  .strict();
export type Profile = z.infer<typeof ProfileSchema>;

/** The capability patterns a provider holds: those granting, and those denying (written without `!`). */
export const CapSetSchema = z.object({ granted: z.array(z.string()), denied: z.array(z.string()) });
export type CapSet = z.infer<typeof CapSetSchema>;

const perType = <T extends z.ZodType>(value: T) =>
  z.object({ tokens: value, cost: value, time: value, iterations: value });

/** Limits of every type, `null` for unlimited. */
export const AllLimitsSchema = perType(LimitSchema);
/** An amount of every type, in the type's unit (USD for cost, seconds for time). */
export const AmountsSchema = perType(z.number().nonnegative());
/** What remains of every type: `null` for unlimited. */
export const RemainingSchema = perType(z.number().nonnegative().nullable());

/** The budget a provider tracks, as a snapshot: limits, what is consumed and what is reserved. */
export const BudgetSchema = z.object({
  limits: AllLimitsSchema,
  consumed: AmountsSchema,
  reserved: AmountsSchema,
});
export type Budget = z.infer<typeof BudgetSchema>;

/**
 * A snapshot of a budget: the lineage's `limits`, `consumed` and `remaining`, and per type what is
 * `reserved`, whether it was `exceeded` (a consume or reserve refused, or an overrun), the `overruns`
 * (what commits spent beyond what fitted), what was `expired` (reservations released because their
 * expiry passed or their owner died), what was `forfeited` (leases of remote clients swept unreported,
 * counted as consumed), and the alert `thresholds` crossed this period.
 */
export const BudgetReportSchema = z.object({
  limits: AllLimitsSchema,
  consumed: AmountsSchema,
  remaining: RemainingSchema,
  reserved: AmountsSchema,
  exceeded: perType(z.boolean()),
  overruns: AmountsSchema,
  expired: AmountsSchema,
  /** What leases of remote clients that stopped heartbeating held when swept: spent, never returned. */
  forfeited: AmountsSchema,
  thresholds: perType(z.array(z.number())),
  /** The calendar period and when the current one started (ms since the epoch), or null. */
  period: z.object({ kind: PeriodSchema, start: z.number().int() }).nullable(),
});
export type BudgetReport = z.infer<typeof BudgetReportSchema>;

/**
 * How many settled keys a ledger remembers (the most recent; older ones are forgotten, and a commit with
 * a forgotten key charges again). Sized for the commits of one run that a resumed step may repeat.
 */
export const SETTLED_KEYS = 256;

/** The longest settle key, in characters: a run name (128) with its step and index fits well. */
export const SETTLED_KEY_MAX_LENGTH = 256;

/** Options of {@link Reservation.commit}. */
export interface CommitOptions {
  /**
   * Makes the commit idempotent: a commit whose key was already settled for the reservation's budget type
   * in the same ledger (among the last {@link SETTLED_KEYS}) consumes nothing, releases its reservation and
   * reports `duplicate: true`. A non-empty string of at most {@link SETTLED_KEY_MAX_LENGTH} characters.
   */
  key?: string;
}

/** How a reservation was settled. */
export interface Settlement {
  /** What was consumed, in the type's unit (0 for a release). */
  consumed: number;
  /** What a commit spent beyond what fitted: recorded as an overrun, never admitted above a limit. */
  overrun: number;
  /**
   * True when the reservation had already been released for its owner's death, its expiry, or a
   * `reset()`: a commit then consumes what fits of `actual` on its own, the rest an overrun.
   */
  expired: boolean;
  /**
   * Present on a keyed commit: true when its key had been settled already, so nothing was consumed
   * (`consumed` and `overrun` 0) and the reservation was released.
   */
  duplicate?: boolean;
}

/**
 * Budget held for a call whose cost is known only afterwards: it counts as spent for everyone else until
 * it is committed (at the actual amount) or released. A cancelled model call is committed at the usage it
 * reported; `release` is for calls that spent nothing.
 */
export interface Reservation {
  /** Unique in its ledger. */
  readonly id: string;
  readonly type: BudgetType;
  /** The amount held, in the type's unit, as rounded up by the ledger. */
  readonly amount: number;
  /**
   * Settles the reservation at `actual` (see {@link Settlement}); settling twice is a `ConflictError`.
   * With a `key` (see {@link CommitOptions}), a commit repeated after a crash charges once.
   */
  commit(actual: number, options?: CommitOptions): Settlement;
  /** Returns the reservation whole, recording `reason`; settling twice is a `ConflictError`. */
  release(reason: string): Settlement;
  /** Pushes the expiry to `ttlMs` (default: the provider's) from now; false when it is already gone. */
  renew(ttlMs?: number): boolean;
  /** When the reservation expires (ms since the epoch), as of its last renewal. */
  readonly expiresAt: number;
}

/** An alert threshold crossed: emitted once per ledger, scope and period. */
export interface BudgetAlert {
  /** The ledger's name. */
  budget: string;
  /** `root`, or the id of the child scope whose use crossed it. */
  scope: string;
  type: BudgetType;
  threshold: number;
  consumed: number;
  limit: number;
  /** When it was crossed (the provider's clock). */
  at: number;
}

/**
 * Capabilities and budgets (the seed's interface, 25-BUDGET.md, kept exactly, plus reservations, scoped
 * children, alerts and close). Every method is synchronous, as in the seed.
 *
 * Backends: `LocalGovernanceProvider` (`@omega/governance/memory`), `FilesystemGovernanceProvider`
 * (`@omega/governance/filesystem`, one ledger per budget name shared by the processes of a host) and
 * `MockGovernanceProvider` (`@omega/governance/mock`). Every backend passes `describeGovernanceProvider`
 * (`@omega/governance/conformance`).
 */
export interface GovernanceProvider extends Closable {
  /** Get current profile */
  getProfile(): Profile;

  /** Get capability set */
  getCaps(): CapSet;

  /** Check if capability granted (a string that is not a capability is an `InvalidArgumentError`). */
  checkCap(cap: string): boolean;

  /** Get budget tracker (a snapshot) */
  getBudget(): Budget;

  /**
   * Consume budget (returns false if exceeded): atomic, it consumes and returns true when consumed +
   * reserved + amount <= limit, else consumes nothing. A negative, NaN or infinite amount, or an unknown
   * type, is an `InvalidArgumentError`.
   */
  consumeBudget(type: 'tokens' | 'cost' | 'time' | 'iterations', amount: number): boolean;

  /** Check if budget remains (false once the limit is reached exactly) */
  hasRemaining(type: 'tokens' | 'cost' | 'time' | 'iterations'): boolean;

  /** Get remaining budget (`null`: unlimited) */
  remaining(type: 'tokens' | 'cost' | 'time' | 'iterations'): number | null;

  /** Get all remaining */
  remainingAll(): Record<'tokens' | 'cost' | 'time' | 'iterations', number | null>;

  /** Get full budget report (a snapshot, not a live view) */
  report(): BudgetReport;

  /** Reset budget to initial: use, overruns and alerts zeroed, reservations dropped. */
  reset(): void;

  /** Holds `amount` of `type` for a later commit, or returns null when it does not fit. */
  reserve(type: BudgetType, amount: number): Reservation | null;

  /**
   * A scoped budget (the lineage's `with-budget`): a provider over the same ledger whose every consume
   * and reservation also debits this one, all or nothing.
   */
  child(limits: Limits): GovernanceProvider;

  /**
   * Adds a listener of the alert thresholds this provider's and its children's operations cross (each
   * emitted once per ledger, scope and period, by the process whose operation crossed it); returns its
   * removal.
   */
  onAlert(listener: (alert: BudgetAlert) => void): () => void;
}

/*
 * The lineage's four canonical profiles (hypnotranz/Omega, src/core/governance/profile.ts), with budgets
 * in this family's four types. Capabilities are the lineage's, in both its spellings (`cap.eval` and the
 * legacy `eval` that its makeProfile adds). The lineage bounds oracle turns, eval steps and tool calls;
 * `iterations` takes its oracle-turn bound (the unit 25-BUDGET.md's sessions count as iterations), and
 * tokens, cost and time, which the lineage left unbounded there, get finite bounds in the same ratios.
 */

const ALERTS: Alerts = {
  tokens: [0.5, 0.8, 0.95],
  cost: [0.5, 0.8, 0.95],
  time: [0.5, 0.8, 0.95],
  iterations: [0.5, 0.8, 0.95],
};

const withLegacy = (caps: string[]): string[] => [
  ...caps,
  ...caps.filter((cap) => cap.startsWith('cap.')).map((cap) => cap.slice(4)),
];

/** Rapid exploration without commits or tools: generous budgets, still bounded. */
export const EXPLORE: Profile = {
  name: 'explore',
  description: 'Rapid exploration without commits or tools; generous budgets, still bounded.',
  caps: withLegacy(['cap.eval', 'cap.apply', 'cap.observe', 'cap.infer']),
  budget: { tokens: 1_000_000, cost: 10, time: 3_600, iterations: 1_000 },
  alerts: ALERTS,
};

/** Real engineering with CI-like discipline: inference, tests, commits, shell and files. The default. */
export const PRAGMATIC: Profile = {
  name: 'pragmatic',
  description: 'Real engineering with CI-like discipline: infer, test, commit, shell and files.',
  caps: [
    ...withLegacy([
      'cap.eval',
      'cap.apply',
      'cap.observe',
      'cap.infer',
      'cap.test',
      'cap.commit.rewrite',
      'cap.commit.method',
      'cap.generic.autofill',
    ]),
    'shell',
    'file.read',
    'file.write',
  ],
  budget: { tokens: 5_000_000, cost: 50, time: 14_400, iterations: 10_000 },
  alerts: ALERTS,
};

/** Production semantics: observation, tests and commits only, under tight budgets. */
export const STRICT: Profile = {
  name: 'strict',
  description: 'Production semantics: observe, test and commit only; tight budgets.',
  caps: withLegacy(['cap.observe', 'cap.test', 'cap.commit.rewrite', 'cap.commit.method']),
  budget: { tokens: 100_000, cost: 1, time: 600, iterations: 100 },
  alerts: ALERTS,
};

/** Private, offline, reproducible: inference and observation, no tools, no paid spend. */
export const AIRGAP: Profile = {
  name: 'airgap',
  description: 'Private and offline: infer and observe only; no tools, no paid spend.',
  caps: withLegacy(['cap.observe', 'cap.infer']),
  budget: { tokens: 50_000, cost: 0, time: 300, iterations: 50 },
  alerts: ALERTS,
};

/** The lineage's profiles by name. */
export const PROFILES: Readonly<Record<'explore' | 'pragmatic' | 'strict' | 'airgap', Profile>> =
  Object.freeze({
    explore: EXPLORE,
    pragmatic: PRAGMATIC,
    strict: STRICT,
    airgap: AIRGAP,
  });

/** The profile of a provider given none. */
export const DEFAULT_PROFILE = PRAGMATIC;
