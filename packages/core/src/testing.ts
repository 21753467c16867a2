/**
 * Fixtures shared by the conformance suites (and usable by third-party backends): inputs every
 * provider must reject. Plain data; no test framework is imported here.
 */

/** Names that break the naming rule (`NAME_RULE`) and must be an `InvalidNameError` in every backend. */
export const INVALID_NAMES: readonly unknown[] = [
  '',
  '.',
  '..',
  '../x',
  '/etc/passwd',
  'a/b',
  'a\\b',
  '.hidden',
  'x'.repeat(129),
  'x'.repeat(300),
  'nul\u0000byte',
  'space name',
  'émoji',
  42,
  null,
];

/** Names at the edges of the rule that every backend must accept. */
export const VALID_EDGE_NAMES: readonly string[] = [
  'a',
  'A-z_0.9',
  'x'.repeat(128),
  '-dash',
  '_under',
  'a..b',
];

/** Build values that cannot be stored: each must be an `InvalidArgumentError` at save time. */
export function unstorableValues(): Array<{ label: string; value: unknown }> {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const deepCycle: unknown[] = [];
  deepCycle.push({ list: [deepCycle] });
  return [
    { label: 'a function', value: () => 1 },
    { label: 'a symbol', value: Symbol('s') },
    { label: 'a cycle', value: cycle },
    { label: 'a nested cycle', value: deepCycle },
    { label: 'a class instance', value: new (class Point {})() },
  ];
}
