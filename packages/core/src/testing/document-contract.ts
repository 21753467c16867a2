import { z } from 'zod';
import {
  type DocumentBackend,
  type DocumentSpec,
  MAX_DOCUMENT_BODY_BYTES,
  type StoredHeader,
} from '../documents.js';
import { isOmegaError } from '../errors.js';
import { assertSameValue, check, rejectionOf } from './assertions.js';
import { INVALID_NAMES, OBJECT_KEY_NAMES, VALID_EDGE_NAMES } from './fixtures.js';
import { gate, type PortFixture, type PortSuiteOptions, portSuite } from './port-suite.js';
import type { TestFramework } from './suite.js';

const ContractHeader = z.object({ updatedAt: z.number() });
/** The header of the document contract's documents. */
export type ContractHeader = z.infer<typeof ContractHeader>;

/** The spec every backend runs the document contract with: build the port under test over it. */
export const DOCUMENT_CONTRACT_SPEC: DocumentSpec<ContractHeader> = {
  kind: 'doc',
  folder: 'contract-docs',
  format: 'omega.doc',
  formatVersion: 3,
  header: ContractHeader,
};

type Port = DocumentBackend<ContractHeader>;

/** What a stored header says, without where it was read from (`file` is backend-specific). */
function withoutFile<T extends StoredHeader<ContractHeader>>(stored: T | null): Omit<T, 'file'> | null {
  if (stored === null) return null;
  const { file: _file, ...rest } = stored;
  return rest;
}

function stored(name: string, updatedAt: number, body?: string) {
  const bodyText = body ?? `${updatedAt}`;
  const header = { name, formatVersion: 3, header: { updatedAt }, bodyBytes: Buffer.byteLength(bodyText) };
  return body === undefined ? header : { ...header, body };
}

const bump = (current: StoredHeader<ContractHeader> | null) => {
  const updatedAt = (current?.header.updatedAt ?? 0) + 1;
  return { header: { updatedAt }, body: String(updatedAt) };
};

async function fails(pending: Promise<unknown>, expected: unknown, label: string): Promise<void> {
  try {
    await pending;
  } catch (error) {
    check(error === expected, `${label}: rejected with another error than fn's own`);
    return;
  }
  throw new Error(`${label}: resolved instead of passing fn's failure on`);
}

/**
 * The contract every {@link DocumentBackend} keeps, published so an outside backend runs it in two lines:
 * `describeDocumentBackend(vitest, 'MyDocuments', async () => ({ port: myStore.documents(DOCUMENT_CONTRACT_SPEC) }))`.
 * `open` returns a fresh, empty port of {@link DOCUMENT_CONTRACT_SPEC} for every test; with
 * `options.reopen`, a second port over the same data is checked to see everything the first wrote.
 */
