import { isOmegaError, toJsonValue, type Val } from '@omega/core';
import type { StreamInfo } from '@omega/stream';
import { type Command, EXIT, type Group, integerOption } from './command.js';
import { bytes, isoTime } from './output.js';
import { withStore } from './store.js';

const ls: Command = {
  name: 'ls',
  summary: 'list the streams (id, status, chunks, bytes, last write)',
  args: '',
  min: 0,
  max: 0,
  example: 'omega streams ls',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const list = await store.streams().list();
      if (ctx.json)
        ctx.out.json(list.map((info) => ({ ...info, meta: info.meta && toJsonValue(info.meta) })));
      else {
        ctx.out.table<StreamInfo>(
          [
            { title: 'ID', cell: (s) => s.id },
            {
              title: 'STATUS',
              cell: (s) => (s.status === 'error' ? ctx.out.style('red', s.status) : s.status),
            },
            { title: 'CHUNKS', cell: (s) => String(s.chunks), right: true },
            { title: 'BYTES', cell: (s) => bytes(s.bytes), right: true },
            { title: 'UPDATED', cell: (s) => isoTime(s.updatedAt) },
          ],
          list,
          'no streams',
        );
      }
      return EXIT.ok;
    }),
};

// A text chunk is printed as it is (a model's output, read as it was streamed); anything else as JSON.
function text(chunk: Val): string {
  return typeof chunk === 'string' ? chunk : JSON.stringify(toJsonValue(chunk));
}

const cat: Command = {
  name: 'cat',
  summary: 'print the chunks of a stream (text as is; JSON lines with --json), -f to follow until it ends',
  args: '<id>',
  min: 1,
  max: 1,
  options: {
    from: { type: 'string', value: 'index', description: 'start at this chunk (default 0)' },
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'wait for chunks until the stream ends (Ctrl-C stops)',
    },
  },
  example: 'omega streams cat run-1.output -f',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const id = ctx.args[0] as string;
      const streams = store.streams();
      const chunks = streams.read(id, {
        from: integerOption(ctx, 'from', 0) as number,
        follow: ctx.values.follow === true,
        signal: ctx.signal,
      });
      try {
        for await (const { index, chunk } of chunks) {
          if (ctx.json) ctx.out.jsonLine({ index, chunk: toJsonValue(chunk) });
          else ctx.out.line(text(chunk));
        }
      } catch (error) {
        // Ctrl-C while following: the reader's abort, not a failure.
        if (ctx.signal.aborted && !isOmegaError(error)) return EXIT.ok;
        throw error;
      }
      const info = await streams.info(id);
      if (info?.status === 'error') {
        ctx.out.note(`stream ${id} ended with an error: ${info.error?.code}: ${info.error?.message}`);
        return EXIT.problem;
      }
      return EXIT.ok;
    }),
};

/** `omega streams ls|cat`. */
export const streams: Group = { name: 'streams', summary: 'resumable output streams', commands: [ls, cat] };
