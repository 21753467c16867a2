import { type Command, EXIT, type Group } from './command.js';
import { FAMILY_CHECKS, type FamilyReport } from './doctor-checks.js';
import { assertStore, StoreRoot } from './store.js';

const check: Command = {
  name: '',
  summary:
    'walk the whole store, validate every file of every family, and list what is corrupt (exit 1 if any)',
  args: '',
  min: 0,
  max: 0,
  example: 'omega doctor --root .omega --json',
  async run(ctx) {
    await assertStore(ctx.root);
    const reports: FamilyReport[] = [];
    const progress = ctx.out.progress('doctor', FAMILY_CHECKS.length);
    // Each family on a store of its own, opened and closed around its check: a family whose files cannot
    // even be opened is reported, and the next family is checked all the same.
    for (const [family, run] of FAMILY_CHECKS) {
      const report: FamilyReport = { family, checked: 0, problems: [] };
      const store = new StoreRoot(ctx.root);
      try {
        await run(store, report);
      } catch (error) {
        report.problems.push({ item: family, error: error instanceof Error ? error.message : String(error) });
      }
      try {
        await store.close();
      } catch (error) {
        report.problems.push({
          item: `closing ${family}`,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      reports.push(report);
      progress.tick();
    }
    progress.done();
    const problems = reports.reduce((sum, report) => sum + report.problems.length, 0);
    if (ctx.json) {
      ctx.out.json({ ok: problems === 0, root: ctx.root, families: reports });
      return problems === 0 ? EXIT.ok : EXIT.problem;
    }
    ctx.out.table<FamilyReport>(
      [
        { title: 'FAMILY', cell: (r) => r.family },
        { title: 'CHECKED', cell: (r) => String(r.checked), right: true },
        { title: 'PROBLEMS', cell: (r) => String(r.problems.length), right: true },
        {
          title: 'STATUS',
          cell: (r) =>
            r.problems.length === 0 ? ctx.out.style('green', 'ok') : ctx.out.style('red', 'CORRUPT'),
        },
      ],
      reports,
      'no families',
    );
    for (const report of reports) {
      for (const problem of report.problems) {
        const file = problem.file === undefined ? '' : ` (${problem.file})`;
        ctx.out.line(
          `${ctx.out.style('red', 'corrupt')} ${report.family}: ${problem.item}${file}: ${problem.error}`,
        );
      }
    }
    ctx.out.line(
      problems === 0
        ? `${ctx.root}: every family is sound`
        : `${ctx.root}: ${problems} problem(s) in ${reports.filter((r) => r.problems.length > 0).length} family(ies)`,
    );
    return problems === 0 ? EXIT.ok : EXIT.problem;
  },
};

/** `omega doctor`. */
export const doctor: Group = {
  name: 'doctor',
  summary: 'check the whole store for corruption',
  commands: [check],
};
