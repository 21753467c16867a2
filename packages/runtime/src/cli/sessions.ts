import { NotFoundError, toJsonValue } from '@omega/core';
import type { SessionInfo } from '@omega/session';
import { type Command, type CommandContext, EXIT, type ExitCode, type Group } from './command.js';
import { confirmed } from './confirm.js';
import { bytes, isoTime } from './output.js';
import { withStore } from './store.js';

const ls: Command = {
  name: 'ls',
  summary: 'list the sessions (name, version, size, last save)',
  args: '',
  min: 0,
  max: 0,
  example: 'omega sessions ls --root .omega',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const list = await store.sessions().list();
      if (ctx.json) ctx.out.json(list);
      else {
        ctx.out.table<SessionInfo>(
          [
            { title: 'NAME', cell: (s) => s.name },
            { title: 'VERSION', cell: (s) => String(s.version), right: true },
            { title: 'SIZE', cell: (s) => bytes(s.size), right: true },
            { title: 'CREATED', cell: (s) => isoTime(s.createdAt) },
            { title: 'UPDATED', cell: (s) => isoTime(s.updatedAt) },
          ],
          list,
          'no sessions',
        );
      }
      return EXIT.ok;
    }),
};

const show: Command = {
  name: 'show',
  summary: "print one session: its info, the machine state's step and status, and its metadata",
  args: '<name>',
  min: 1,
  max: 1,
  example: 'omega sessions show run-1 --json',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const name = ctx.args[0] as string;
      const sessions = store.sessions();
      const [info, data] = await Promise.all([sessions.info(name), sessions.load(name)]);
      if (info === null || data === null) throw missingSession(ctx, name);
      if (ctx.json) {
        ctx.out.json({ info, state: toJsonValue(data.state), meta: toJsonValue(data.meta) });
        return EXIT.ok;
      }
      ctx.out.fields([
        ['name', info.name],
        ['version', String(info.version)],
        ['size', bytes(info.size)],
        ['created', isoTime(info.createdAt)],
        ['updated', isoTime(info.updatedAt)],
        ['step', String(data.state.step)],
        ['status', String(data.state.status)],
        ['meta', JSON.stringify(toJsonValue(data.meta))],
      ]);
      return EXIT.ok;
    }),
};

const rm: Command = {
  name: 'rm',
  summary: 'delete a session (asks first, or --yes)',
  args: '<name>',
  min: 1,
  max: 1,
  destructive: true,
  example: 'omega sessions rm run-1 --yes',
  run: (ctx) =>
    withStore(ctx, async (store): Promise<ExitCode> => {
      const name = ctx.args[0] as string;
      const sessions = store.sessions();
      if (!(await sessions.exists(name))) throw missingSession(ctx, name);
      if (!(await confirmed(ctx, ctx.prompter, `delete session "${name}"`))) {
        ctx.out.note('nothing deleted');
        return EXIT.problem;
      }
      await sessions.delete(name);
      if (ctx.json) ctx.out.json({ deleted: name });
      else ctx.out.line(`deleted session ${name}`);
      return EXIT.ok;
    }),
};

function missingSession(ctx: CommandContext, name: string): NotFoundError {
  return new NotFoundError(`no session "${name}" in ${ctx.root}`, { details: { kind: 'session', name } });
}

/** `omega sessions ls|show|rm`. */
export const sessions: Group = { name: 'sessions', summary: 'saved runs', commands: [ls, show, rm] };
