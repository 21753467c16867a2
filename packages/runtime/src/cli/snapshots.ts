import { resolve } from 'node:path';
import { isOmegaError, NotFoundError, toJsonValue } from '@omega/core';
import type { SnapshotInfo } from '@omega/snapshot';
import { SnapshotFront } from '@omega/snapshot/front';
import { type Command, type CommandContext, EXIT, type ExitCode, type Group } from './command.js';
import { confirmed } from './confirm.js';
import { bytes, isoTime } from './output.js';
import { withStore } from './store.js';

const ls: Command = {
  name: 'ls',
  summary: 'list the snapshots (name, size, digest, when taken)',
  args: '',
  min: 0,
  max: 0,
  example: 'omega snapshots ls --root .omega',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const list = await store.snapshots().list();
      if (ctx.json) ctx.out.json(list);
      else {
        ctx.out.table<SnapshotInfo>(
          [
            { title: 'NAME', cell: (s) => s.name },
            { title: 'SIZE', cell: (s) => bytes(s.size), right: true },
            { title: 'CREATED', cell: (s) => isoTime(s.createdAt) },
            { title: 'DIGEST', cell: (s) => s.digest.slice(0, 16) },
          ],
          list,
          'no snapshots',
        );
      }
      return EXIT.ok;
    }),
};

const show: Command = {
  name: 'show',
  summary: 'print one snapshot: its info, label, parent and machine step (verified on read)',
  args: '<name>',
  min: 1,
  max: 1,
  example: 'omega snapshots show run-1.step-40 --json',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const name = ctx.args[0] as string;
      const snapshots = store.snapshots();
      const [info, snapshot] = await Promise.all([snapshots.info(name), snapshots.load(name)]);
      if (info === null || snapshot === null) throw missingSnapshot(ctx, name);
      if (ctx.json) {
        ctx.out.json({
          info,
          label: snapshot.label,
          parent: snapshot.parent,
          state: toJsonValue(snapshot.state),
        });
        return EXIT.ok;
      }
      ctx.out.fields([
        ['name', info.name],
        ['created', isoTime(info.createdAt)],
        ['size', bytes(info.size)],
        ['digest', info.digest],
        ['label', snapshot.label ?? '-'],
        ['parent', snapshot.parent ?? '-'],
        ['step', String(snapshot.state.step)],
        ['status', String(snapshot.state.status)],
      ]);
      return EXIT.ok;
    }),
};

const exportCommand: Command = {
  name: 'export',
  summary: 'write a snapshot to a self-describing file (verified before it leaves the store)',
  args: '<name> <file>',
  min: 2,
  max: 2,
  example: 'omega snapshots export run-1.step-40 ./run-1.snapshot.json',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const [name, file] = ctx.args as [string, string];
      const progress = ctx.out.progress('export', 1);
      await store.snapshots().export(name, resolve(file));
      progress.done();
      if (ctx.json) ctx.out.json({ exported: name, file: resolve(file) });
      else ctx.out.line(`exported snapshot ${name} to ${resolve(file)}`);
      return EXIT.ok;
    }),
};

const importCommand: Command = {
  name: 'import',
  summary: 'read snapshot files written by export (replacing a different one of the same name asks first)',
  args: '<file>...',
  min: 1,
  max: Number.POSITIVE_INFINITY,
  destructive: true,
  example: 'omega snapshots import ./run-1.snapshot.json --yes',
  run: (ctx) =>
    withStore(ctx, async (store): Promise<ExitCode> => {
      const snapshots = store.snapshots();
      const imported: Array<{ name: string; file: string }> = [];
      let declined = 0;
      const progress = ctx.out.progress('import', ctx.args.length);
      for (const arg of ctx.args) {
        const file = resolve(arg);
        try {
          imported.push({ name: (await snapshots.import(file)).name, file });
        } catch (error) {
          if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
          const name = String(error.details.name);
          if (
            await confirmed(ctx, ctx.prompter, `replace snapshot "${name}" (its digest differs) with ${file}`)
          ) {
            imported.push({ name: (await snapshots.import(file, { overwrite: true })).name, file });
          } else declined += 1;
        }
        progress.tick();
      }
      progress.done();
      if (ctx.json) ctx.out.json({ imported, declined });
      else for (const { name, file } of imported) ctx.out.line(`imported snapshot ${name} from ${file}`);
      if (declined > 0) ctx.out.note(`${declined} snapshot(s) left as they were`);
      return declined > 0 ? EXIT.problem : EXIT.ok;
    }),
};

interface Verdict {
  name: string;
  ok: boolean;
  error?: string;
}

const verify: Command = {
  name: 'verify',
  summary: 'read every snapshot (or those named) back, checking its schema and digest; exit 1 if any is bad',
  args: '[<name>...]',
  min: 0,
  max: Number.POSITIVE_INFINITY,
  example: 'omega snapshots verify --root .omega',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const snapshots = store.snapshots();
      const names =
        ctx.args.length > 0
          ? ctx.args
          : await store.store.documents(SnapshotFront.DOCUMENTS).names({ limit: Number.POSITIVE_INFINITY });
      const verdicts: Verdict[] = [];
      const progress = ctx.out.progress('verify', names.length);
      for (const name of names) {
        try {
          const snapshot = await snapshots.load(name);
          verdicts.push(
            snapshot === null ? { name, ok: false, error: 'no such snapshot' } : { name, ok: true },
          );
        } catch (error) {
          verdicts.push({ name, ok: false, error: error instanceof Error ? error.message : String(error) });
        }
        progress.tick();
      }
      progress.done();
      const bad = verdicts.filter((verdict) => !verdict.ok);
      if (ctx.json) ctx.out.json({ ok: bad.length === 0, checked: verdicts.length, bad });
      else {
        for (const verdict of verdicts) {
          const mark = verdict.ok ? ctx.out.style('green', 'ok  ') : ctx.out.style('red', 'BAD ');
          ctx.out.line(`${mark} ${verdict.name}${verdict.error === undefined ? '' : `: ${verdict.error}`}`);
        }
        ctx.out.line(`${verdicts.length} checked, ${bad.length} bad`);
      }
      return bad.length === 0 ? EXIT.ok : EXIT.problem;
    }),
};

function missingSnapshot(ctx: CommandContext, name: string): NotFoundError {
  return new NotFoundError(`no snapshot "${name}" in ${ctx.root}`, { details: { kind: 'snapshot', name } });
}

/** `omega snapshots ls|show|export|import|verify`. */
export const snapshots: Group = {
  name: 'snapshots',
  summary: 'machine checkpoints',
  commands: [ls, show, exportCommand, importCommand, verify],
};
