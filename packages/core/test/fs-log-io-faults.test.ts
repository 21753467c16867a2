import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vitest from 'vitest';
import { z } from 'zod';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { type LogEntryInput, logSpec } from '../src/log.js';
import { describeInjectedFaults, type WritePath } from '../src/testing.js';

const SPEC = logSpec({ kind: 'event', folder: 'events', header: z.object({ n: z.number() }) });
type Log = FilesystemLogBackend<{ n: number }>;

const entries = (first: number, count: number): LogEntryInput<{ n: number }>[] =>
  Array.from({ length: count }, (_, i) => ({ header: { n: first + i }, body: `"entry ${first + i}\n"` }));

// What a reader sees: every log, its size and its entries.
async function observe(log: Log): Promise<unknown> {
  const names = await log.logs();
  return Promise.all(
    names.map(async (name) => ({ name, size: await log.size(name), entries: await log.read(name) })),
  );
}

// Each write path, on log "a" of a store holding `prepared` entries in it.
function path(run: (log: Log) => Promise<unknown>, prepared = 2): WritePath<Log> {
  return {
    prepare: prepared === 0 ? undefined : async (log) => void (await log.append('a', entries(0, prepared))),
    run,
    observe,
    next: async (log) => {
      const size = await log.size('a');
      await log.append('a', entries(size, 1), { expectedSize: size });
    },
  };
}

describeInjectedFaults(vitest, {
  kind: 'event log',
  open: (root) => new FilesystemLogBackend(SPEC, { root }),
  paths: {
    'first append, creating the log and its folder': path((log) => log.append('a', entries(0, 3)), 0),
    'append of one entry': path((log) => log.append('a', entries(2, 1))),
    'append of a group': path((log) => log.append('a', entries(2, 5))),
    'conditional append': path((log) => log.append('a', entries(2, 1), { expectedSize: 2 })),
    'concurrent appends, written as one group': path((log) =>
      Promise.all(Array.from({ length: 6 }, (_, i) => log.append('a', entries(2 + i * 2, 2)))),
    ),
    'append after a torn tail, which it cuts': {
      ...path((log) => log.append('a', entries(2, 2))),
      prepare: async (log, dir) => {
        await log.append('a', entries(0, 2));
        await appendFile(join(dir, 'root', 'events', 'a.log'), '{"p":2,"e":2,"f":"omega.ev');
      },
    },
    drop: path((log) => log.drop('a')),
  },
});
