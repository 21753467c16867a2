import { NotFoundError } from '@omega/core';
import type { LogicBindings } from '@omega/logic';
import { LogicFront } from '@omega/logic/front';
import { type Command, EXIT, type Group, stringOption } from './command.js';
import { withStore } from './store.js';

/** The fact base the runtime writes. */
const DEFAULT_BASE = 'facts';

const query: Command = {
  name: 'query',
  summary: 'answer an s-expression pattern over the facts, asserted and derived: one row per binding',
  args: '<pattern>',
  min: 1,
  max: 1,
  options: {
    base: { type: 'string', value: 'name', description: `the fact base (default ${DEFAULT_BASE})` },
  },
  example: "omega logic query '(tool-result ?tool ?value)'",
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const pattern = ctx.args[0] as string;
      const base = stringOption(ctx, 'base') ?? DEFAULT_BASE;
      const bases = await store.store.log(LogicFront.LOG).logs({ limit: Number.POSITIVE_INFINITY });
      if (!bases.includes(base)) {
        throw new NotFoundError(
          `no fact base "${base}" in ${ctx.root} (it has: ${bases.join(', ') || 'none'})`,
          {
            details: { kind: 'fact base', name: base },
          },
        );
      }
      const answers = store.logic(base).query(pattern);
      if (ctx.json) {
        ctx.out.json(answers);
        return EXIT.ok;
      }
      const variables = [...new Set(answers.flatMap((answer) => Object.keys(answer)))];
      if (answers.length > 0 && variables.length === 0) ctx.out.line('yes: the pattern holds');
      else {
        ctx.out.table<LogicBindings>(
          variables.map((variable) => ({ title: `?${variable}`, cell: (answer) => answer[variable] ?? '' })),
          answers,
          'no answers',
        );
      }
      return EXIT.ok;
    }),
};

/** `omega logic query`. */
export const logic: Group = { name: 'logic', summary: 'the fact base', commands: [query] };
