import { InvalidArgumentError, type Store } from '@omega/core';
import { type Limits, LimitsSchema, PROFILES, type Profile, ProfileSchema } from '@omega/governance';
import { type PolicyRule, PolicyRuleSchema } from '@omega/security';
import { type Families, isFamilyName } from './families.js';
import { type PriceTable, PriceTableSchema } from './prices.js';

/** Where a runtime keeps what its families store. */
export type Preset = 'filesystem' | 'memory' | 'postgres';

/** Options of {@link createRuntime}; every one is optional. */
export interface RuntimeOptions {
  /**
   * `filesystem` (default): one store under `root`; `memory`: one store in this process; `postgres`: one
   * PostgreSQL store (`connectionString`, `@omega/postgres` installed). Ignored when `store` is given.
   */
  preset?: Preset;
  /** Root of the filesystem preset (default `.omega`, resolved against the working directory). */
  root?: string;
  /** fsync every write of the filesystem preset (default true); false keeps writes atomic only. */
  durable?: boolean;
  /**
   * A store of yours (any `@omega/core` Store) under every asynchronous family; the caller keeps it and
   * closes it. The synchronous families (artifact, logic) use it when it has synchronous faces, else a
   * memory store of the runtime's; governance takes its ledger from it either way.
   */
  store?: Store;
  /** Where the postgres preset connects (default: the `OMEGA_POSTGRES_URL` environment variable). */
  connectionString?: string;
  /**
   * The governance profile, or the name of one of governance's (`explore`, `pragmatic`, `strict`,
   * `airgap`). Default: `pragmatic` with every effect granted (`effect:**`).
   */
  profile?: string | Profile;
  /** The access policy's rules (default: allow every effect the profile grants, deny those it denies). */
  policy?: PolicyRule[];
  /** Prices per model (or per op), to turn an estimate's or a result's tokens into cost. */
  prices?: PriceTable;
  /** Budget limits replacing the profile's, per type (`tokens`, `cost`, `time`, `iterations`; null: none). */
  budget?: Limits;
  /** The governance ledger's name (default `default`). */
  ledger?: string;
  /**
   * Where governance is a remote client (the postgres preset, a store without synchronous faces): the
   * largest lease it holds, as a fraction of each limit, in (0, 1] (default governance's, 0.05). A single
   * reservation larger than the lease is refused, so a run whose calls each take a large share of the
   * budget needs a larger lease; 1 suits one process per ledger.
   */
  leaseSize?: number;
  /** A folder of Markdown expert files (default: the built-in experts). */
  experts?: string;
  /** Providers of yours for some families (a mock, say): used as they are, and never closed by the runtime. */
  providers?: Partial<Families>;
}

/** The options, checked, with their defaults. */
export interface CheckedOptions {
  preset: Preset;
  root: string;
  durable: boolean;
  store: Store | undefined;
  connectionString: string | undefined;
  profile: Profile;
  policy: PolicyRule[];
  prices: PriceTable;
  ledger: string | undefined;
  leaseSize: number | undefined;
  experts: string | undefined;
  providers: Partial<Families>;
}

/** The runtime's default grant: every effect (`effect:*` for every op, `/`-separated ones included). */
export const EFFECT_GRANT = 'effect:**';

const PRESETS: readonly Preset[] = ['filesystem', 'memory', 'postgres'];

function wrong(option: string, rule: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`createRuntime: option ${option} ${rule}`, {
    details: { provider: 'createRuntime', option, value: typeof value === 'function' ? 'function' : value },
  });
}

function optionalString(options: RuntimeOptions, option: keyof RuntimeOptions): string | undefined {
  const value = options[option];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw wrong(option, 'must be a non-empty string', value);
  return value;
}

