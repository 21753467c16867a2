import { InvalidArgumentError } from '@omega/core';
import { BUDGET_TYPES, type BudgetType } from './index.js';

/*
 * Ledgers hold integers: tokens and iterations as counts, cost in nano-dollars (1e-9 USD), time in
 * milliseconds. Integers add exactly, in every process and every language a later backend is written in;
 * floats would drift, and a drift upwards admits spend above a limit.
 *
 * A caller's amount is converted from its shortest decimal form (what `String(amount)` prints, which is
 * what the caller wrote for any literal): 1.5e-7 USD is exactly 150 nano-dollars, where 1.5e-7 * 1e9 is
 * 150.00000000000003 and would round up to 151. Amounts round up (1e-12 USD costs one nano-dollar, 1.5
 * tokens two), so rounding never admits spend above a limit; limits round down for the same reason.
 */

/** Powers of ten of each type's unit: its amount in the caller's unit is `units * 10^-scale`. */
const SCALE: Record<BudgetType, number> = { tokens: 0, cost: 9, time: 3, iterations: 0 };

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/** Throws the `InvalidArgumentError` of a type that is not one of {@link BUDGET_TYPES}. */
export function assertBudgetType(
  type: unknown,
  context: Record<string, unknown>,
): asserts type is BudgetType {
  if (typeof type === 'string' && Object.hasOwn(SCALE, type)) return;
  throw new InvalidArgumentError(
    `unknown budget type ${JSON.stringify(type) ?? String(type)}: one of ${BUDGET_TYPES.join(', ')}`,
    { details: { ...context, option: 'type', value: type } },
  );
}

/**
 * `amount` of `type` in ledger units, rounded up (`'up'`, amounts) or down (`'down'`, limits). A negative,
 * NaN or infinite amount, or one whose units pass 2^53, is an `InvalidArgumentError` naming `what`.
 */
export function toUnits(
  type: BudgetType,
  amount: unknown,
  direction: 'up' | 'down',
  context: Record<string, unknown>,
  what = 'amount',
): number {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new InvalidArgumentError(`${what} of ${type} must be a finite number >= 0, got ${String(amount)}`, {
      details: { ...context, type, option: what, value: amount },
    });
  }
  const [, whole, fraction = '', exponent = '0'] = DECIMAL.exec(String(amount))!;
  const digits = BigInt(`${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length + SCALE[type];
  let units: bigint;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    units = digits / divisor;
    if (direction === 'up' && digits % divisor !== 0n) units += 1n;
  }
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError(`${what} of ${type} is too large: ${amount}`, {
      details: { ...context, type, option: what, value: amount },
    });
  }
  return Number(units);
}

/** Ledger `units` of `type` in the caller's unit (USD, seconds, tokens, iterations). */
export function fromUnits(type: BudgetType, units: number): number {
  const scale = SCALE[type];
  // Through the decimal text, so 150 nano-dollars read back as 1.5e-7 exactly, not 1.5000000000000002e-7.
  return scale === 0 ? units : Number(`${units}e-${scale}`);
}
