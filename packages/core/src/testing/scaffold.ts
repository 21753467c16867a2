import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Closable } from '../lifecycle.js';
import { describeClosedGroup, describeNamesGroup, describeObjectKeyNamesGroup } from './generated-groups.js';
import { describeLogGroup, describeLogPersistence } from './log-groups.js';
import { describeNamedRecordsGroup, describeRecordPersistence } from './record-groups.js';
import type {
  ConformanceOptions,
  FamilySuite,
  ProviderFixture,
  SuiteContext,
  TestFramework,
} from './suite.js';
import { describeValueGroups } from './value-groups.js';

/**
 * Declares a family's conformance suite: one fixture lifecycle (a fresh provider per test; afterwards every
 * provider the test opened is closed, then cleaned up), the groups every family gets (closed behaviour,
 * the name rule, and names a plain object has, on every method of the table), those its adapters add (named records, values, log
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
    describeObjectKeyNamesGroup(framework, context, suite);
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