/** The profile in force: the given one (or the named one of governance's), its budget replaced by `budget`. */
function profileOf(profile: RuntimeOptions['profile'], budget: RuntimeOptions['budget']): Profile {
  let base: Profile;
  if (profile === undefined) {
    base = { ...PROFILES.pragmatic, caps: [...PROFILES.pragmatic.caps, EFFECT_GRANT] };
  } else if (typeof profile === 'string') {
    const named = (PROFILES as Record<string, Profile>)[profile];
    if (!Object.hasOwn(PROFILES, profile) || named === undefined) {
      throw wrong('profile', `must be a Profile or one of ${Object.keys(PROFILES).join(', ')}`, profile);
    }
    base = named;
  } else {
    const parsed = ProfileSchema.safeParse(profile);
    if (!parsed.success)
      throw wrong('profile', `is not a Profile: ${parsed.error.issues[0]?.message}`, profile);
    base = parsed.data;
  }
  if (budget === undefined) return base;
  const limits = LimitsSchema.safeParse(budget);
  if (!limits.success) {
    throw wrong('budget', `is not a set of limits: ${limits.error.issues[0]?.message}`, budget);
  }
  return { ...base, budget: { ...base.budget, ...limits.data } };
}

/**
 * The policy a runtime uses given none: what the profile grants of `effect:...` is allowed, what it denies
 * is denied, for every principal. An effect is the request `{ action: 'effect', resource: op }`.
 */
export function defaultPolicy(profile: Profile): PolicyRule[] {
  const resources = (denied: boolean) =>
    profile.caps
      .filter((cap) => cap.startsWith('!') === denied)
      .map((cap) => (denied ? cap.slice(1) : cap))
      .flatMap((cap) => {
        if (cap === '*' || cap === 'effect') return ['**'];
        return cap.startsWith('effect:') ? [cap.slice('effect:'.length)] : [];
      });
  const rules: PolicyRule[] = [];
  const allowed = resources(false);
  const denied = resources(true);
  if (allowed.length > 0) {
    rules.push({
      id: 'profile-effects',
      effect: 'allow',
      principals: ['*'],
      actions: ['effect'],
      resources: allowed,
    });
  }
  if (denied.length > 0) {
    rules.push({
      id: 'profile-denied-effects',
      effect: 'deny',
      principals: ['*'],
      actions: ['effect'],
      resources: denied,
    });
  }
  return rules;
}

/** Checks `options` (an `InvalidArgumentError` naming the option) and fills in the defaults. */
export function checkOptions(options: RuntimeOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) throw wrong('options', 'must be an object', options);
  const preset = options.preset ?? 'filesystem';
  if (!PRESETS.includes(preset)) throw wrong('preset', `must be one of ${PRESETS.join(', ')}`, preset);
  const durable = options.durable ?? true;
  if (typeof durable !== 'boolean') throw wrong('durable', 'must be a boolean', durable);
  const store = options.store;
  if (
    store !== undefined &&
    (typeof store !== 'object' || store === null || typeof store.log !== 'function')
  ) {
    throw wrong('store', 'must be a Store of @omega/core (documents, log, blobs, close)', store);
  }
  const profile = profileOf(options.profile, options.budget);
  let policy: PolicyRule[];
  if (options.policy === undefined) {
    policy = defaultPolicy(profile);
  } else {
    const parsed = PolicyRuleSchema.array().safeParse(options.policy);
    if (!parsed.success)
      throw wrong('policy', `is not a list of rules: ${parsed.error.issues[0]?.message}`, options.policy);
    policy = parsed.data;
  }
  const prices = PriceTableSchema.safeParse(options.prices ?? {});
  if (!prices.success)
    throw wrong('prices', `is not a price table: ${prices.error.issues[0]?.message}`, options.prices);
  const leaseSize = options.leaseSize;
  if (leaseSize !== undefined && !(typeof leaseSize === 'number' && leaseSize > 0 && leaseSize <= 1)) {
    throw wrong('leaseSize', 'must be a fraction of the limit in (0, 1]', leaseSize);
  }
  const providers = options.providers ?? {};
  if (typeof providers !== 'object' || providers === null)
    throw wrong('providers', 'must be an object', providers);
  for (const [name, provider] of Object.entries(providers)) {
    if (!isFamilyName(name)) throw wrong('providers', `names no family: "${name}"`, name);
    if (provider !== undefined && (typeof provider !== 'object' || provider === null)) {
      throw wrong(`providers.${name}`, 'must be a provider object', provider);
    }
  }
  return {
    preset,
    root: optionalString(options, 'root') ?? '.omega',
    durable,
    store,
    connectionString: optionalString(options, 'connectionString'),
    profile,
    policy,
    prices: prices.data,
    ledger: optionalString(options, 'ledger'),
    leaseSize,
    experts: optionalString(options, 'experts'),
    providers,
  };
}
