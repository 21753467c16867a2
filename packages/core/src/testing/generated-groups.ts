import type { Closable } from '../lifecycle.js';
import { assertSameValue, check, rejectionOf, thrownBy } from './assertions.js';
import { INVALID_NAMES } from './fixtures.js';
import type { FamilySuite, SuiteContext, TestFramework } from './scaffold.js';

type Entry = [method: string, spec: { sync?: boolean; name?: number; sample: (name: string) => unknown[] }];

function entries<P>(suite: FamilySuite<P>): Entry[] {
  return Object.entries(suite.methods) as Entry[];
}

// Calls `method` with `args` on `provider`; returns what the call returned (or throws what it threw).
function invoke(provider: object, method: string, args: unknown[]): unknown {
  return (provider as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
}

function firstAsync<P>(suite: FamilySuite<P>): Entry {
  const entry = entries(suite).find(([, spec]) => spec.sync !== true);
  if (entry === undefined) throw new Error(`${suite.family} has no asynchronous method to call after close`);
  return entry;
}

function argsWithName(spec: Entry[1], name: unknown): unknown[] {
  const args = spec.sample('valid-name');
  if (spec.name !== undefined) args[spec.name] = name;
  return args;
}

/** Generated from the method table: after `close()` every method is a `ClosedError` naming it. */
export function describeClosedGroup<I extends Closable, P extends I>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  suite: FamilySuite<I>,
): void {
  context.group('close', () => {
    it('is idempotent', async () => {
      await context.provider().close();
      await context.provider().close();
      await context.provider()[Symbol.asyncDispose]();
      const [method, spec] = firstAsync(suite);
      await rejectionOf(
        () => invoke(context.provider(), method, spec.sample('x')) as Promise<unknown>,
        'CLOSED',
      );
    });

    it('makes every method fail with ClosedError naming it: sync ones throw, async ones reject', async () => {
      await suite.records.save(context.provider(), 'before', 1);
      await context.provider().close();
      for (const [method, spec] of entries(suite)) {
        const call = () => invoke(context.provider(), method, spec.sample('before'));
        const error =
          spec.sync === true
            ? thrownBy(call, 'CLOSED')
            : await rejectionOf(call as () => Promise<unknown>, 'CLOSED');
        check(
          error.details.method === method,
          `${method}(): ClosedError names ${String(error.details.method)}`,
        );
      }
    });

    it('reports ClosedError before checking the name', async () => {
      await context.provider().close();
      for (const [method, spec] of entries(suite)) {
        if (spec.name === undefined) continue;
        const call = () => invoke(context.provider(), method, argsWithName(spec, '../x'));
        if (spec.sync === true) thrownBy(call, 'CLOSED');
        else await rejectionOf(call as () => Promise<unknown>, 'CLOSED');
      }
    });

    it('closes through Symbol.asyncDispose', async () => {
      await context.provider()[Symbol.asyncDispose]();
      const [method, spec] = firstAsync(suite);
      await rejectionOf(
        () => invoke(context.provider(), method, spec.sample('x')) as Promise<unknown>,
        'CLOSED',
      );
    });
  });
}

/** Generated from the method table: every method taking a name applies the name rule, storing nothing. */
export function describeNamesGroup<I extends Closable, P extends I>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  suite: FamilySuite<I>,
): void {
  context.group('the name rule', () => {
    for (const [method, spec] of entries(suite)) {
      if (spec.name === undefined) continue;
      it(`${method}() refuses every name breaking the rule with InvalidNameError`, async () => {
        for (const bad of INVALID_NAMES) {
          const call = () => invoke(context.provider(), method, argsWithName(spec, bad));
          const error =
            spec.sync === true
              ? thrownBy(call, 'INVALID_NAME')
              : await rejectionOf(call as () => Promise<unknown>, 'INVALID_NAME');
          check(
            error.details.kind === suite.kind,
            `${method}(${String(bad)}): kind ${String(error.details.kind)}`,
          );
        }
        assertSameValue(await suite.records.names(context.provider()), [], 'names after refused calls');
      });
    }
  });
}
