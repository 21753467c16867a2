import {
  assertValidName,
  ConflictError,
  compileCapabilities,
  type FrontOptions,
  InvalidArgumentError,
} from '@omega/core';
import {
  BUDGET_TYPES,
  type BudgetAlert,
  type BudgetType,
  DEFAULT_PROFILE,
  type Limits,
  LimitsSchema,
  type Period,
  PeriodSchema,
  PROFILES,
  type Profile,
  ProfileSchema,
} from './index.js';
import { type Ledger, type Owner, OwnerSchema, type OwnerState, ROOT, type UnitLimits } from './ledger.js';
import { KIND } from './rules.js';
import { fromUnits, toUnits } from './units.js';

/*
 * What every governance backend, local or remote, takes and checks: its options, and the limits a stored
 * ledger owns against the profile's.
 */

const DEFAULT_TTL_MS = 10 * 60_000;

/** Options every governance backend takes. */
export interface GovernanceFrontOptions extends FrontOptions {
  /** The ledger's name (the name rule of `@omega/core`); default `default`. */
  budget?: string;
  /** A profile, or the name of one of the lineage's (`explore`, `pragmatic`, `strict`, `airgap`); default `pragmatic`. */
  profile?: Profile | keyof typeof PROFILES;
  /** A calendar period (UTC) after which the ledger's use resets; default none. */
  period?: Period | null;
  /** How long a reservation holds before it is released as expired, unless renewed; default 10 minutes. */
  reservationTtlMs?: number;
  /**
   * The ledger owns its limits: opening one whose limits, alert thresholds or period differ from the
   * profile's is a `ConflictError`, unless this is true, and the provider then takes the ledger's.
   */
  adoptLimits?: boolean;
  /** Who holds the reservations this provider makes; default this process, as far as it is known. */
  owner?: Owner;
  /** Tells whether an owner still runs; a `'dead'` owner's reservations are released. Default: `'unknown'`. */
  ownerState?: (owner: Owner) => OwnerState;
  /** Called with every alert threshold this provider's operations cross (see {@link BudgetAlert}). */
  onAlert?: (alert: BudgetAlert) => void;
}

/** The options every governance backend takes, checked, with their defaults. */
export interface CheckedOptions {
  budget: string;
  profile: Profile;
  period: Period | null;
  ttlMs: number;
  adopt: boolean;
  owner: Owner;
  ownerState: (owner: Owner) => OwnerState;
}

export function optionError(
  provider: string,
  option: string,
  value: unknown,
  rule: string,
): InvalidArgumentError {
  return new InvalidArgumentError(`${provider}: option ${option} ${rule}`, {
    details: { provider, kind: KIND, option, value },
  });
}

// At construction, so a bad option fails where it was given.
export function checkOptions(provider: string, options: GovernanceFrontOptions): CheckedOptions {
  const budget = options.budget ?? 'default';
  assertValidName(KIND, budget);
  const profile = profileOf(provider, options.profile);
  // Compiled here so a malformed pattern fails at construction, naming the pattern and position.
  compileCapabilities(profile.caps);
  const period = options.period ?? null;
  if (period !== null && !PeriodSchema.safeParse(period).success) {
    throw optionError(provider, 'period', period, "must be 'day', 'week', 'month' or null");
  }
  const ttlMs =
    options.reservationTtlMs === undefined
      ? DEFAULT_TTL_MS
      : checkTtl(provider, options.reservationTtlMs, 'reservationTtlMs');
  if (options.adoptLimits !== undefined && typeof options.adoptLimits !== 'boolean') {
    throw optionError(provider, 'adoptLimits', options.adoptLimits, 'must be a boolean');
  }
  if (options.owner !== undefined && !OwnerSchema.safeParse(options.owner).success) {
    throw optionError(
      provider,
      'owner',
      options.owner,
      'must be a holder identity (pid, start, pidNs, timeNs, boot, host)',
    );
  }
  for (const option of ['ownerState', 'onAlert'] as const) {
    if (options[option] !== undefined && typeof options[option] !== 'function') {
      throw optionError(provider, option, options[option], 'must be a function');
    }
  }
  return {
    budget,
    profile,
    period,
    ttlMs,
    adopt: options.adoptLimits ?? false,
    owner: options.owner ?? { pid: process.pid, start: '', pidNs: '', timeNs: '', boot: '', host: '' },
    ownerState: options.ownerState ?? (() => 'unknown'),
  };
}

