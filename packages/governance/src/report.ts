import { BUDGET_TYPES, type BudgetReport } from './index.js';
import { available, chainOf, type Ledger, reservedOf } from './ledger.js';
import { fromUnits } from './units.js';

/** The report of scope `scope` of `ledger` (named `budget`), in the caller's units. */
export function reportOf(ledger: Ledger, scope: string, budget: string): BudgetReport {
  const chain = chainOf(ledger, scope, budget);
  const own = chain[0]!;
  const report = {
    limits: {},
    consumed: {},
    remaining: {},
    reserved: {},
    exceeded: {},
    overruns: {},
    expired: {},
    forfeited: {},
    thresholds: {},
    period: ledger.period === null ? null : { kind: ledger.period, start: ledger.periodStart },
  } as BudgetReport;
  for (const type of BUDGET_TYPES) {
    const limit = own.limits[type];
    const left = available(ledger, chain, type);
    report.limits[type] = limit === null ? null : fromUnits(type, limit);
    report.consumed[type] = fromUnits(type, own.used[type]);
    report.remaining[type] = left === Number.POSITIVE_INFINITY ? null : fromUnits(type, left);
    report.reserved[type] = fromUnits(type, reservedOf(ledger, type).get(own) ?? 0);
    report.exceeded[type] = own.refused[type];
    report.overruns[type] = fromUnits(type, own.overruns[type]);
    report.expired[type] = fromUnits(type, own.expired[type]);
    report.forfeited[type] = fromUnits(type, own.forfeited[type]);
    report.thresholds[type] = [...own.alerted[type]].sort((a, b) => a - b);
  }
  return report;
}
