import { encode, MemoryStore, type Store, type SyncStore } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { thrownBy } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LogicFront } from '../src/front.js';
import { LOG } from '../src/rules.js';

type SharedStore = Store & SyncStore;

// Every test runs over a memory store and over a filesystem one: compaction is the front's, over the port.
const stores: Record<string, () => Promise<SharedStore>> = {
  memory: async () => {
    const store = new MemoryStore();
    onTestFinished(() => store.close());
    return store;
  },
  filesystem: async () => {
    const { dir, remove } = await tempDir('omega-logic-');
    const store = new FilesystemStore({ root: dir, durable: false });
    onTestFinished(async () => {
      await store.close();
      await remove();
    });
    return store;
  },
};

const logsOf = (store: SharedStore) => store.logSync(LOG).logs({ limit: Number.POSITIVE_INFINITY });

// Churn: each round asserts a fact and retracts the one before, so most entries die.
function churn(front: LogicFront, from: number, rounds: number): void {
  for (let i = from; i < from + rounds; i++) {
    front.assertFact(`(seen item${i})`);
    if (i > 0) front.retract(`(seen item${i - 1})`);
  }
}

function state(front: LogicFront) {
  return {
    facts: front.getFacts(),
    rules: front.getRules(),
    derived: front.query('(known ?x)'),
    signature: front.signature(),
  };
}

for (const [backend, open] of Object.entries(stores)) {
  describe(`compaction (${backend})`, () => {
    it('moves a churning base to new generations, dropping old ones, keeping what it holds and its order', async () => {
      const store = await open();
      const front = new LogicFront(store, { compactAfter: 8 });
      front.assertFact('Marie Curie was born in Poland');
      front.addRule('(seen ?x)', '(known ?x)');
      churn(front, 0, 40);
      const before = state(front);
      expect(before.facts).toStrictEqual(['Marie Curie was born in Poland', '(seen item39)']);
      expect(before.derived).toStrictEqual([{ x: 'item39' }]);
      // Generation 0, the one before the current one, and the current one.
      const logs = logsOf(store);
      expect(logs).toHaveLength(3);
      expect(logs[0]).toBe('facts');
      const later = logs
        .slice(1)
        .map((log) => Number(/^facts\.\.([0-9]+)\.[0-9a-f]{12}$/.exec(log)?.[1]))
        .sort((a, b) => a - b);
      expect(later[1]! - later[0]!).toBe(1);
      expect(Math.min(...logs.slice(1).map((log) => store.logSync(LOG).size(log)))).toBeLessThan(16);
      expect(state(new LogicFront(store))).toStrictEqual(before);
    });

    it('leaves a base whose entries are mostly live as it is', async () => {
      const store = await open();
      const front = new LogicFront(store, { compactAfter: 8 });
      for (let i = 0; i < 20; i++) front.assertFact(`(live ${i})`);
      front.retract('(live 0)');
      expect(logsOf(store)).toStrictEqual(['facts']);
    });

    it('brings a provider that fell behind by compactions up to date, and orders its writes after', async () => {
      const store = await open();
      const writer = new LogicFront(store, { compactAfter: 8 });
      const idle = new LogicFront(store, { compactAfter: 8 });
      writer.addRule('(seen ?x)', '(known ?x)');
      expect(idle.getRules()).toHaveLength(1);
      // Enough churn for several compactions: the generation the idle provider read is dropped.
      churn(writer, 0, 60);
      idle.assertFact('(seen late)');
      expect(state(idle)).toStrictEqual(state(writer));
      expect(writer.query('(known ?x)')).toStrictEqual([{ x: 'item59' }, { x: 'late' }]);
    });

    it('skips the snapshot of a compaction that crashed before pointing to it', async () => {
      const store = await open();
      const front = new LogicFront(store, { compactAfter: 8 });
      front.assertFact('(kept a)');
      // What a compactor killed between its two appends leaves: a new log, no `moved` entry naming it.
      store.logSync(LOG).append('facts..1.0123456789ab', [
        { header: { op: 'clear', at: 1 }, body: encode({}) },
        { header: { op: 'fact', at: 1 }, body: encode({ fact: '(ghost b)' }) },
      ]);
      expect(new LogicFront(store).getFacts()).toStrictEqual(['(kept a)']);
      churn(front, 0, 20);
      const after = new LogicFront(store);
      expect(after.getFacts()).toStrictEqual(['(kept a)', '(seen item19)']);
      expect(after.ask('(ghost b)')).toBe(false);
    });

    it('reports a moved entry that skips a generation as a CorruptDataError naming its position', async () => {
      const store = await open();
      new LogicFront(store).assertFact('(a b)');
      store
        .logSync(LOG)
        .append('facts', [
          { header: { op: 'moved', at: 1 }, body: encode({ generation: 3, snapshot: 'x' }) },
        ]);
      const error = thrownBy(() => new LogicFront(store).getFacts(), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ kind: 'logic', name: 'facts', position: 1 });
    });
  });
}

describe('option compactAfter', () => {
  it('refuses what is not a positive integer, naming the option', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '8']) {
      const error = thrownBy(
        () => new LogicFront(new MemoryStore(), { compactAfter: bad as number }),
        'INVALID_ARGUMENT',
      );
      expect(error.details).toMatchObject({ kind: 'logic', option: 'compactAfter' });
    }
  });
});
