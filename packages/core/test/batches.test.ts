import { describe, expect, it } from 'vitest';
import { Batches } from '../src/index.js';

describe('Batches', () => {
  it('runs a synchronous burst as one batch, and what comes during a batch in the next', async () => {
    const runs: number[][] = [];
    const batches = new Batches<number, number>(async (items) => {
      runs.push(items);
      return items.map((item) => item * 10);
    });
    const first = [1, 2, 3].map((item) => batches.submit(item));
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    const later = await Promise.all([batches.submit(4), batches.submit(5)]);
    expect(later).toEqual([40, 50]);
    expect(runs).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('runs an item that must be alone in a batch of its own, in submission order', async () => {
    const runs: string[][] = [];
    const batches = new Batches<string, string>(
      async (items) => {
        runs.push(items);
        return items;
      },
      256,
      (item) => item.startsWith('!'),
    );
    await Promise.all(['a', 'b', '!c', 'd', '!e', '!f', 'g'].map((item) => batches.submit(item)));
    expect(runs).toEqual([['a', 'b'], ['!c'], ['d'], ['!e'], ['!f'], ['g']]);
  });

  it('rejects every item of a batch whose run rejects, and goes on with the next', async () => {
    const failure = new Error('run failed');
    let calls = 0;
    const batches = new Batches<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw failure;
      return items;
    });
    const failed = [1, 2].map((item) => batches.submit(item));
    await expect(Promise.all(failed)).rejects.toBe(failure);
    await expect(failed[1]).rejects.toBe(failure);
    expect(await batches.submit(3)).toBe(3);
  });
});
