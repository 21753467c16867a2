import type { MethodTable } from '../methods.js';
import type { Val } from '../val.js';

// The types of the conformance kit, apart from the groups that use them: the scaffold imports the groups,
// and the groups import these, so neither imports the other.

/**
 * The parts of a test framework a conformance suite needs; vitest's module fits as it is
 * (`import * as vitest from 'vitest'`). Core imports no framework, so its mocks stay usable anywhere.
 */
export interface TestFramework {
  describe(name: string, options: { timeout?: number }, body: () => void): void;
  it: ((name: string, body: () => Promise<void> | void) => void) & {
    skip(name: string, body: () => Promise<void> | void): void;
  };
  beforeEach(body: () => Promise<void> | void): void;
  afterEach(body: () => Promise<void> | void): void;
}

/** What a conformance factory returns: a fresh provider over an empty store, and how to dispose of it. */
export interface ProviderFixture<P> {
  provider: P;
  /** Runs after each test, once the suite has closed the provider (and every other one it opened). */
  cleanup?: () => Promise<void>;
}

/** Options every family's conformance suite takes. */
export interface ConformanceOptions<P> {
  /** Per-test timeout in milliseconds, for backends slower than the framework's default (a remote server). */
  timeoutMs?: number;
  /**
   * For backends whose data outlives the provider object: open another provider over the same store as
   * `provider`. Enables the persistence group; without it that group is skipped, saying why.
   */
  reopen?: (provider: P) => Promise<P>;
  /** Groups to skip, by title, each with the reason the suite shows (`{ 'export and import': 'no files' }`). */
  skip?: Readonly<Record<string, string>>;
}

/** What a family's own groups are given: the provider under test and the suite's resources. */
export interface SuiteContext<P> {
  /** The provider of the running test: fresh, over an empty store. */
  provider(): P;
  /** Another provider over the same store (`options.reopen`); closed after the test. */
  reopen(): Promise<P>;
  /** Another fresh provider from the factory, over its own empty store; closed and cleaned up after the test. */
  fresh(): Promise<P>;
  /** A fresh temp directory of the running test (for files a method reads or writes); removed after it. */
  tempDir(): Promise<string>;
  /** Declares a group of tests, skipped when `options.skip` names it. */
  group(title: string, body: () => void): void;
}

/**
 * What a family tells the scaffold about itself: its method table (enough for the closed and name-rule
 * groups), and an adapter for each kind of data it keeps, which adds the groups on that kind.
 */
export interface FamilySuite<P, R = unknown, E = unknown> {
  /** The interface name, shown in the suite title: `SessionProvider`. */
  family: string;
  /** What its names name, as errors report it: `session`. */
  kind: string;
  /** Its method table: drives the closed and name-rule groups. */
  methods: MethodTable<P>;
  /**
   * For families of named records (R): how to build, store, read, list and delete one. Adds the named
   * records group, the record half of persistence, and, with `withValue`, the groups on values.
   */
  records?: NamedRecords<P, R>;
  /** For append-only families (entries E): how to append to and read one log. Adds the log groups. */
  logs?: LogRecords<P, E>;
}

/**
 * How the shared record groups build, store, read, list and delete one named record `R` of a family: a
 * few lines per family, over its own methods. A record read back must equal the one saved
 * (`assertSameValue`): where the family adds to what it stores, `load` gives back only what was saved.
 */
export interface NamedRecords<P, R = unknown> {
  /** A fresh record whose content depends on `seed` (records of different seeds differ). */
  record(seed: number): R;
  /** Stores `record` under `name`. */
  save(provider: P, name: string, record: R): Promise<void>;
  /** The record stored under `name`, or null when there is none. */
  load(provider: P, name: string): Promise<unknown>;
  /** Deletes the record under `name`; a missing one is a `NotFoundError`. */
  delete(provider: P, name: string): Promise<void>;
  /** The stored names, in the order the provider lists them. */
  names(provider: P): Promise<string[]>;
  /** For families that report infos: one record's (null when none), and all of them in list order. */
  info?: {
    one(provider: P, name: string): Promise<unknown>;
    all(provider: P): Promise<unknown[]>;
  };
  /**
   * For families whose records carry caller values: one builder per place of a record that holds a `Val`
   * (`control`, `a store entry`, `meta`, ...), each giving a fresh record with `value` there. Drives the
   * groups on values at every place: exact round trips of every kind of value (`exoticValues`), no
   * shared references, and refusal of values that cannot be stored (`unstorableValues`).
   */
  withValue?: Readonly<Record<string, (value: Val) => R>>;
}

/**
 * How the shared log groups append to and read back one named log of an append-only family (receipts,
 * traces, streams, ...): a few lines per family, over its own methods. What `entries` reads back must
 * equal what was appended (`assertSameValue`): where the family adds to each entry (a position, a hash),
 * `entries` gives back only what was appended.
 */
export interface LogRecords<P, E = unknown> {
  /** A fresh entry whose content depends on `seed` (entries of different seeds differ). */
  entry(seed: number): E;
  /** Appends `entry` to log `log`. */
  append(provider: P, log: string, entry: E): Promise<void>;
  /** Every entry of `log`, in the order the family reads them; empty for a log never appended to. */
  entries(provider: P, log: string): Promise<unknown[]>;
  /**
   * What the family's logs are keyed by: `'names'` (the default), refused with `InvalidNameError` when
   * they break the name rule, or `'strings'`, keys a family checks by rules of its own (provenance's
   * subjects), tested by the family.
   */
  keys?: 'names' | 'strings';
}
