import { test as baseTest, describe, expect } from 'vitest';
import { z } from 'zod';
import type { DocumentBackend, DocumentSpec, StoredHeader } from '../src/documents.js';
import { INVALID_NAMES, OBJECT_KEY_NAMES, rejectionOf, VALID_EDGE_NAMES } from '../src/testing.js';

/** The header of the contract's documents. */
export const ContractHeader = z.object({ updatedAt: z.number() });
export type ContractHeader = z.infer<typeof ContractHeader>;

/** The document spec the contract runs every backend with. */
export const CONTRACT_SPEC: DocumentSpec<ContractHeader> = {
  kind: 'doc',
  folder: 'docs',
  format: 'omega.doc',
  version: 3,
  header: ContractHeader,
};

/** A fresh, empty backend for one test, and how to dispose of what it used. */
export interface BackendFixture {
  backend: DocumentBackend<ContractHeader>;
  /** Runs after the test, once the backend is closed. */
  cleanup?: () => Promise<void>;
}

/** What a stored header says, without where it was read from (`file` is backend-specific). */
function withoutFile<T extends StoredHeader<ContractHeader>>(stored: T | null): Omit<T, 'file'> | null {
  if (stored === null) return null;
  const { file: _file, ...rest } = stored;
  return rest;
}

/** A promise and the function that resolves it: lets a test order concurrent work without sleeping. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * The contract every {@link DocumentBackend} keeps, written once and run against each backend: `open`
 * returns a fresh, empty backend of {@link CONTRACT_SPEC} for every test.
 */
