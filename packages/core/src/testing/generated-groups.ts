import type { OmegaError, OmegaErrorCode } from '../errors.js';
import type { Closable } from '../lifecycle.js';
import { assertSameValue, check, iterationRejectionOf, rejectionOf, thrownBy } from './assertions.js';
import { INVALID_NAMES, OBJECT_KEY_NAMES } from './fixtures.js';
import type { FamilySuite, SuiteContext, TestFramework } from './suite.js';

type Spec = { sync?: boolean; iterable?: boolean; name?: number; sample: (name: string) => unknown[] };
type Entry = [method: string, spec: Spec];

function entries<P>(suite: FamilySuite<P>): Entry[] {
  return Object.entries(suite.methods) as Entry[];
}

// Calls `method` with `args` on `provider`; returns what the call returned (or throws what it threw).
function invoke(provider: object, method: string, args: unknown[]): unknown {
  return (provider as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
}

/** The failure of `call` in the way its kind reports one: thrown, rejected, or at the first `next()`. */
function failureOf(spec: Spec, call: () => unknown, code: OmegaErrorCode): Promise<OmegaError> {
  if (spec.sync === true) return Promise.resolve(thrownBy(call, code));
  if (spec.iterable === true) return iterationRejectionOf(call, code);
  return rejectionOf(call as () => Promise<unknown>, code);
}

function firstMethod<P>(suite: FamilySuite<P>): Entry {
  const entry = entries(suite)[0];
  if (entry === undefined) throw new Error(`${suite.family} has an empty method table`);
  return entry;
}

function argsWithName(spec: Spec, name: unknown): unknown[] {
  const args = spec.sample('valid-name');
  if (spec.name !== undefined) args[spec.name] = name;
  return args;
}

/**
 * Generated from the method table: after `close()` every method is a `ClosedError` naming it (thrown,
 * rejected, or at the first `next()`, as its kind says), before any other check.
 */
export function describeClosedGroup<I extends Closable, P extends I>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  suite: FamilySuite<I>,
): void {
  const closedCall = async ([method, spec]: Entry, args: unknown[]) =>
    failureOf(spec, () => invoke(context.provider(), method, args), 'CLOSED');

  context.group('close', () => {
    it('is idempotent', async () => {
      await context.provider().close();
      await context.provider().close();
      await context.provider()[Symbol.asyncDispose]();
      const entry = firstMethod(suite);
      await closedCall(entry, entry[1].sample('x'));
    });

    it('makes every method fail with ClosedError naming it: sync ones throw, async ones reject, iterable ones reject at the first next()', async () => {
      await context.provider().close();
      for (const entry of entries(suite)) {
        const [method, spec] = entry;
        const error = await closedCall(entry, spec.sample('valid-name'));
        check(
          error.details.method === method,
          `${method}(): ClosedError names ${String(error.details.method)}`,
        );
      }
    });

    it('reports ClosedError before checking the name', async () => {
      await context.provider().close();
      for (const entry of entries(suite)) {
        if (entry[1].name !== undefined) await closedCall(entry, argsWithName(entry[1], '../x'));
      }
    });

    it('closes through Symbol.asyncDispose', async () => {
      await context.provider()[Symbol.asyncDispose]();
      const entry = firstMethod(suite);
      await closedCall(entry, entry[1].sample('x'));
    });
  });
}

/** An outcome as the object-key group compares it: its kind and, for a result, its rough shape. */
async function outcomeOf(spec: Spec, call: () => unknown): Promise<string> {
  try {
    const result = call();
    if (spec.iterable === true) {
      let items = 0;
      for await (const _ of result as AsyncIterable<unknown>) items++;
      return `${items} items`;
    }
    return `resolved ${shapeOf(spec.sync === true ? result : await result)}`;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return `failed with ${typeof code === 'string' ? code : String(error)}`;
  }
}

// Values a name may change (the name itself in an info, a timestamp) are left out: null, booleans and
// strings other than the name are kept, which is what a lookup in a plain object gets wrong.
function shapeOf(value: unknown): string {
  if (value === null || typeof value === 'boolean' || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}

/**
 * Generated from the method table: every method taking a name treats the names a plain object has
 * (`__proto__`, `constructor`, ...) as any other valid name, in a store where neither was saved and
 * after each method ran on both: the same outcome, result shape or error code, as for a plain name.
 */
export function describeObjectKeyNamesGroup<I extends Closable, P extends I>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  suite: FamilySuite<I>,
): void {
  const named = entries(suite).filter(([, spec]) => spec.name !== undefined);
  if (named.length === 0) return;
  context.group('names a plain object has', () => {
    it('every method taking a name treats __proto__, constructor, ... as any other name', async () => {
      for (const [i, key] of OBJECT_KEY_NAMES.entries()) {
        const plain = `plain-name-${i}`;
        for (const [method, spec] of named) {
          const provider = context.provider();
          const expected = await outcomeOf(spec, () => invoke(provider, method, argsWithName(spec, plain)));
          const actual = await outcomeOf(spec, () => invoke(provider, method, argsWithName(spec, key)));
          check(actual === expected, `${method}("${key}") ${actual}, but ${method}("${plain}") ${expected}`);
        }
      }
    });
  });
}

/**
 * Generated from the method table: every method taking a name applies the name rule (an
 * `InvalidNameError` naming the family's kind, reported as the method's kind reports failures); with a
 * records adapter, the refused calls are seen to store nothing.
 */
export function describeNamesGroup<I extends Closable, P extends I>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  suite: FamilySuite<I>,
): void {
  // A family whose names travel inside its arguments (a receipt's runId) checks them in its own groups.
  if (!entries(suite).some(([, spec]) => spec.name !== undefined)) return;
  context.group('the name rule', () => {
    for (const [method, spec] of entries(suite)) {
      if (spec.name === undefined) continue;
      it(`${method}() refuses every name breaking the rule with InvalidNameError`, async () => {
        for (const bad of INVALID_NAMES) {
          const call = () => invoke(context.provider(), method, argsWithName(spec, bad));
          const error = await failureOf(spec, call, 'INVALID_NAME');
          check(
            error.details.kind === suite.kind,
            `${method}(${String(bad)}): kind ${String(error.details.kind)}`,
          );
        }
        if (suite.records) {
          assertSameValue(await suite.records.names(context.provider()), [], 'names after refused calls');
        }
      });
    }
  });
}
