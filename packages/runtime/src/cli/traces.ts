import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '@omega/core/fs';
import { TRACE_LEVELS, type TraceEvent, type TraceQuery, toOtlp } from '@omega/trace';
import {
  type Command,
  type CommandContext,
  EXIT,
  type Group,
  integerOption,
  stringOption,
  timeOption,
  UsageError,
} from './command.js';
import type { Output } from './output.js';
import { withStore } from './store.js';

// How often `tail -f` reads the trace files again: other processes write them, so there is nothing to
// subscribe to across processes; a quarter second keeps a followed run live without busy reading.
const FOLLOW_INTERVAL_MS = 250;

const FILTERS = {
  run: { type: 'string', value: 'id', description: 'only the events of this run' },
  kind: {
    type: 'string',
    value: 'kind',
    description: 'only events of this kind (effect.call, span.start, ...)',
  },
  level: {
    type: 'string',
    value: 'level',
    description: `only events of this level (${TRACE_LEVELS.join(', ')})`,
  },
  since: { type: 'string', value: 'time', description: 'only events at or after this time (ISO date or ms)' },
} as const;

function queryOf(ctx: CommandContext): TraceQuery {
  const query: TraceQuery = {};
  const run = stringOption(ctx, 'run');
  const kind = stringOption(ctx, 'kind');
  const level = stringOption(ctx, 'level');
  const since = timeOption(ctx, 'since');
  if (level !== undefined && !(TRACE_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--level takes one of ${TRACE_LEVELS.join(', ')}, got "${level}"`);
  }
  if (run !== undefined) query.runId = run;
  if (kind !== undefined) query.kind = kind;
  if (level !== undefined) query.level = level;
  if (since !== undefined) query.since = since;
  return query;
}

function print(out: Output, json: boolean, event: TraceEvent): void {
  if (json) {
    out.jsonLine(event);
    return;
  }
  // Padded before styling, so the escape codes do not count towards the column's width.
  const level = (event.level ?? 'info').padEnd(5);
  const colour = event.level === 'error' ? 'red' : event.level === 'warn' ? 'yellow' : 'dim';
  const styled = out.style(colour, level);
  const step = event.step === undefined ? '' : ` step ${event.step}`;
  const name = event.name === undefined ? '' : ` ${event.name}`;
  const data = event.data === undefined ? '' : ` ${JSON.stringify(event.data)}`;
  out.line(
    `${new Date(event.at).toISOString()} ${styled} ${event.runId}${step} ${out.style('cyan', event.kind)}${name}${data}`,
  );
}

const keyOf = (event: TraceEvent) => `${event.writer}:${event.seq}`;

const tail: Command = {
  name: 'tail',
  summary: 'print the last trace events (one line each; JSON lines with --json), -f to follow',
  args: '',
  min: 0,
  max: 0,
  options: {
    ...FILTERS,
    lines: {
      type: 'string',
      short: 'n',
      value: 'n',
      description: 'how many of the last events (default 20)',
    },
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'keep printing events as they are written (Ctrl-C stops)',
    },
  },
  example: 'omega traces tail -f --run run-1 --level warn',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const traces = store.traces();
      const query = queryOf(ctx);
      const lines = integerOption(ctx, 'lines', 20) as number;
      let last: TraceEvent[] = [];
      for await (const event of traces.query(query)) {
        last.push(event);
        if (last.length > lines) last = last.slice(-lines);
      }
      for (const event of last) print(ctx.out, ctx.json, event);
      if (ctx.values.follow !== true) return EXIT.ok;
      // Events come in (at, writer, seq) order; a later read may hold events at the last time printed,
      // so those already printed are skipped by their writer and number.
      let since = last.at(-1)?.at ?? query.since ?? 0;
      let seen = new Set(last.filter((event) => event.at === since).map(keyOf));
      while (!ctx.signal.aborted) {
        try {
          await sleep(FOLLOW_INTERVAL_MS, undefined, { signal: ctx.signal });
        } catch {
          break;
        }
        for await (const event of traces.query({ ...query, since })) {
          if (event.at === since && seen.has(keyOf(event))) continue;
          print(ctx.out, ctx.json, event);
          if (event.at > since) {
            since = event.at;
            seen = new Set();
          }
          seen.add(keyOf(event));
        }
      }
      return EXIT.ok;
    }),
};

const exportCommand: Command = {
  name: 'export',
  summary: 'write the trace events as OpenTelemetry OTLP JSON (one TracesData per line, per trace)',
  args: '',
  min: 0,
  max: 0,
  options: {
    otlp: { type: 'boolean', description: 'OTLP JSON, as the Collector file receiver reads it (the format)' },
    out: { type: 'string', value: 'file', description: 'write to this file (atomically) instead of stdout' },
    ...FILTERS,
  },
  example: 'omega traces export --otlp --run run-1 --out run-1.otlp.jsonl',
  run: async (ctx) => {
    if (ctx.values.otlp !== true) throw new UsageError('choose the export format: --otlp');
    return withStore(ctx, async (store) => {
      const byTrace = new Map<string, TraceEvent[]>();
      let events = 0;
      for await (const event of store.traces().query(queryOf(ctx))) {
        // OTLP carries spans: an event outside any span has no place in it.
        if (event.traceId === undefined || event.spanId === undefined) continue;
        events += 1;
        const group = byTrace.get(event.traceId);
        if (group === undefined) byTrace.set(event.traceId, [event]);
        else group.push(event);
      }
      const progress = ctx.out.progress('export', byTrace.size);
      const lines: string[] = [];
      for (const group of byTrace.values()) {
        lines.push(`${JSON.stringify(toOtlp(group))}\n`);
        progress.tick();
      }
      progress.done();
      const file = stringOption(ctx, 'out');
      if (file === undefined) {
        for (const line of lines) ctx.out.line(line.trimEnd());
        return EXIT.ok;
      }
      await writeFileAtomic(resolve(file), lines.join(''));
      ctx.out.note(`wrote ${byTrace.size} trace(s), ${events} span event(s), to ${resolve(file)}`);
      return EXIT.ok;
    });
  },
};

/** `omega traces tail|export`. */
export const traces: Group = {
  name: 'traces',
  summary: 'execution traces of runs',
  commands: [tail, exportCommand],
};
