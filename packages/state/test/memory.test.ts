import { describe, expect, it } from 'vitest';
import { describeStateProvider } from '../src/conformance.js';
import { MemoryStateProvider } from '../src/memory.js';

describeStateProvider('memory', async () => ({ provider: new MemoryStateProvider() }));

describe('MemoryStateProvider', () => {
  it('keeps the states of two providers apart', async () => {
    const first = new MemoryStateProvider();
    const second = new MemoryStateProvider();
    await first.saveState('run', first.createState());
    expect(await second.loadState('run')).toBeNull();
    expect(await second.listStates()).toStrictEqual([]);
  });
});