export function describeDocumentBackend(
  framework: TestFramework,
  name: string,
  open: () => Promise<PortFixture<Port>>,
  options: PortSuiteOptions<Port> = {},
): void {
  portSuite(framework, `DocumentBackend contract: ${name}`, open, options, (test) => {
    test('read and readHeader of a missing document are null; an empty port lists nothing', async (port) => {
      check((await port.read('missing')) === null, 'read of a missing document is not null');
      check((await port.readHeader('missing')) === null, 'readHeader of a missing document is not null');
      assertSameValue(await port.names(), [], 'names()');
      assertSameValue(await port.headers(), [], 'headers()');
    });

    test('write creates a document that read and readHeader return with the spec version', async (port) => {
      await port.write('a', { updatedAt: 1 }, '{"v":"α"}');
      assertSameValue(withoutFile(await port.read('a')), stored('a', 1, '{"v":"α"}'), 'read');
      assertSameValue(
        withoutFile(await port.readHeader('a')),
        { ...stored('a', 1), bodyBytes: 10 },
        'readHeader',
      );
    });

    test('write replaces a document whole', async (port) => {
      await port.write('a', { updatedAt: 1 }, '"a much longer first body"');
      await port.write('a', { updatedAt: 2 }, '2');
      assertSameValue(withoutFile(await port.read('a')), stored('a', 2, '2'), 'read');
      assertSameValue(await port.names(), ['a'], 'names()');
    });

    test('bodies come back exactly as written', async (port) => {
      const bodies = [
        '',
        ' ',
        '"é ☃ 😀"',
        '{"$t":"bigint","v":"1"}',
        '"quote \\" backslash \\\\"',
        'x'.repeat(70_000),
      ];
      for (const [i, body] of bodies.entries()) await port.write(`b${i}`, { updatedAt: i }, body);
      for (const [i, body] of bodies.entries()) {
        const document = await port.read(`b${i}`);
        check(document?.body === body, `body ${i} came back changed`);
        check(document.bodyBytes === Buffer.byteLength(body, 'utf8'), `bodyBytes of body ${i}`);
      }
    });

    test('names and headers list every document, sorted by UTF-16 code unit', async (port) => {
      // Code-unit order: '-' < '.' < digits < upper case < '_' < lower case, unlike localeCompare.
      const names = ['b', 'a', 'B', '_x', '-y', '0', 'Z', 'a.b', 'a-b', 'A'];
      for (const [i, name] of names.entries()) await port.write(name, { updatedAt: i }, `${i}`);
      const sorted = ['-y', '0', 'A', 'B', 'Z', '_x', 'a', 'a-b', 'a.b', 'b'];
      assertSameValue(await port.names(), sorted, 'names()');
      const headers = await port.headers();
      assertSameValue(
        headers.map(withoutFile),
        sorted.map((name) => stored(name, names.indexOf(name))),
        'headers()',
      );
      for (const header of headers) check(!('body' in header), 'a listed header carries a body');
    });

    test('names and headers come in pages: after, limit, and every page together is the listing', async (port) => {
      const names = Array.from({ length: 25 }, (_, i) => `n${String(i).padStart(2, '0')}`);
      for (const [i, name] of [...names].reverse().entries()) await port.write(name, { updatedAt: i }, '1');
      assertSameValue(await port.names({ limit: 10 }), names.slice(0, 10), 'first page of names');
      assertSameValue(await port.names({ after: 'n09', limit: 10 }), names.slice(10, 20), 'second page');
      assertSameValue(await port.names({ after: 'n19', limit: 10 }), names.slice(20), 'last page');
      assertSameValue(await port.names({ after: 'n24' }), [], 'past the end');
      // `after` need not be a stored name: the page starts at the next one in order.
      assertSameValue(await port.names({ after: 'n045', limit: 2 }), ['n05', 'n06'], 'after between names');
      assertSameValue(await port.names({ after: '', limit: 1 }), ['n00'], 'after the empty string');
      const pages: string[] = [];
      for (let after: string | undefined; ; ) {
        const page = await port.headers({ ...(after === undefined ? {} : { after }), limit: 7 });
        pages.push(...page.map((header) => header.name));
        if (page.length < 7) break;
        after = page.at(-1)!.name;
      }
      assertSameValue(pages, names, 'headers page by page');
      assertSameValue(await port.names({ limit: Number.POSITIVE_INFINITY }), names, 'limit Infinity');
      for (const limit of [0, -1, 1.5, Number.NaN, '3']) {
        await rejectionOf(() => port.names({ limit: limit as number }), 'INVALID_ARGUMENT');
        await rejectionOf(() => port.headers({ limit: limit as number }), 'INVALID_ARGUMENT');
      }
      await rejectionOf(() => port.names({ after: 3 as unknown as string }), 'INVALID_ARGUMENT');
    });

    test('names at the edges of the rule are accepted by every method', async (port) => {
      for (const name of VALID_EDGE_NAMES) {
        await port.write(name, { updatedAt: 1 }, '1');
        check((await port.read(name))?.name === name, `read of ${name}`);
        check((await port.readHeader(name))?.name === name, `readHeader of ${name}`);
        check((await port.withLock(name, async () => name)) === name, `withLock of ${name}`);
      }
      assertSameValue(await port.names(), [...VALID_EDGE_NAMES].sort(), 'names()');
      for (const name of VALID_EDGE_NAMES) {
        check(await port.remove(name), `remove of ${name}`);
        await port.create(name, { updatedAt: 2 }, '2');
      }
      assertSameValue(await port.names(), [...VALID_EDGE_NAMES].sort(), 'names() after re-create');
    });

    test('names a plain object has (__proto__, constructor, ...) are like any other', async (port) => {
      for (const name of OBJECT_KEY_NAMES) {
        check((await port.read(name)) === null, `read of ${name} is not null`);
        check((await port.readHeader(name)) === null, `readHeader of ${name} is not null`);
        check(!(await port.remove(name)), `remove of a missing ${name} said true`);
      }
      assertSameValue(await port.names(), [], 'names()');
      assertSameValue(await port.headers(), [], 'headers()');
      for (const [i, name] of OBJECT_KEY_NAMES.entries()) {
        await port.create(name, { updatedAt: i }, `${i}`);
        await port.update(name, (current) => ({
          header: { updatedAt: (current?.header.updatedAt ?? -1) + 10 },
          body: `${i}`,
        }));
      }
      const sorted = [...OBJECT_KEY_NAMES].sort();
      assertSameValue(await port.names(), sorted, 'names()');
      assertSameValue(
        (await port.headers()).map((header) => header.name),
        sorted,
        'headers()',
      );
      for (const [i, name] of OBJECT_KEY_NAMES.entries()) {
        assertSameValue(withoutFile(await port.read(name)), stored(name, i + 10, `${i}`), `read of ${name}`);
        check(await port.remove(name), `remove of ${name}`);
      }
      assertSameValue(await port.names(), [], 'names() at the end');
    });

    test('create makes a new document', async (port) => {
      await port.create('new', { updatedAt: 7 }, '"first"');
      assertSameValue(withoutFile(await port.read('new')), stored('new', 7, '"first"'), 'read');
    });

    test('create of an existing document is an AlreadyExistsError and leaves it unchanged', async (port) => {
      await port.write('one', { updatedAt: 1 }, '"first"');
      const error = await rejectionOf(
        () => port.create('one', { updatedAt: 2 }, '"second"'),
        'ALREADY_EXISTS',
      );
      check(error.details.kind === 'doc' && error.details.name === 'one', 'error details name kind and name');
      assertSameValue(withoutFile(await port.read('one')), stored('one', 1, '"first"'), 'read');
      assertSameValue(await port.names(), ['one'], 'names()');
    });

    test('of concurrent creators of one name exactly one wins', async (port) => {
      const results = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) =>
          port.create('race', { updatedAt: i }, JSON.stringify({ writer: i })),
        ),
      );
      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      check(winners.length === 1, `${winners.length} creators won`);
      for (const result of results) {
        if (result.status === 'rejected') await rejectionOf(Promise.reject(result.reason), 'ALREADY_EXISTS');
      }
      const winner = winners[0]!;
      assertSameValue(
        withoutFile(await port.read('race')),
        stored('race', winner, JSON.stringify({ writer: winner })),
      );
      assertSameValue(await port.names(), ['race'], 'names()');
    });

    test('remove deletes a document and says whether there was one', async (port) => {
      await port.write('a', { updatedAt: 1 }, '1');
      await port.write('b', { updatedAt: 2 }, '2');
      check(await port.remove('a'), 'remove of a stored document said false');
      check(!(await port.remove('a')), 'a second remove said true');
      check(!(await port.remove('never')), 'remove of a missing document said true');
      check((await port.read('a')) === null, 'read after remove is not null');
      check((await port.readHeader('a')) === null, 'readHeader after remove is not null');
      assertSameValue(await port.names(), ['b'], 'names()');
      assertSameValue(
        (await port.headers()).map((header) => header.name),
        ['b'],
        'headers()',
      );
      await port.create('a', { updatedAt: 3 }, '3');
      check((await port.read('a'))?.body === '3', 're-created document');
    });

    test('withLock returns what fn returns, and passes on its failure after releasing', async (port) => {
      const held = await port.withLock('n', async (fence) => ({ fence }));
      check(typeof held.fence === 'number', 'withLock did not return what fn returned');
      const failure = new Error('fn failed');
      await fails(
        port.withLock('n', async () => {
          throw failure;
        }),
        failure,
        'withLock',
      );
      // Released despite the failure: a new holder gets the lock.
      check((await port.withLock('n', async () => 'again')) === 'again', 'lock not released after a failure');
    });

    test('withLock excludes other holders of a name and passes increasing fences', async (port) => {
      await port.write('n', { updatedAt: 0 }, '0');
      let inside = 0;
      let most = 0;
      const fences: number[] = [];
      const holders = Array.from({ length: 10 }, () =>
        port.withLock('n', async (fence) => {
          inside += 1;
          most = Math.max(most, inside);
          fences.push(fence);
          // Read-modify-write with awaits in between: without exclusion, updates would be lost.
          const current = Number((await port.read('n'))?.body);
          await port.write('n', { updatedAt: fence }, String(current + 1));
          inside -= 1;
          return fence;
        }),
      );
      const returned = await Promise.all(holders);
      check(most === 1, `${most} holders were inside at once`);
      check((await port.read('n'))?.body === '10', 'an update under the lock was lost');
      assertSameValue(
        [...returned].sort((a, b) => a - b),
        fences,
        'fences in the order holders got the lock',
      );
      for (let i = 1; i < fences.length; i++) check(fences[i]! > fences[i - 1]!, 'fences do not increase');
      check(
        (await port.withLock('n', async (fence) => fence)) > fences.at(-1)!,
        'a later fence is not greater',
      );
    });

    test('a waiting holder gets the lock only once the holder before it is done', async (port) => {
      const events: string[] = [];
      const firstIn = gate();
      const letFirstOut = gate();
      const first = port.withLock('n', async (fence) => {
        events.push('first in');
        firstIn.open();
        await letFirstOut.opened;
        events.push('first out');
        return fence;
      });
      await firstIn.opened;
      const second = port.withLock('n', async (fence) => {
        events.push('second in');
        return fence;
      });
      // Another name is not held: its lock is free while 'n' is held.
      check((await port.withLock('other', async () => 'free')) === 'free', 'another name was not free');
      events.push('other done');
      letFirstOut.open();
      const [firstFence, secondFence] = await Promise.all([first, second]);
      assertSameValue(events, ['first in', 'other done', 'first out', 'second in'], 'order of holders');
      check(secondFence > firstFence, 'the second fence is not greater');
    });

    test('update writes what next makes of the current header, null for a new document', async (port) => {
      const seen: Array<number | null> = [];
      const next = (current: StoredHeader<ContractHeader> | null) => {
        seen.push(current?.header.updatedAt ?? null);
        const updatedAt = (current?.header.updatedAt ?? 0) + 1;
        return { header: { updatedAt }, body: `v${updatedAt}` };
      };
      await port.update('u', next);
      await port.update('u', next);
      assertSameValue(seen, [null, 1], 'headers next saw');
      assertSameValue(withoutFile(await port.read('u')), stored('u', 2, 'v2'), 'read');
    });

    test('update changes nothing when next throws, and passes the error on', async (port) => {
      await port.write('u', { updatedAt: 1 }, 'kept');
      const thrown = new Error('refused');
      await fails(
        port.update('u', () => {
          throw thrown;
        }),
        thrown,
        'update',
      );
      check((await port.read('u'))?.body === 'kept', 'a refused update changed the document');
      await port.update('u', () => ({ header: { updatedAt: 2 }, body: 'next' }));
      check((await port.read('u'))?.body === 'next', 'update after a refused one');
    });

    test('concurrent updates of one name lose none, also beside a lock holder', async (port) => {
      const holding = gate();
      const release = gate();
      const holder = port.withLock('n', async () => {
        holding.open();
        await release.opened;
        // A read-modify-write of its own: updates queued meanwhile must not slip in between.
        const current = await port.readHeader('n');
        await port.write('n', { updatedAt: (current?.header.updatedAt ?? 0) + 100 }, 'holder');
      });
      await holding.opened;
      const updates = Array.from({ length: 10 }, () => port.update('n', bump));
      release.open();
      await Promise.all([holder, ...updates]);
      check((await port.readHeader('n'))?.header.updatedAt === 110, 'an update was lost');
    });

    test('update waits for a held lock: the document stays as it was until the holder is done', async (port) => {
      await port.write('w', { updatedAt: 1 }, '1');
      let update: Promise<void> | undefined;
      await port.withLock('w', async () => {
        update = port.update('w', bump);
        // Turns of the event loop in which an update that ignored the lock would have landed.
        for (let turn = 0; turn < 20; turn++) await new Promise<void>((resume) => setImmediate(resume));
        check((await port.readHeader('w'))?.header.updatedAt === 1, 'update wrote while the lock was held');
      });
      await update;
      check(
        (await port.readHeader('w'))?.header.updatedAt === 2,
        'update did not write once the lock was free',
      );
    });

    test('writes passing the fence of the held lock land; a fence not held is a ConflictError', async (port) => {
      const fence = await port.withLock('f', async (fence) => {
        await port.create('f', { updatedAt: 1 }, '1', { fence });
        await port.write('f', { updatedAt: 2 }, '2', { fence });
        check((await port.readHeader('f'))?.header.updatedAt === 2, 'a fenced write did not land');
        check(await port.remove('f', { fence }), 'a fenced remove found nothing');
        await port.create('f', { updatedAt: 3 }, '3', { fence });
        return fence;
      });
      const stale = await rejectionOf(port.write('f', { updatedAt: 9 }, '9', { fence }), 'CONFLICT');
      check(stale.details.reason === 'not held', 'a released fence was not refused as not held');
      await port.withLock('g', async (other) => {
        await rejectionOf(port.write('g', { updatedAt: 9 }, '9', { fence: other + 1 }), 'CONFLICT');
      });
      assertSameValue(withoutFile(await port.read('f')), stored('f', 3, '3'), 'read after fenced writes');
      assertSameValue(await port.names(), ['f'], 'names() after fenced writes');
    });

    test('a fenced write over a document another writer changed meanwhile is a ConflictError and changes nothing', async (port) => {
      await port.write('c', { updatedAt: 1 }, '1');
      await port.withLock('c', async (fence) => {
        // Another writer, as a holder taken over after its lease would meet.
        await port.write('c', { updatedAt: 5 }, 'other');
        for (const write of [
          () => port.write('c', { updatedAt: 2 }, 'mine', { fence }),
          () => port.remove('c', { fence }),
        ]) {
          const error = await rejectionOf(write, 'CONFLICT');
          check(error.details.reason === 'fenced', 'the conflict does not say the write was fenced out');
        }
      });
      assertSameValue(
        withoutFile(await port.read('c')),
        stored('c', 5, 'other'),
        'read after refused writes',
      );
      await port.withLock('d', async (fence) => {
        await port.create('d', { updatedAt: 1 }, 'other');
        // Either error is right here: the document exists, and it changed since the holder saw it.
        const refused = await port.create('d', { updatedAt: 2 }, 'mine', { fence }).then(
          () => null,
          (error: unknown) => error,
        );
        check(
          isOmegaError(refused, 'CONFLICT') || isOmegaError(refused, 'ALREADY_EXISTS'),
          'a fenced create over a document another writer created was not refused',
        );
        check(await port.remove('d'), 'an unfenced remove');
        await rejectionOf(port.create('d', { updatedAt: 2 }, 'mine', { fence }), 'CONFLICT');
      });
      check((await port.read('d')) === null, 'a fenced create landed over a state it did not see');
    });

    test('a body over the limit every backend keeps is an InvalidArgumentError naming it, storing nothing', async (port) => {
      // A string built by repeat() is a rope: its length is known without allocating its bytes.
      const body = 'x'.repeat(MAX_DOCUMENT_BODY_BYTES + 1);
      const calls = [
        () => port.write('big', { updatedAt: 1 }, body),
        () => port.create('big', { updatedAt: 1 }, body),
        () => port.update('big', () => ({ header: { updatedAt: 1 }, body })),
      ];
      for (const call of calls) {
        const error = await rejectionOf(call, 'INVALID_ARGUMENT');
        check(error.details.limit === MAX_DOCUMENT_BODY_BYTES, 'the error does not carry the limit');
      }
      assertSameValue(await port.names(), [], 'names() after refused bodies');
    });

    test('invalid names are an InvalidNameError naming the kind from every method, storing nothing', async (port) => {
      const never = (): never => {
        throw new Error('a callback ran under an invalid name');
      };
      for (const name of INVALID_NAMES as string[]) {
        const calls = [
          () => port.read(name),
          () => port.readHeader(name),
          () => port.write(name, { updatedAt: 1 }, '1'),
          () => port.create(name, { updatedAt: 1 }, '1'),
          () => port.remove(name),
          () => port.withLock(name, async () => never()),
          () => port.update(name, never),
        ];
        for (const call of calls) {
          const error = await rejectionOf(call, 'INVALID_NAME');
          check(error.details.kind === 'doc', 'the error does not name the kind');
        }
      }
      assertSameValue(await port.names(), [], 'names()');
    });

    test.reopened(
      'a port reopened over the same data sees every document, and writes go on',
      async (port, reopen) => {
        for (let i = 0; i < 5; i++) await port.write(`d${i}`, { updatedAt: i }, `${i}`);
        await port.update('d0', bump);
        check(await port.remove('d4'), 'remove');
        const again = await reopen();
        assertSameValue(await again.names(), ['d0', 'd1', 'd2', 'd3'], 'names() of the reopened port');
        assertSameValue(
          withoutFile(await again.read('d0')),
          stored('d0', 1, '1'),
          'read of the reopened port',
        );
        await again.update('d1', bump);
        check(
          (await port.readHeader('d1'))?.header.updatedAt === 2,
          'the first port misses a write of the second',
        );
      },
    );
  });
}