export function checkTtl(provider: string, ttlMs: unknown, option: string): number {
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw optionError(provider, option, ttlMs, 'must be a positive integer of milliseconds');
  }
  return ttlMs;
}

function profileOf(provider: string, profile: GovernanceFrontOptions['profile']): Profile {
  if (profile === undefined) return structuredClone(DEFAULT_PROFILE);
  if (typeof profile === 'string') {
    if (!Object.hasOwn(PROFILES, profile)) {
      throw optionError(
        provider,
        'profile',
        profile,
        `must be a profile or one of ${Object.keys(PROFILES).join(', ')}`,
      );
    }
    return structuredClone(PROFILES[profile]);
  }
  const parsed = ProfileSchema.safeParse(profile);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError(
      `${provider}: option profile is not a profile: ${issue?.message} at ${issue?.path.join('.') || '$'}`,
      { details: { provider, kind: KIND, option: 'profile', path: issue?.path.join('.') ?? '' } },
    );
  }
  return structuredClone(parsed.data);
}

export function limitsInUnits(provider: string, limits: unknown, option: string): UnitLimits {
  const parsed = LimitsSchema.safeParse(limits);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError(
      `${provider}: ${option} are not limits: ${issue?.message} at ${issue?.path.join('.') || '$'}`,
      {
        details: { provider, kind: KIND, option, path: issue?.path.join('.') ?? '' },
      },
    );
  }
  const units = {} as UnitLimits;
  for (const type of BUDGET_TYPES) {
    const limit = parsed.data[type];
    units[type] =
      limit === undefined || limit === null
        ? null
        : toUnits(type, limit, 'down', { provider, kind: KIND }, option);
  }
  return units;
}

export function alertsOf(profile: Profile): Record<BudgetType, number[]> {
  const alerts = {} as Record<BudgetType, number[]>;
  for (const type of BUDGET_TYPES)
    alerts[type] = [...new Set(profile.alerts?.[type] ?? [])].sort((a, b) => a - b);
  return alerts;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * The profile and period in force over a stored ledger, which owns its limits: the caller's when the
 * ledger's limits, alert thresholds and period are the same; the ledger's when they differ and `adopt`;
 * otherwise a `ConflictError` naming what differs.
 */
export function adoptOrRefuse(
  provider: string,
  ledger: Ledger,
  wanted: { budget: string; profile: Profile; period: Period | null; adopt: boolean },
  file: string | undefined,
): { profile: Profile; period: Period | null } {
  const { budget, profile, period } = wanted;
  const limits = limitsInUnits(provider, profile.budget, 'profile.budget');
  const alerts = alertsOf(profile);
  const root = ledger.scopes[ROOT]!;
  const differs = [
    ...BUDGET_TYPES.filter((type) => root.limits[type] !== limits[type]).map((type) => `limits.${type}`),
    ...BUDGET_TYPES.filter((type) => !sameList(ledger.alerts[type], alerts[type])).map(
      (type) => `alerts.${type}`,
    ),
    ...(ledger.period === period ? [] : ['period']),
  ];
  if (differs.length === 0) return { profile, period };
  if (!wanted.adopt) {
    throw new ConflictError(
      `budget "${budget}" is kept with other ${differs.join(', ')} than profile "${profile.name}" sets: pass adoptLimits to use the ledger's`,
      { details: { provider, kind: KIND, name: budget, file, differs } },
    );
  }
  const adopted: Limits = {};
  const adoptedAlerts: NonNullable<Profile['alerts']> = {};
  for (const type of BUDGET_TYPES) {
    const unit = root.limits[type];
    adopted[type] = unit === null ? null : fromUnits(type, unit);
    if (ledger.alerts[type].length > 0) adoptedAlerts[type] = [...ledger.alerts[type]];
  }
  return { profile: { ...profile, budget: adopted, alerts: adoptedAlerts }, period: ledger.period };
}
