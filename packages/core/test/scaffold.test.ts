import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DocumentFront } from '../src/front.js';
import { documentSpec, isValidName, MemoryDocumentBackend, NotFoundError } from '../src/index.js';
import type { MethodTable } from '../src/methods.js';
import { type ConformanceOptions, describeConformance, type TestFramework } from '../src/testing/scaffold.js';

/** A tiny family to declare suites for: named strings, and one synchronous method. */
interface Things {
  get(name: string): Promise<string | null>;
  put(name: string, value: string): Promise<void>;
  remove(name: string): Promise<void>;
  names(): Promise<string[]>;
  count(): number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const METHODS = {
  get: { name: 0, sample: (name) => [name] },
  put: { name: 0, sample: (name) => [name, 'value'] },
  remove: { name: 0, sample: (name) => [name] },
  names: { sample: () => [] },
  count: { sync: true, sample: () => [] },
} satisfies MethodTable<Things>;

const DOCUMENTS = documentSpec({ kind: 'thing', folder: 'things', header: z.object({}) });

/** A correct front; `flaw` names a rule a broken variant forgets. */
class ThingFront extends DocumentFront<Record<string, never>> implements Things {
  #count = 0;
  // The 'plain-object' flaw: names indexed in a plain object, so 'constructor' is there in an empty store
  // and '__proto__' is not stored at all.
  readonly #plain: Record<string, string> = {};
  constructor(readonly flaw?: 'closed' | 'name' | 'list-order' | 'plain-object') {
    super('ThingFront', 'thing', new MemoryDocumentBackend(DOCUMENTS));
  }
  async get(name: string) {
    this.lifecycle.assertOpen('get');
    // The flaw: a lookup that treats a name breaking the rule as one that is simply not there.
    if (this.flaw === 'name' && !isValidName(name)) return null;
    this.lifecycle.assertNamed('get', name);
    if (this.flaw === 'plain-object') return name in this.#plain ? this.#plain[name]! : null;
    return (await this.backend.read(name))?.body ?? null;
  }
  async put(name: string, value: string) {
    this.lifecycle.assertNamed('put', name);
    if (this.flaw === 'plain-object') this.#plain[name] = value;
    else await this.backend.write(name, {}, value);
  }
  async remove(name: string) {
    this.lifecycle.assertNamed('remove', name);
    const removed =
      this.flaw === 'plain-object'
        ? name in this.#plain && delete this.#plain[name]
        : await this.backend.remove(name);
    if (!removed) {
      throw new NotFoundError(`no thing ${name}`, { details: { kind: 'thing', name } });
    }
  }
  async names() {
    if (this.flaw !== 'closed') this.lifecycle.assertOpen('names');
    const names = this.flaw === 'plain-object' ? Object.keys(this.#plain).sort() : await this.backend.names();
    return this.flaw === 'list-order' ? names.reverse() : names;
  }
  count() {
    this.lifecycle.assertOpen('count');
    return this.#count++;
  }
}

/** A framework that records what a suite declares, so its tests can be run here one by one. */
function recorder() {
  const titles: string[] = [];
  const tests = new Map<string, () => Promise<void> | void>();
  const hooks: { before: Array<() => unknown>; after: Array<() => unknown> } = { before: [], after: [] };
  const path: string[] = [];
  const framework: TestFramework = {
    describe(name, _options, body) {
      titles.push([...path, name].join(' > '));
      path.push(name);
      body();
      path.pop();
    },
    it: Object.assign(
      (name: string, body: () => Promise<void> | void) => tests.set([...path, name].join(' > '), body),
      {
        skip: (name: string) => titles.push(`${[...path, name].join(' > ')} [skipped]`),
      },
    ),
    beforeEach: (body) => hooks.before.push(body),
    afterEach: (body) => hooks.after.push(body),
  };
  /** Runs the one declared test whose title ends with `suffix`, with the suite's hooks around it. */
  async function run(suffix: string): Promise<void> {
    const found = [...tests].filter(([title]) => title.endsWith(suffix));
    if (found.length !== 1) throw new Error(`${found.length} tests end with "${suffix}"`);
    for (const hook of hooks.before) await hook();
    try {
      await found[0]![1]();
    } finally {
      for (const hook of hooks.after) await hook();
    }
  }
  return { framework, titles, tests, run };
}

const RECORDS = {
  save: (p: Things, name: string, seed: number) => p.put(name, `value ${seed}`),
  expected: (seed: number) => `value ${seed}`,
  load: (p: Things, name: string) => p.get(name),
  delete: (p: Things, name: string) => p.remove(name),
  names: (p: Things) => p.names(),
};

function declare(flaw?: ThingFront['flaw'], options: ConformanceOptions<Things> = {}) {
  const suite = recorder();
  describeConformance(
    suite.framework,
    { family: 'Things', kind: 'thing', methods: METHODS, records: RECORDS },
    'memory',
    async () => ({ provider: new ThingFront(flaw) }),
    options,
    ({ provider, group }) => {
      group('counting', () => suite.framework.it('counts', () => expect(provider().count()).toBe(0)));
    },
  );
  return suite;
}

describe('describeConformance', () => {
  it('declares the shared groups, then the family groups, with generated tests per method', () => {
    const { titles, tests } = declare();
    expect(titles).toContain('Things conformance: memory > close');
    expect(titles).toContain('Things conformance: memory > the name rule');
    expect(titles).toContain('Things conformance: memory > named records');
    expect(titles).toContain('Things conformance: memory > counting');
    const names = [...tests.keys()].filter((title) => title.includes('the name rule'));
    expect(names.map((title) => title.split(' > ').at(-1))).toStrictEqual([
      'get() refuses every name breaking the rule with InvalidNameError',
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

  it('passes a correct provider', async () => {
    const suite = declare();
    for (const title of suite.tests.keys()) await suite.run(title);
  });

  it('fails a provider that forgets the closed check of one method', async () => {
    const suite = declare('closed');
    await expect(
      suite.run('makes every method fail with ClosedError naming it: sync ones throw, async ones reject'),
    ).rejects.toThrow(/resolved/);
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
    const failed: string[] = [];
    for (const title of suite.tests.keys()) {
      await suite.run(title).catch(() => failed.push(title.split(' > ').at(-1)!));
    }
    expect(failed).toStrictEqual([
      'treats names a plain object has (__proto__, constructor, ...) as any other name',
    ]);
    await expect(
      suite.run('treats names a plain object has (__proto__, constructor, ...) as any other name'),
    ).rejects.toThrow(/"__proto__" never saved must read as null/);
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
