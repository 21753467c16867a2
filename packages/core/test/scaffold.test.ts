import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DocumentFront, Front } from '../src/front.js';
import {
  cloneVal,
  decodeRecord,
  documentSpec,
  encodeRecord,
  isOmegaError,
  isValidName,
  type LogBackend,
  logSpec,
  MemoryStore,
  NotFoundError,
  type Store,
  type Val,
} from '../src/index.js';
import type { MethodTable } from '../src/methods.js';
import {
  type ConformanceOptions,
  describeConformance,
  type FamilySuite,
  INVALID_NAMES,
  type LogRecords,
  mockProvider,
  type NamedRecords,
  type ProviderFixture,
} from '../src/testing.js';
import { recorder } from './recorder.js';

/** A tiny family of named records to declare suites for: named values, and one synchronous method. */
interface Things {
  get(name: string): Promise<Val | null>;
  has(name: string): Promise<boolean>;
  put(name: string, value: Val): Promise<void>;
  remove(name: string): Promise<void>;
  names(): Promise<string[]>;
  count(): number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const METHODS = {
  get: { name: 0, sample: (name) => [name] },
  has: { name: 0, sample: (name) => [name] },
  put: { name: 0, sample: (name) => [name, 'value'] },
  remove: { name: 0, sample: (name) => [name] },
  names: { sample: () => [] },
  count: { sync: true, sample: () => [] },
} satisfies MethodTable<Things>;

const DOCUMENTS = documentSpec({ kind: 'thing', folder: 'things', header: z.object({}) });
const ANY = z.unknown();

/** A correct front; `flaw` names a rule a broken variant forgets. */
class ThingFront extends DocumentFront<Record<string, never>> implements Things {
  #count = 0;
  // The 'plain-object' flaw: names indexed in a plain object, so 'constructor' is there in an empty store
  // and '__proto__' is not stored at all.
  readonly #plain: Record<string, Val> = {};
  // The 'shared' flaw: values kept as the caller's objects, unchecked.
  readonly #shared = new Map<string, Val>();
  // The 'plain-exists' flaw: only has() looks names up in a plain object, kept beside the documents.
  readonly #seen: Record<string, true> = {};
  /** `lenient`, with the 'one-name' flaw: the one name breaking the rule that get() takes for a missing one. */
  constructor(
    readonly flaw?:
      | 'closed'
      | 'sync-closed'
      | 'name'
      | 'one-name'
      | 'list-order'
      | 'plain-object'
      | 'plain-exists'
      | 'shared',
    readonly lenient?: unknown,
  ) {
    super(DOCUMENTS, new MemoryStore(), {}, { ownsStore: true });
  }
  async get(name: string) {
    this.lifecycle.assertOpen('get');
    // The flaw: a lookup that treats a name breaking the rule as one that is simply not there.
    if (this.flaw === 'name' && !isValidName(name)) return null;
    if (this.flaw === 'one-name' && name === this.lenient) return null;
    this.lifecycle.assertNamed('get', name);
    if (this.flaw === 'shared') return this.#shared.get(name) ?? null;
    if (this.flaw === 'plain-object') return name in this.#plain ? cloneVal(this.#plain[name]!) : null;
    const text = (await this.documents.read(name))?.body;
    return text === undefined ? null : (decodeRecord(ANY, text, { kind: 'thing', name }) as Val);
  }
  async has(name: string) {
    this.lifecycle.assertNamed('has', name);
    if (this.flaw === 'plain-exists') return name in this.#seen;
    return (await this.documents.readHeader(name)) !== null;
  }
  async put(name: string, value: Val) {
    this.lifecycle.assertNamed('put', name);
    if (this.flaw === 'plain-exists') this.#seen[name] = true;
    if (this.flaw === 'shared') {
      this.#shared.set(name, value);
      return;
    }
    const { record, text } = encodeRecord(ANY, value, { kind: 'thing', name });
    if (this.flaw === 'plain-object') this.#plain[name] = cloneVal(record as Val);
    else await this.documents.write(name, {}, text);
  }
  async remove(name: string) {
    this.lifecycle.assertNamed('remove', name);
    const removed =
      this.flaw === 'plain-object'
        ? name in this.#plain && delete this.#plain[name]
        : this.flaw === 'shared'
          ? this.#shared.delete(name)
          : await this.documents.remove(name);
    if (!removed) {
      throw new NotFoundError(`no thing ${name}`, { details: { kind: 'thing', name } });
    }
  }
  async names() {
    if (this.flaw !== 'closed') this.lifecycle.assertOpen('names');
    const names =
      this.flaw === 'plain-object'
        ? Object.keys(this.#plain).sort()
        : this.flaw === 'shared'
          ? [...this.#shared.keys()].sort()
          : await this.documents.names();
    return this.flaw === 'list-order' ? names.reverse() : names;
  }
  count() {
    if (this.flaw !== 'sync-closed') this.lifecycle.assertOpen('count');
    return this.#count++;
  }
}

/** A tiny append-only family: named journals of values, read back through an iterable method. */
interface Journal {
  append(log: string, value: Val): Promise<number>;
  read(log: string): AsyncIterable<Val>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const JOURNAL_METHODS = {
  append: { name: 0, sample: (log) => [log, 'entry'] },
  read: { name: 0, iterable: true, sample: (log) => [log] },
} satisfies MethodTable<Journal>;

const LOG = logSpec({ kind: 'journal', folder: 'journals', header: z.object({}) });

/** A correct journal over a store's log port; `flaw` names a rule a broken variant forgets. */
class JournalFront extends Front implements Journal {
  readonly #log: LogBackend<Record<string, never>>;
  constructor(
    store: Store,
    readonly flaw?: 'early' | 'lost-append' | 'reordered',
  ) {
    super('journal', store);
    this.#log = store.log(LOG);
  }
  async append(log: string, value: Val) {
    this.lifecycle.assertNamed('append', log);
    const entries = [{ header: {}, body: encodeRecord(ANY, value, { kind: 'journal', name: log }).text }];
    if (this.flaw !== 'lost-append') return this.#log.append(log, entries);
    // The flaw: a check-then-append without a lock; of appends racing for one size, all but one are lost.
    const size = await this.#log.size(log);
    return this.#log.append(log, entries, { expectedSize: size }).catch((error: unknown) => {
      if (isOmegaError(error, 'CONFLICT')) return size;
      throw error;
    });
  }
  async *read(log: string) {
    // The flaw: a first item yielded before the checks, so a closed journal or a bad name yields it.
    if (this.flaw === 'early') yield 'start';
    this.lifecycle.assertNamed('read', log);
    const entries = [];
    for (let page = await this.#log.read(log); page.length > 0; ) {
      entries.push(...page);
      page = await this.#log.read(log, { from: entries.length });
    }
    if (this.flaw === 'reordered') entries.reverse();
    for (const entry of entries) yield decodeRecord(ANY, entry.body, { kind: 'journal', name: log }) as Val;
  }
}

const RECORDS: NamedRecords<Things, Val> = {
  record: (seed) => ({ seed, text: `value ${seed}` }),
  save: (p, name, record) => p.put(name, record),
  load: (p, name) => p.get(name),
  delete: (p, name) => p.remove(name),
  names: (p) => p.names(),
  withValue: { 'the value': (value) => value, 'a list item': (value) => ['first', value] },
};

const LOGS: LogRecords<Journal, Val> = {
  entry: (seed) => ({ seed, note: `entry ${seed}` }),
  append: async (p, log, entry) => void (await p.append(log, entry)),
  entries: async (p, log) => {
    const values: Val[] = [];
    for await (const value of p.read(log)) values.push(value);
    return values;
  },
};

function declare(flaw?: ThingFront['flaw'], options: ConformanceOptions<Things> = {}, lenient?: unknown) {
  const suite = recorder();
  describeConformance(
    suite.framework,
    { family: 'Things', kind: 'thing', methods: METHODS, records: RECORDS },
    'memory',
    async () => ({ provider: new ThingFront(flaw, lenient) }),
    options,
    ({ provider, group }) => {
      group('counting', () => suite.framework.it('counts', () => expect(provider().count()).toBe(0)));
    },
  );
  return suite;
}

const JOURNAL_SUITE: FamilySuite<Journal> = {
  family: 'Journal',
  kind: 'journal',
  methods: JOURNAL_METHODS,
  logs: LOGS,
};

/** A journal suite over one memory store per test, reopened as another front over the same store. */
function declareJournal(flaw?: JournalFront['flaw']) {
  const suite = recorder();
  const stores = new Map<Journal, Store>();
  describeConformance(
    suite.framework,
    JOURNAL_SUITE,
    'memory',
    async () => {
      const store = new MemoryStore();
      const provider = new JournalFront(store, flaw);
      stores.set(provider, store);
      return { provider, cleanup: () => store.close() };
    },
    { reopen: async (provider) => new JournalFront(stores.get(provider)!, flaw) },
    () => undefined,
  );
  return suite;
}

class MockJournal extends mockProvider<Journal, object>(
  'MockJournal',
  JOURNAL_METHODS,
  () => new JournalFront(new MemoryStore()),
) {}

describe('describeConformance', () => {
  it('declares the shared groups, then the family groups, with generated tests per method', () => {
    const { titles, tests } = declare();
    for (const group of [
      'close',
      'the name rule',
      'names a plain object has',
      'named records',
      'values',
      'no shared references',
      'validation at save',
      'counting',
    ]) {
      expect(titles).toContain(`Things conformance: memory > ${group}`);
    }
    const names = [...tests.keys()].filter((title) => title.includes('the name rule'));
    expect(names.map((title) => title.split(' > ').at(-1))).toStrictEqual([
      'get() refuses every name breaking the rule with InvalidNameError',
      'has() refuses every name breaking the rule with InvalidNameError',
      'put() refuses every name breaking the rule with InvalidNameError',
      'remove() refuses every name breaking the rule with InvalidNameError',
    ]);
  });

  it('skips the persistence group without reopen, and any group named in options.skip, saying why', () => {
    const { titles } = declare(undefined, { skip: { counting: 'no counter here' } });
    expect(titles).toContain(
      'Things conformance: memory > persistence (skipped: no options.reopen, the data does not outlive the provider)',
    );
    expect(titles).toContain('Things conformance: memory > counting (skipped: no counter here)');
    expect(titles).toContain(
      'Things conformance: memory > counting (skipped: no counter here) > counting [skipped]',
    );
  });

  it('declares only the closed and name groups, from the method table, for a family without adapters', async () => {
    const suite = recorder();
    describeConformance(
      suite.framework,
      { family: 'Things', kind: 'thing', methods: METHODS },
      'memory',
      async () => ({ provider: new ThingFront() }),
      {},
      () => undefined,
    );
    expect(suite.titles).toStrictEqual([
      'Things conformance: memory',
      'Things conformance: memory > close',
      'Things conformance: memory > the name rule',
      'Things conformance: memory > names a plain object has',
    ]);
    expect(await suite.failures()).toStrictEqual([]);
  });

  it('passes a correct provider', async () => {
    expect(await declare().failures()).toStrictEqual([]);
  });

  it('fails a provider that forgets the closed check of one method', async () => {
    const suite = declare('closed');
    await expect(
      suite.run(
        'makes every method fail with ClosedError naming it: sync ones throw, async ones reject, iterable ones reject at the first next()',
      ),
    ).rejects.toThrow(/resolved/);
  });

  it('fails a provider that forgets the closed check of one synchronous method', async () => {
    const suite = declare('sync-closed');
    expect(await suite.failures()).toStrictEqual([
      'makes every method fail with ClosedError naming it: sync ones throw, async ones reject, iterable ones reject at the first next()',
    ]);
    await expect(
      suite.run(
        'makes every method fail with ClosedError naming it: sync ones throw, async ones reject, iterable ones reject at the first next()',
      ),
    ).rejects.toThrow(/returned/);
  });

  it('needs every entry of INVALID_NAMES: a provider taking only that one name breaking the rule fails', async () => {
    for (const bad of INVALID_NAMES) {
      const suite = declare('one-name', {}, bad);
      await expect(
        suite.run('get() refuses every name breaking the rule with InvalidNameError'),
        String(bad),
      ).rejects.toThrow(/resolved to null instead of rejecting with INVALID_NAME/);
    }
  });

  it('fails a provider that looks names up in a plain object in one method only, in the generated group', async () => {
    expect(await declare('plain-exists').failures()).toStrictEqual([
      'every method taking a name treats __proto__, constructor, ... as any other name',
    ]);
    await expect(
      declare('plain-exists').run(
        'every method taking a name treats __proto__, constructor, ... as any other name',
      ),
    ).rejects.toThrow(/has\("__proto__"\) resolved true, but has\("plain-name-0"\) resolved false/);
  });

  it('fails a provider that forgets the name rule in one method', async () => {
    const suite = declare('name');
    await suite.run('put() refuses every name breaking the rule with InvalidNameError');
    await expect(
      suite.run('get() refuses every name breaking the rule with InvalidNameError'),
    ).rejects.toThrow(/resolved to null instead of rejecting with INVALID_NAME/);
  });

  it('fails a provider that lists names out of order', async () => {
    const suite = declare('list-order');
    await expect(suite.run('lists every name once, sorted by UTF-16 code unit')).rejects.toThrow(
      /instead of/,
    );
  });

  it('fails a provider that indexes names in a plain object, and only on names such an object has', async () => {
    const suite = declare('plain-object');
    expect(await suite.failures()).toStrictEqual([
      'every method taking a name treats __proto__, constructor, ... as any other name',
      'treats names a plain object has (__proto__, constructor, ...) as any other name',
    ]);
    await expect(
      suite.run('treats names a plain object has (__proto__, constructor, ...) as any other name'),
    ).rejects.toThrow(/"__proto__" never saved must read as null/);
  });

  it("fails a provider that keeps the caller's values, in the groups on values only", async () => {
    expect(await declare('shared').failures()).toStrictEqual([
      'is not changed by mutating what was saved',
      'hands out copies: changing a loaded record alters neither the store nor another load',
      'refuses values that cannot be stored at the value with InvalidArgumentError, storing nothing',
      'refuses values that cannot be stored at a list item with InvalidArgumentError, storing nothing',
      'keeps the record saved before when a save over it is refused',
    ]);
  });

  it('closes every provider a test opened, then cleans up', async () => {
    const events: string[] = [];
    const suite = recorder();
    describeConformance(
      suite.framework,
      { family: 'Things', kind: 'thing', methods: METHODS, records: RECORDS },
      'memory',
      async () => {
        const provider = new ThingFront();
        const close = provider.close.bind(provider);
        provider.close = async () => {
          events.push('close');
          await close();
        };
        return { provider, cleanup: async () => void events.push('cleanup') };
      },
      {},
      ({ fresh }) => {
        suite.framework.it('opens another', async () => void (await fresh()));
      },
    );
    await suite.run('opens another');
    expect(events).toStrictEqual(['close', 'close', 'cleanup', 'cleanup']);
  });
});

describe('describeConformance with iterable methods and a logs adapter', () => {
  it('declares the log groups and persistence beside the generated ones, and passes a correct journal', async () => {
    const suite = declareJournal();
    expect(suite.titles).toStrictEqual([
      'Journal conformance: memory',
      'Journal conformance: memory > close',
      'Journal conformance: memory > the name rule',
      'Journal conformance: memory > names a plain object has',
      'Journal conformance: memory > log entries',
      'Journal conformance: memory > persistence',
    ]);
    expect(await suite.failures()).toStrictEqual([]);
  });

  it('fails an iterable method that yields before its checks: after close, and for a bad name', async () => {
    const suite = declareJournal('early');
    const failed = await suite.failures();
    expect(failed).toContain(
      'makes every method fail with ClosedError naming it: sync ones throw, async ones reject, iterable ones reject at the first next()',
    );
    expect(failed).toContain('reports ClosedError before checking the name');
    expect(failed).toContain('read() refuses every name breaking the rule with InvalidNameError');
    expect(failed).not.toContain('append() refuses every name breaking the rule with InvalidNameError');
    await expect(
      suite.run('read() refuses every name breaking the rule with InvalidNameError'),
    ).rejects.toThrow(/yielded "start" instead of rejecting with INVALID_NAME/);
  });

  it('fails a journal that loses appends made at once, in that test only', async () => {
    expect(await declareJournal('lost-append').failures()).toStrictEqual([
      'lands every one of concurrent appends, each once',
    ]);
  });

  it('fails a journal that reads its entries out of order', async () => {
    const failed = await declareJournal('reordered').failures();
    expect(failed).toContain('reads back every appended entry once, equal, in the order appended');
    expect(failed).toContain('keeps logs apart, each in its own order');
    expect(failed).toContain("two providers over one store read each other's appends, in order");
  });

  it('passes the generated mock of a family with an iterable method', async () => {
    const suite = recorder();
    describeConformance(
      suite.framework,
      JOURNAL_SUITE,
      'mock',
      async (): Promise<ProviderFixture<MockJournal>> => ({ provider: new MockJournal() }),
      {},
      () => undefined,
    );
    expect(await suite.failures()).toStrictEqual([]);
  });
});

describe('mockProvider and iterable methods', () => {
  const collect = async (items: AsyncIterable<Val>) => {
    const values: Val[] = [];
    for await (const item of items) values.push(item);
    return values;
  };

  it('records the call when made, and the copies of the items yielded once the iteration ends', async () => {
    const mock = new MockJournal();
    await mock.append('j', { n: 1 });
    await mock.append('j', { n: 2 });
    const items = mock.read('j');
    expect(mock.calls.map((call) => call.method)).toStrictEqual(['append', 'append', 'read']);
    expect(mock.calls[2]).not.toHaveProperty('result');
    const read = await collect(items);
    expect(read).toStrictEqual([{ n: 1 }, { n: 2 }]);
    (read[0] as { n: number }).n = 9;
    expect(mock.callsOf('read')[0]).toStrictEqual({
      method: 'read',
      args: ['j'],
      result: [{ n: 1 }, { n: 2 }],
    });
  });

  it('plays a scripted failure at the first next(), and a canned result as the items', async () => {
    const mock = new MockJournal();
    await mock.append('j', 'stored');
    mock.failNext('read');
    mock.returnNext('read', ['canned', 'items']);
    const failing = mock.read('j');
    expect(await collect(mock.read('j'))).toStrictEqual(['canned', 'items']);
    const error = await collect(failing).catch((caught: unknown) => caught);
    expect(isOmegaError(error, 'SCRIPTED_FAILURE')).toBe(true);
    expect(error).toMatchObject({ method: 'read', callNumber: 1 });
    expect(mock.callsOf('read')[0]?.error).toBe(error);
    expect(await collect(mock.read('j'))).toStrictEqual(['stored']);
  });

  it('makes its closed check at the first next(), naming itself', async () => {
    const mock = new MockJournal();
    const before = mock.read('j');
    await mock.close();
    for (const items of [before, mock.read('j')]) {
      const error = await collect(items).catch((caught: unknown) => caught);
      expect(isOmegaError(error, 'CLOSED')).toBe(true);
      expect(error).toMatchObject({ details: { provider: 'MockJournal', method: 'read' } });
    }
  });

  it('types the canned result of an iterable method as the items it yields', () => {
    const typeChecks = (mock: MockJournal) => {
      mock.returnNext('read', [1, 'two']);
      // @ts-expect-error the canned result of an iterable method is an array of its items
      mock.returnNext('read', 'one');
    };
    expect(typeChecks).toBeTypeOf('function');
  });
});
