import { type Command, EXIT, type ExitCode, type Group, integerOption } from './command.js';
import { confirmed } from './confirm.js';
import { bytes } from './output.js';
import { withStore } from './store.js';

const stats: Command = {
  name: 'stats',
  summary: 'print what the artifact cache holds: entries and bytes of stored values',
  args: '',
  min: 0,
  max: 0,
  example: 'omega artifacts stats --json',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      // Hit, miss and saved-time counts are per provider instance: a fresh one has none, so they are left out.
      const { count, bytes: size } = store.artifacts().stats();
      if (ctx.json) ctx.out.json({ count, bytes: size });
      else
        ctx.out.fields([
          ['entries', String(count)],
          ['values', bytes(size)],
        ]);
      return EXIT.ok;
    }),
};

const prune: Command = {
  name: 'prune',
  summary:
    'evict least recently used entries down to the bounds given, drop entries whose value is gone, remove unreferenced values',
  args: '',
  min: 0,
  max: 0,
  destructive: true,
  options: {
    capacity: { type: 'string', value: 'n', description: 'keep at most this many entries' },
    'max-bytes': { type: 'string', value: 'n', description: 'keep at most this many bytes of values' },
  },
  example: 'omega artifacts prune --capacity 1000 --max-bytes 104857600 --yes',
  run: (ctx) =>
    withStore(ctx, async (store): Promise<ExitCode> => {
      const capacity = integerOption(ctx, 'capacity');
      const maxBytes = integerOption(ctx, 'max-bytes');
      const bounds = [
        capacity === undefined ? null : `${capacity} entries`,
        maxBytes === undefined ? null : bytes(maxBytes),
      ].filter((bound) => bound !== null);
      const what =
        bounds.length === 0
          ? 'prune the artifact cache'
          : `prune the artifact cache to ${bounds.join(' and ')}`;
      if (!(await confirmed(ctx, ctx.prompter, what))) {
        ctx.out.note('nothing pruned');
        return EXIT.problem;
      }
      const cache = store.artifacts({
        ...(capacity === undefined ? {} : { capacity }),
        ...(maxBytes === undefined ? {} : { maxBytes }),
      });
      const result = cache.prune();
      const { count, bytes: size } = cache.stats();
      if (ctx.json) ctx.out.json({ ...result, count, bytes: size });
      else
        ctx.out.line(
          `evicted ${result.evicted} entries, removed ${result.blobsRemoved} values; ${count} entries (${bytes(size)}) left`,
        );
      return EXIT.ok;
    }),
};

/** `omega artifacts stats|prune`. */
export const artifacts: Group = {
  name: 'artifacts',
  summary: 'the memoization cache',
  commands: [stats, prune],
};
