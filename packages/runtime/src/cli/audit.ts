import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AuditEvent, AuditQuery } from '@omega/security';
import { type Command, EXIT, type Group, integerOption, stringOption, timeOption } from './command.js';
import { isoTime } from './output.js';
import { withStore } from './store.js';

const ls: Command = {
  name: 'ls',
  summary: 'list the security audit: decisions, policy changes and events, in log order',
  args: '',
  min: 0,
  max: 0,
  options: {
    principal: {
      type: 'string',
      value: 'who',
      description: 'only records of this principal (agent:run-1, ...)',
    },
    action: {
      type: 'string',
      value: 'action',
      description: 'only records of this action (effect.search, ...)',
    },
    since: {
      type: 'string',
      value: 'time',
      description: 'only records logged at or after this time (ISO or ms)',
    },
    limit: { type: 'string', value: 'n', description: 'at most this many records' },
  },
  example: 'omega audit ls --principal agent:run-1 --limit 50',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const query: AuditQuery = {};
      const principal = stringOption(ctx, 'principal');
      const action = stringOption(ctx, 'action');
      const since = timeOption(ctx, 'since');
      const limit = integerOption(ctx, 'limit');
      if (principal !== undefined) query.principal = principal;
      if (action !== undefined) query.action = action;
      if (since !== undefined) query.since = since;
      if (limit !== undefined) query.limit = limit;
      const records = await store.audit().auditLog(query);
      if (ctx.json) ctx.out.json(records);
      else {
        ctx.out.table<AuditEvent>(
          [
            { title: 'SEQ', cell: (e) => String(e.seq), right: true },
            { title: 'LOGGED', cell: (e) => isoTime(e.loggedAt) },
            { title: 'PRINCIPAL', cell: (e) => e.principal },
            { title: 'ACTION', cell: (e) => e.action },
            { title: 'RESOURCE', cell: (e) => e.resource },
            {
              title: 'OUTCOME',
              cell: (e) => (e.outcome === 'deny' ? ctx.out.style('red', e.outcome) : e.outcome),
            },
            { title: 'RULES', cell: (e) => e.rules.join(',') || '-' },
          ],
          records,
          'no audit records',
        );
      }
      return EXIT.ok;
    }),
};

const verify: Command = {
  name: 'verify',
  summary: 'read the whole audit back, checking each record and the signed tree; exit 1 if anything is bad',
  args: '',
  min: 0,
  max: 0,
  options: {
    against: {
      type: 'string',
      value: 'file',
      description: 'a checkpoint note kept elsewhere that the audit must extend',
    },
  },
  example: 'omega audit verify --against ./audit.checkpoint',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const file = stringOption(ctx, 'against');
      const against = file === undefined ? undefined : await readFile(resolve(file), 'utf8');
      const progress = ctx.out.progressOf('verify');
      const audit = store.audit();
      const result = await audit.verifyAudit({
        ...(against === undefined ? {} : { against }),
        onProgress: progress.listener,
      });
      progress.done();
      if (ctx.json) ctx.out.json(result);
      else if (result.ok)
        ctx.out.line(`${ctx.out.style('green', 'ok')}: ${result.size} audit records verified`);
      else
        ctx.out.line(
          `${ctx.out.style('red', 'BAD')}: record ${result.firstBadSeq ?? '?'} of ${result.size}: ${result.reason ?? 'altered'}`,
        );
      return result.ok ? EXIT.ok : EXIT.problem;
    }),
};

/** `omega audit ls|verify`. */
export const audit: Group = { name: 'audit', summary: 'the security audit log', commands: [ls, verify] };
