import { join } from 'node:path';
import { NotFoundError } from '@omega/core';
import type { Expert } from '@omega/expert';
import { type Command, type CommandContext, EXIT, type Group, stringOption } from './command.js';
import { clip } from './output.js';
import { EXPERTS_FOLDER, type StoreRoot, withStore } from './store.js';

const DIR_OPTION = {
  dir: {
    type: 'string',
    value: 'dir',
    description: `the folder of expert files (default <root>/${EXPERTS_FOLDER})`,
  },
} as const;

function open(ctx: CommandContext, store: StoreRoot) {
  const dir = stringOption(ctx, 'dir');
  return store.experts(dir ?? join(ctx.root, EXPERTS_FOLDER));
}

const ls: Command = {
  name: 'ls',
  summary: 'list the experts of the folder (name, model, tags, description)',
  args: '',
  min: 0,
  max: 0,
  options: DIR_OPTION,
  example: 'omega experts ls --dir .claude/agents',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const list = open(ctx, store).list();
      if (ctx.json) ctx.out.json(list);
      else {
        ctx.out.table<Expert>(
          [
            { title: 'NAME', cell: (e) => e.name },
            { title: 'MODEL', cell: (e) => e.model ?? '-' },
            { title: 'TAGS', cell: (e) => (e.tags ?? []).join(',') || '-' },
            { title: 'DESCRIPTION', cell: (e) => clip(e.description, 60) },
          ],
          list,
          'no experts',
        );
      }
      return EXIT.ok;
    }),
};

const show: Command = {
  name: 'show',
  summary: 'print one expert: its fields and instructions',
  args: '<name>',
  min: 1,
  max: 1,
  options: DIR_OPTION,
  example: 'omega experts show reviewer',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const name = ctx.args[0] as string;
      const expert = open(ctx, store).get(name);
      if (expert === undefined) {
        throw new NotFoundError(
          `no expert "${name}" in ${stringOption(ctx, 'dir') ?? join(ctx.root, EXPERTS_FOLDER)}`,
          {
            details: { kind: 'expert', name },
          },
        );
      }
      if (ctx.json) {
        ctx.out.json(expert);
        return EXIT.ok;
      }
      ctx.out.fields([
        ['name', expert.name],
        ['description', expert.description],
        ['model', expert.model ?? '-'],
        ['temperature', expert.temperature === undefined ? '-' : String(expert.temperature)],
        ['tools', (expert.tools ?? []).join(', ') || '-'],
        ['caps', (expert.caps ?? []).join(', ') || '-'],
        ['tags', (expert.tags ?? []).join(', ') || '-'],
        ['domain', expert.domain ?? '-'],
      ]);
      ctx.out.line();
      ctx.out.line(expert.instructions);
      return EXIT.ok;
    }),
};

/** `omega experts ls|show`. */
export const experts: Group = {
  name: 'experts',
  summary: 'expert roles (Markdown files)',
  commands: [ls, show],
};
