import { describe, expect, it } from 'vitest';
import { logEntries, logSpec, MemoryStore, z } from '../src/index.js';

describe('logEntries', () => {
  it('walks a log from a position to its end, a page at a time, each entry once', async () => {
    const store = new MemoryStore();
    const log = store.log(logSpec({ kind: 'walk', folder: 'walk', header: z.object({}) }));
    const entries = Array.from({ length: 25 }, (_, i) => ({ header: {}, body: String(i) }));
    await log.append('l', entries);
    const walk = async (from: number, pageSize: number) => {
      const bodies: string[] = [];
      for await (const entry of logEntries(log, 'l', from, pageSize)) bodies.push(entry.body);
      return bodies;
    };
    expect(await walk(0, 10)).toEqual(entries.map((entry) => entry.body));
    expect(await walk(7, 9)).toEqual(entries.slice(7).map((entry) => entry.body));
    expect(await walk(0, 5)).toHaveLength(25);
    expect(await walk(25, 10)).toEqual([]);
    expect(await walk(0, 10).then(() => logEntries(log, 'missing').next())).toEqual({
      done: true,
      value: undefined,
    });
    await store.close();
  });
});