export function describeDocumentBackendContract(label: string, open: () => Promise<BackendFixture>): void {
  const test = baseTest.extend<{ backend: DocumentBackend<ContractHeader> }>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
    backend: async ({}, use) => {
      const fixture = await open();
      try {
        await use(fixture.backend);
      } finally {
        await fixture.backend.close();
        await fixture.cleanup?.();
      }
    },
  });

  describe(`DocumentBackend contract: ${label}`, () => {
    test('read and readHeader of a missing document are null; an empty backend lists nothing', async ({
      backend,
    }) => {
      expect(await backend.read('missing')).toBeNull();
      expect(await backend.readHeader('missing')).toBeNull();
      expect(await backend.names()).toEqual([]);
      expect(await backend.headers()).toEqual([]);
    });

    test('write creates a document that read and readHeader return with the spec version', async ({
      backend,
    }) => {
      await backend.write('a', { updatedAt: 1 }, '{"v":"α"}');
      expect(withoutFile(await backend.read('a'))).toEqual({
        name: 'a',
        version: 3,
        header: { updatedAt: 1 },
        body: '{"v":"α"}',
        bodyBytes: 10,
      });
      expect(withoutFile(await backend.readHeader('a'))).toEqual({
        name: 'a',
        version: 3,
        header: { updatedAt: 1 },
        bodyBytes: 10,
      });
    });

    test('write replaces a document whole', async ({ backend }) => {
      await backend.write('a', { updatedAt: 1 }, '"a much longer first body"');
      await backend.write('a', { updatedAt: 2 }, '2');
      expect(withoutFile(await backend.read('a'))).toEqual({
        name: 'a',
        version: 3,
        header: { updatedAt: 2 },
        body: '2',
        bodyBytes: 1,
      });
      expect(await backend.names()).toEqual(['a']);
    });

    test('bodies come back exactly as written', async ({ backend }) => {
      const bodies = [
        '',
        ' ',
        '"é ☃ 😀"',
        '{"$t":"bigint","v":"1"}',
        '"quote \\" backslash \\\\"',
        'x'.repeat(70_000),
      ];
      for (const [i, body] of bodies.entries()) await backend.write(`b${i}`, { updatedAt: i }, body);
      for (const [i, body] of bodies.entries()) {
        const stored = await backend.read(`b${i}`);
        expect(stored?.body).toBe(body);
        expect(stored?.bodyBytes).toBe(Buffer.byteLength(body, 'utf8'));
      }
    });

    test('names and headers list every document, sorted by UTF-16 code unit', async ({ backend }) => {
      // Code-unit order: '-' < '.' < digits < upper case < '_' < lower case, unlike localeCompare.
      const names = ['b', 'a', 'B', '_x', '-y', '0', 'Z', 'a.b', 'a-b', 'A'];
      for (const [i, name] of names.entries()) await backend.write(name, { updatedAt: i }, `${i}`);
      const sorted = ['-y', '0', 'A', 'B', 'Z', '_x', 'a', 'a-b', 'a.b', 'b'];
      expect(await backend.names()).toStrictEqual(sorted);
      const headers = await backend.headers();
      expect(headers.map(withoutFile)).toEqual(
        sorted.map((name) => {
          const i = names.indexOf(name);
          return { name, version: 3, header: { updatedAt: i }, bodyBytes: `${i}`.length };
        }),
      );
      for (const header of headers) expect(header).not.toHaveProperty('body');
    });

    test('names at the edges of the rule are accepted by every method', async ({ backend }) => {
      for (const name of VALID_EDGE_NAMES) {
        await backend.write(name, { updatedAt: 1 }, '1');
        expect((await backend.read(name))?.name).toBe(name);
        expect((await backend.readHeader(name))?.name).toBe(name);
        expect(await backend.withLock(name, async () => name)).toBe(name);
      }
      expect(await backend.names()).toStrictEqual([...VALID_EDGE_NAMES].sort());
      for (const name of VALID_EDGE_NAMES) {
        expect(await backend.remove(name)).toBe(true);
        await backend.create(name, { updatedAt: 2 }, '2');
      }
      expect(await backend.names()).toStrictEqual([...VALID_EDGE_NAMES].sort());
    });

    test('names a plain object has (__proto__, constructor, ...) are like any other', async ({ backend }) => {
      for (const name of OBJECT_KEY_NAMES) {
        expect(await backend.read(name)).toBeNull();
        expect(await backend.readHeader(name)).toBeNull();
        expect(await backend.remove(name)).toBe(false);
      }
      expect(await backend.names()).toStrictEqual([]);
      expect(await backend.headers()).toStrictEqual([]);
      for (const [i, name] of OBJECT_KEY_NAMES.entries()) {
        await backend.create(name, { updatedAt: i }, `${i}`);
        await backend.update(name, (current) => ({
          header: { updatedAt: (current?.header.updatedAt ?? -1) + 10 },
          body: `${i}`,
        }));
      }
      const sorted = [...OBJECT_KEY_NAMES].sort();
      expect(await backend.names()).toStrictEqual(sorted);
      expect((await backend.headers()).map((header) => header.name)).toStrictEqual(sorted);
      for (const [i, name] of OBJECT_KEY_NAMES.entries()) {
        expect(withoutFile(await backend.read(name))).toEqual({
          name,
          version: 3,
          header: { updatedAt: i + 10 },
          bodyBytes: `${i}`.length,
          body: `${i}`,
        });
        expect(await backend.remove(name)).toBe(true);
      }
      expect(await backend.names()).toStrictEqual([]);
    });

    test('create makes a new document', async ({ backend }) => {
      await backend.create('new', { updatedAt: 7 }, '"first"');
      expect(withoutFile(await backend.read('new'))).toEqual({
        name: 'new',
        version: 3,
        header: { updatedAt: 7 },
        body: '"first"',
        bodyBytes: 7,
      });
    });

    test('create of an existing document is an AlreadyExistsError and leaves it unchanged', async ({
      backend,
    }) => {
      await backend.write('one', { updatedAt: 1 }, '"first"');
      const error = await rejectionOf(
        () => backend.create('one', { updatedAt: 2 }, '"second"'),
        'ALREADY_EXISTS',
      );
      expect(error.details).toMatchObject({ kind: 'doc', name: 'one' });
      expect(error.message).toContain('"one"');
      expect((await backend.read('one'))?.body).toBe('"first"');
      expect((await backend.read('one'))?.header).toEqual({ updatedAt: 1 });
      expect(await backend.names()).toEqual(['one']);
    });

    test('of concurrent creators of one name exactly one wins', async ({ backend }) => {
      const results = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) =>
          backend.create('race', { updatedAt: i }, JSON.stringify({ writer: i })),
        ),
      );
      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') {
          await rejectionOf(Promise.reject(result.reason), 'ALREADY_EXISTS');
        }
      }
      const stored = await backend.read('race');
      expect(stored?.body).toBe(JSON.stringify({ writer: winners[0] }));
      expect(stored?.header).toEqual({ updatedAt: winners[0] });
      expect(await backend.names()).toEqual(['race']);
    });

    test('remove deletes a document and says whether there was one', async ({ backend }) => {
      await backend.write('a', { updatedAt: 1 }, '1');
      await backend.write('b', { updatedAt: 2 }, '2');
      expect(await backend.remove('a')).toBe(true);
      expect(await backend.remove('a')).toBe(false);
      expect(await backend.remove('never')).toBe(false);
      expect(await backend.read('a')).toBeNull();
      expect(await backend.readHeader('a')).toBeNull();
      expect(await backend.names()).toEqual(['b']);
      expect((await backend.headers()).map((header) => header.name)).toEqual(['b']);
      await backend.create('a', { updatedAt: 3 }, '3');
      expect((await backend.read('a'))?.body).toBe('3');
    });

    test('withLock returns what fn returns, and passes on its failure after releasing', async ({
      backend,
    }) => {
      expect(await backend.withLock('n', async (fence) => ({ fence }))).toEqual({
        fence: expect.any(Number),
      });
      const failure = new Error('fn failed');
      await expect(
        backend.withLock('n', async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      // Released despite the failure: a new holder gets the lock.
      expect(await backend.withLock('n', async () => 'again')).toBe('again');
    });

    test('withLock excludes other holders of a name and passes increasing fences', async ({ backend }) => {
      await backend.write('n', { updatedAt: 0 }, '0');
      let inside = 0;
      let most = 0;
      const fences: number[] = [];
      const holders = Array.from({ length: 10 }, () =>
        backend.withLock('n', async (fence) => {
          inside += 1;
          most = Math.max(most, inside);
          fences.push(fence);
          // Read-modify-write with awaits in between: without exclusion, updates would be lost.
          const current = Number((await backend.read('n'))?.body);
          await backend.write('n', { updatedAt: fence }, String(current + 1));
          inside -= 1;
          return fence;
        }),
      );
      const returned = await Promise.all(holders);
      expect(most).toBe(1);
      expect((await backend.read('n'))?.body).toBe('10');
      expect([...returned].sort((a, b) => a - b)).toEqual(fences);
      for (let i = 1; i < fences.length; i++) expect(fences[i]).toBeGreaterThan(fences[i - 1]!);
      const later = await backend.withLock('n', async (fence) => fence);
      expect(later).toBeGreaterThan(fences.at(-1)!);
    });

    test('a waiting holder gets the lock only once the holder before it is done', async ({ backend }) => {
      const events: string[] = [];
      const firstIn = gate();
      const letFirstOut = gate();
      const first = backend.withLock('n', async (fence) => {
        events.push('first in');
        firstIn.open();
        await letFirstOut.opened;
        events.push('first out');
        return fence;
      });
      await firstIn.opened;
      const second = backend.withLock('n', async (fence) => {
        events.push('second in');
        return fence;
      });
      // Another name is not held: its lock is free while 'n' is held.
      expect(await backend.withLock('other', async () => 'free')).toBe('free');
      events.push('other done');
      letFirstOut.open();
      const [firstFence, secondFence] = await Promise.all([first, second]);
      expect(events).toEqual(['first in', 'other done', 'first out', 'second in']);
      expect(secondFence).toBeGreaterThan(firstFence);
    });

    test('update writes what next makes of the current header, null for a new document', async ({
      backend,
    }) => {
      const seen: Array<number | null> = [];
      const bump = (current: StoredHeader<ContractHeader> | null) => {
        seen.push(current?.header.updatedAt ?? null);
        const updatedAt = (current?.header.updatedAt ?? 0) + 1;
        return { header: { updatedAt }, body: `v${updatedAt}` };
      };
      await backend.update('u', bump);
      await backend.update('u', bump);
      expect(seen).toEqual([null, 1]);
      expect(withoutFile(await backend.read('u'))).toEqual({
        name: 'u',
        version: 3,
        header: { updatedAt: 2 },
        bodyBytes: 2,
        body: 'v2',
      });
    });

    test('update changes nothing when next throws, and passes the error on', async ({ backend }) => {
      await backend.write('u', { updatedAt: 1 }, 'kept');
      const thrown = new Error('refused');
      await expect(
        backend.update('u', () => {
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      expect((await backend.read('u'))?.body).toBe('kept');
      await backend.update('u', () => ({ header: { updatedAt: 2 }, body: 'next' }));
      expect((await backend.read('u'))?.body).toBe('next');
    });

    test('concurrent updates of one name lose none, also beside a lock holder', async ({ backend }) => {
      const bump = (current: StoredHeader<ContractHeader> | null) => {
        const updatedAt = (current?.header.updatedAt ?? 0) + 1;
        return { header: { updatedAt }, body: String(updatedAt) };
      };
      const holding = gate();
      const release = gate();
      const holder = backend.withLock('n', async () => {
        holding.open();
        await release.opened;
        // A read-modify-write of its own: updates queued meanwhile must not slip in between.
        const current = await backend.readHeader('n');
        await backend.write('n', { updatedAt: (current?.header.updatedAt ?? 0) + 100 }, 'holder');
      });
      await holding.opened;
      const updates = Array.from({ length: 10 }, () => backend.update('n', bump));
      release.open();
      await Promise.all([holder, ...updates]);
      expect((await backend.readHeader('n'))?.header.updatedAt).toBe(110);
    });

    test('invalid names are an InvalidNameError naming the kind from every method, storing nothing', async ({
      backend,
    }) => {
      for (const name of INVALID_NAMES as string[]) {
        const calls = [
          () => backend.read(name),
          () => backend.readHeader(name),
          () => backend.write(name, { updatedAt: 1 }, '1'),
          () => backend.create(name, { updatedAt: 1 }, '1'),
          () => backend.remove(name),
          () => backend.withLock(name, async () => expect.unreachable('fn ran under an invalid name')),
          () => backend.update(name, () => expect.unreachable('next ran under an invalid name')),
        ];
        for (const call of calls) {
          const error = await rejectionOf(call, 'INVALID_NAME');
          expect(error.details).toMatchObject({ kind: 'doc', name });
        }
      }
      expect(await backend.names()).toEqual([]);
      expect(await backend.headers()).toEqual([]);
    });
  });
}
