import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NotFoundError } from '@omega/core';
import type { Expert, ExpertProvider } from '@omega/expert';
import { openFamily } from '../open-family.js';
import { type Command, type CommandContext, EXIT, type Group, stringOption } from './command.js';
import { clip } from './output.js';
import { EXPERTS_FOLDER } from './store.js';

const DIR_OPTION = {
  dir: {
    type: 'string',
    value: 'dir',
    description: `the folder of expert files (default <root>/${EXPERTS_FOLDER} if any, else the built-in roles)`,
  },
} as const;

/** The folder `--dir`, else `<root>/experts` when there is one, else none (the built-in roles). */
async function folderOf(ctx: CommandContext): Promise<string | undefined> {
  const dir = stringOption(ctx, 'dir');
  if (dir !== undefined) return resolve(dir);
  const inRoot = join(ctx.root, EXPERTS_FOLDER);
  return (await stat(inRoot).catch(() => null))?.isDirectory() === true ? inRoot : undefined;
}

/**
 * Runs `fn` over the experts of {@link folderOf}, closed after. Experts live in their folder, not in the
 * store, so no store needs to exist at `--root`.
 */
async function withExperts<T>(ctx: CommandContext, fn: (experts: ExpertProvider) => Promise<T>): Promise<T> {
  const folder = await folderOf(ctx);
  const experts = openFamily('expert', {
    root: ctx.root,
    ...(folder === undefined ? {} : { experts: folder }),
  });
  try {
    return await fn(experts);
  } finally {
    await experts.close();
  }
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
    withExperts(ctx, async (experts) => {
      const list = experts.list();
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
    withExperts(ctx, async (experts) => {
      const name = ctx.args[0] as string;
      const expert = experts.get(name);
      if (expert === undefined) {
        throw new NotFoundError(`no expert "${name}" in ${(await folderOf(ctx)) ?? 'the built-in roles'}`, {
          details: { kind: 'expert', name },
        });
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
