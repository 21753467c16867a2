import { NotFoundError } from '@omega/core';
import { BUDGET_TYPES, type BudgetReport, type BudgetType } from '@omega/governance';
import { GovernanceFront } from '@omega/governance/front';
import {
  type Command,
  type CommandContext,
  EXIT,
  type ExitCode,
  type Group,
  stringOption,
  UsageError,
} from './command.js';
import { confirmed } from './confirm.js';
import { type StoreRoot, withStore } from './store.js';

const BUDGET_OPTION = {
  budget: { type: 'string', value: 'name', description: 'the ledger (default: every ledger of the store)' },
} as const;

/** The ledgers of the store: one document each in `governance/`. */
function ledgers(store: StoreRoot): Promise<string[]> {
  return store.store.documents(GovernanceFront.DOCUMENTS).names({ limit: Number.POSITIVE_INFINITY });
}

/** The ledgers a command is about: `--budget`, which must exist, or all of them. */
async function chosen(ctx: CommandContext, store: StoreRoot): Promise<string[]> {
  const all = await ledgers(store);
  const name = stringOption(ctx, 'budget');
  if (name === undefined) return all;
  if (!all.includes(name)) {
    throw new NotFoundError(
      `no budget ledger "${name}" in ${ctx.root} (it has: ${all.join(', ') || 'none'})`,
      {
        details: { kind: 'budget', name },
      },
    );
  }
  return [name];
}

function amount(type: BudgetType, value: number | null): string {
  if (value === null) return 'unlimited';
  return type === 'cost' ? `$${value.toFixed(4)}` : String(Math.round(value * 1000) / 1000);
}

interface Row {
  budget: string;
  type: BudgetType;
  report: BudgetReport;
}

const report: Command = {
  name: 'report',
  summary: 'print each budget ledger: limit, consumed, reserved, remaining and overruns per type',
  args: '',
  min: 0,
  max: 0,
  options: BUDGET_OPTION,
  example: 'omega budget report --budget default --json',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const reports: Record<string, BudgetReport> = {};
      for (const name of await chosen(ctx, store)) reports[name] = store.budget(name).report();
      if (ctx.json) {
        ctx.out.json(reports);
        return EXIT.ok;
      }
      const rows: Row[] = Object.entries(reports).flatMap(([budget, r]) =>
        BUDGET_TYPES.map((type) => ({ budget, type, report: r })),
      );
      ctx.out.table<Row>(
        [
          { title: 'BUDGET', cell: (row) => row.budget },
          { title: 'TYPE', cell: (row) => row.type },
          { title: 'LIMIT', cell: (row) => amount(row.type, row.report.limits[row.type]), right: true },
          { title: 'CONSUMED', cell: (row) => amount(row.type, row.report.consumed[row.type]), right: true },
          { title: 'RESERVED', cell: (row) => amount(row.type, row.report.reserved[row.type]), right: true },
          {
            title: 'REMAINING',
            cell: (row) => amount(row.type, row.report.remaining[row.type]),
            right: true,
          },
          { title: 'OVERRUN', cell: (row) => amount(row.type, row.report.overruns[row.type]), right: true },
          {
            title: 'EXCEEDED',
            cell: (row) => (row.report.exceeded[row.type] ? ctx.out.style('red', 'yes') : 'no'),
          },
        ],
        rows,
        'no budget ledgers',
      );
      return EXIT.ok;
    }),
};

const reset: Command = {
  name: 'reset',
  summary: 'zero a ledger: use, overruns and alerts; live reservations are dropped (asks first, or --yes)',
  args: '',
  min: 0,
  max: 0,
  destructive: true,
  options: { budget: { type: 'string', value: 'name', description: 'the ledger to reset (required)' } },
  example: 'omega budget reset --budget default --yes',
  run: (ctx) =>
    withStore(ctx, async (store): Promise<ExitCode> => {
      if (stringOption(ctx, 'budget') === undefined) {
        const all = await ledgers(store);
        throw new UsageError(
          `name the ledger to reset with --budget (the store has: ${all.join(', ') || 'none'})`,
        );
      }
      const [budget] = (await chosen(ctx, store)) as [string];
      if (!(await confirmed(ctx, ctx.prompter, `reset budget "${budget}"`))) {
        ctx.out.note('nothing reset');
        return EXIT.problem;
      }
      const ledger = store.budget(budget);
      ledger.reset();
      if (ctx.json) ctx.out.json({ reset: budget, report: ledger.report() });
      else ctx.out.line(`reset budget ${budget}`);
      return EXIT.ok;
    }),
};

/** `omega budget report|reset`. */
export const budget: Group = {
  name: 'budget',
  summary: 'budget ledgers (governance)',
  commands: [report, reset],
};
