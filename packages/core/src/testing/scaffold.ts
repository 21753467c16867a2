import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Closable } from '../lifecycle.js';
import type { MethodTable } from '../methods.js';
import { describeClosedGroup, describeNamesGroup } from './generated-groups.js';
import { describeLogGroup, describeLogPersistence, type LogRecords } from './log-groups.js';
import { describeNamedRecordsGroup, describeRecordPersistence, type NamedRecords } from './record-groups.js';
import { describeValueGroups } from './value-groups.js';

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
 * Declares a family's conformance suite: one fixture lifecycle (a fresh provider per test; afterwards every
 * provider the test opened is closed, then cleaned up), the groups every family gets (closed behaviour and
 * the name rule on every method of the table), those its adapters add (named records, values, log
 * entries, persistence across reopen), then the family's own groups from `body`. A group named in
 * `options.skip` is declared skipped, with its reason in its title.
 */
export function describeConformance<I extends Closable, P extends I, R = unknown, E = unknown>(
  framework: TestFramework,
  suite: FamilySuite<I, R, E>,
  name: string,
  factory: () => Promise<ProviderFixture<P>>,
  options: ConformanceOptions<P>,
  body: (context: SuiteContext<P>) => void,
): void {
  const { describe, it, beforeEach, afterEach } = framework;
  let current: ProviderFixture<P> | undefined;
  const others: Array<ProviderFixture<P>> = [];
  const dirs: string[] = [];

  const context: SuiteContext<P> = {
    provider() {
      if (current === undefined) throw new Error('no provider: the suite is not running a test');
      return current.provider;
    },
    async reopen() {
      if (options.reopen === undefined) throw new Error('reopen() needs options.reopen');
      const provider = await options.reopen(context.provider());
      others.push({ provider });
      return provider;
    },
    async fresh() {
      const fixture = await factory();
      others.push(fixture);
      return fixture.provider;
    },
    async tempDir() {
      const dir = await mkdtemp(join(tmpdir(), `omega-${suite.kind}-conformance-`));
      dirs.push(dir);
      return dir;
    },
    group(title, groupBody) {
      const reason = options.skip?.[title];
      if (reason === undefined) describe(title, {}, groupBody);
      else describe(`${title} (skipped: ${reason})`, {}, () => it.skip(title, () => undefined));
    },
  };

  describe(`${suite.family} conformance: ${name}`, { timeout: options.timeoutMs }, () => {
    beforeEach(async () => {
      current = await factory();
    });

    afterEach(async () => {
      const fixtures = [...others.splice(0).reverse(), ...(current ? [current] : [])];
      current = undefined;
      // Close everything first: a cleanup may remove a directory another provider still uses.
      for (const fixture of fixtures) await fixture.provider.close();
      for (const fixture of fixtures) await fixture.cleanup?.();
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    });

    describeClosedGroup(framework, context, suite);
    describeNamesGroup(framework, context, suite);
    const { records, logs } = suite;
    if (records) {
      describeNamedRecordsGroup(framework, context, suite.kind, records);
      if (records.withValue) describeValueGroups(framework, context, suite.kind, records, records.withValue);
    }
    if (logs) describeLogGroup(framework, context, suite.kind, logs);
    if (records || logs) {
      if (options.reopen === undefined && options.skip?.persistence === undefined) {
        describe('persistence (skipped: no options.reopen, the data does not outlive the provider)', {}, () =>
          it.skip('persistence', () => undefined),
        );
      } else {
        context.group('persistence', () => {
          if (records) describeRecordPersistence(framework, context, records);
          if (logs) describeLogPersistence(framework, context, logs);
        });
      }
    }
    body(context);
  });
}
