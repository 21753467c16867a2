import { createHash } from 'node:crypto';
import type { BlobBackend, BlobSpec } from '../blobs.js';
import { assertSameValue, check, describeOutcome, rejectionOf } from './assertions.js';
import { mulberry32 } from './fixtures.js';
import { type PortFixture, type PortSuiteOptions, portSuite } from './port-suite.js';
import type { TestFramework } from './suite.js';

/** The spec every backend runs the blob contract with: build the port under test over it. */
export const BLOB_CONTRACT_SPEC: BlobSpec = { kind: 'contract blob', folder: 'contract-blobs' };

// Computed here, not with core's blobDigest: the contract must not share a bug with the code it checks.
function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `length` seeded pseudo-random bytes: the same in every run. */
function seededBytes(seed: number, length: number): Uint8Array {
  const next = mulberry32(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (next() * 256) | 0;
  return bytes;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Throws unless `actual` is a Uint8Array holding exactly the bytes of `expected`. */
function assertSameBytes(actual: unknown, expected: Uint8Array, label: string): void {
  check(actual instanceof Uint8Array, `${label}: got ${describeOutcome(actual)}, not a Uint8Array`);
  check(
    actual.byteLength === expected.byteLength,
    `${label}: ${actual.byteLength} bytes instead of ${expected.byteLength}`,
  );
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(e)) return;
  const at = a.findIndex((byte, i) => byte !== e[i]);
  throw new Error(`${label}: byte ${at} is ${a[at]} instead of ${e[at]}`);
}

/** Every page of the listing, `limit` at a time, each starting after the last of the one before. */
async function pageByPage(blobs: BlobBackend, limit: number): Promise<string[]> {
  const all: string[] = [];
  for (let after: string | undefined; ; ) {
    const page = await blobs.digests(after === undefined ? { limit } : { after, limit });
    check(page.length <= limit, `a page of limit ${limit} holds ${page.length} digests`);
    all.push(...page);
    if (page.length < limit) return all;
    after = page.at(-1);
  }
}

/** Digests that are not 64 lowercase hex digits, several of them near `stored` (a digest that is). */
function badDigests(stored: string): unknown[] {
  return [
    stored.toUpperCase(),
    `${stored.slice(0, 10).toUpperCase()}${stored.slice(10)}`,
    stored.slice(0, 63),
    `${stored}0`,
    stored.slice(0, 40),
    '',
    ` ${stored.slice(1)}`,
    `${stored}\n`,
    `${stored.slice(0, 63)}\0`,
    'g'.repeat(64),
    `${stored.slice(0, 2)}/${stored.slice(3)}`,
    `../${stored.slice(3)}`,
    '../x',
    '../../../../etc/passwd',
    '.',
    '..',
    undefined,
    null,
    42,
    {},
    // String() of it throws: a check that quotes the argument must describe it another way.
    Object.create(null),
    Symbol('digest'),
    [stored],
    text(stored),
  ];
}

/** Bytes arguments that are not a Uint8Array. */
const BAD_BYTES: unknown[] = [
  'bytes',
  '',
  undefined,
  null,
  0,
  [1, 2, 3],
  { length: 1, 0: 1 },
  new ArrayBuffer(3),
  new DataView(new ArrayBuffer(3)),
  new Uint16Array(3),
  new Int8Array(3),
];

/**
 * Two byte strings whose digests share their first two hex digits (found by a seeded search, the same in
 * every run): backends that group blobs by digest prefix must list and page them like any others.
 */
function sharingPrefix(): [Uint8Array, Uint8Array] {
  const seen = new Map<string, Uint8Array>();
  for (let i = 0; ; i++) {
    const bytes = text(`prefix ${i}`);
    const prefix = sha256(bytes).slice(0, 2);
    const earlier = seen.get(prefix);
    if (earlier !== undefined) return [earlier, bytes];
    seen.set(prefix, bytes);
  }
}

/**
 * The contract every {@link BlobBackend} keeps, published so an outside backend runs it in two lines:
 * `describeBlobBackend(vitest, 'MyBlobs', async () => ({ port: myStore.blobs(BLOB_CONTRACT_SPEC) }))`.
 * `open` returns a fresh, empty port of {@link BLOB_CONTRACT_SPEC} for every test; with `options.reopen`,
 * a second port over the same data is checked to see everything the first stored. Failures are plain
 * `Error`s saying what differed.
 */
export function describeBlobBackend(
  framework: TestFramework,
  name: string,
  open: () => Promise<PortFixture<BlobBackend>>,
  options: PortSuiteOptions<BlobBackend> = {},
): void {
  portSuite(framework, `BlobBackend contract: ${name}`, open, options, (test) => {
    test('put resolves to the SHA-256 of the bytes, as 64 lowercase hex digits', async (blobs) => {
      for (const bytes of [new Uint8Array(0), text('abc'), seededBytes(1, 1000)]) {
        const digest = await blobs.put(bytes);
        check(
          digest === sha256(bytes),
          `put of ${bytes.byteLength} bytes resolved to ${describeOutcome(digest)}`,
        );
      }
    });

    test('get returns exactly the bytes put: empty, one byte, every byte value, 1 MB, views', async (blobs) => {
      const backing = seededBytes(2, 300);
      const cases: Array<[string, Uint8Array]> = [
        ['empty', new Uint8Array(0)],
        ['one byte', Uint8Array.of(0)],
        ['every byte value', Uint8Array.from({ length: 256 }, (_, i) => i)],
        ['1 MB', seededBytes(3, 1024 * 1024)],
        ['a Buffer', Buffer.from('a Buffer is a Uint8Array')],
        // Only the view's bytes: not the rest of its ArrayBuffer.
        ['a subarray', backing.subarray(100, 200)],
      ];
      const digests: string[] = [];
      for (const [, bytes] of cases) digests.push(await blobs.put(bytes));
      for (const [i, [label, bytes]] of cases.entries()) {
        check(digests[i] === sha256(bytes), `${label}: put resolved to another digest than the bytes'`);
        assertSameBytes(await blobs.get(digests[i]!), bytes, `get of ${label}`);
        check((await blobs.has(digests[i]!)) === true, `has of ${label} is not true`);
      }
    });

    test('get and has of a digest never stored are null and false; an empty port lists nothing', async (blobs) => {
      const digest = sha256(text('never stored'));
      check((await blobs.get(digest)) === null, 'get of a missing blob is not null');
      check((await blobs.has(digest)) === false, 'has of a missing blob is not false');
      assertSameValue(await blobs.digests(), [], 'digests() of an empty port');
    });

    test('remove deletes one blob and says whether there was one', async (blobs) => {
      const kept = await blobs.put(text('kept'));
      const gone = await blobs.put(text('gone'));
      check((await blobs.remove(gone)) === true, 'remove of a stored blob is not true');
      check((await blobs.get(gone)) === null, 'get after remove is not null');
      check((await blobs.has(gone)) === false, 'has after remove is not false');
      check((await blobs.remove(gone)) === false, 'a second remove is not false');
      check(
        (await blobs.remove(sha256(text('never stored')))) === false,
        'remove of a missing blob is not false',
      );
      assertSameValue(await blobs.digests(), [kept], 'digests() after remove');
      assertSameBytes(await blobs.get(kept), text('kept'), 'the other blob');
      check((await blobs.put(text('gone'))) === gone, 'put after remove');
      assertSameBytes(await blobs.get(gone), text('gone'), 'a blob stored again');
    });

    test('a second put of the same bytes keeps one blob', async (blobs) => {
      const first = await blobs.put(text('twice'));
      const second = await blobs.put(text('twice'));
      check(first === second, 'two puts of the same bytes resolved to different digests');
      assertSameValue(await blobs.digests(), [first], 'digests()');
      assertSameBytes(await blobs.get(first), text('twice'), 'get');
    });

    test('concurrent puts of the same bytes resolve to one digest, stored once', async (blobs) => {
      for (const bytes of [text('raced'), seededBytes(4, 200 * 1024)]) {
        const digests = await Promise.all(Array.from({ length: 8 }, () => blobs.put(bytes)));
        check(new Set(digests).size === 1, `concurrent puts resolved to ${new Set(digests).size} digests`);
        check(digests[0] === sha256(bytes), 'concurrent puts resolved to another digest than the bytes');
        assertSameBytes(await blobs.get(digests[0]!), bytes, `get of ${bytes.byteLength} bytes raced`);
      }
      assertSameValue(
        await blobs.digests(),
        [sha256(text('raced')), sha256(seededBytes(4, 200 * 1024))].sort(),
        'digests() after the races',
      );
    });

    test('concurrent puts of different bytes all land', async (blobs) => {
      const all = Array.from({ length: 16 }, (_, i) => seededBytes(100 + i, 64 + i));
      const digests = await Promise.all(all.map((bytes) => blobs.put(bytes)));
      assertSameValue(await blobs.digests(), [...digests].sort(), 'digests()');
      for (const [i, bytes] of all.entries())
        assertSameBytes(await blobs.get(digests[i]!), bytes, `blob ${i}`);
    });

    test('nothing is shared: changing the bytes after put, or what get returned, changes nothing stored', async (blobs) => {
      for (const length of [16, 100 * 1024]) {
        const original = seededBytes(5 + length, length);
        const input = original.slice();
        const digest = await blobs.put(input);
        input.fill(0xee);
        const first = await blobs.get(digest);
        assertSameBytes(first, original, `get after the input of ${length} bytes changed`);
        first!.fill(0xdd);
        assertSameBytes(await blobs.get(digest), original, `get after an output of ${length} bytes changed`);
        const second = await blobs.get(digest);
        check(second !== first, 'two gets returned the same array');
      }
    });

    test('bad digests are an InvalidArgumentError for get, has and remove, and touch nothing', async (blobs) => {
      const stored = await blobs.put(text('stored'));
      for (const digest of badDigests(stored)) {
        const label = describeOutcome(digest);
        for (const method of ['get', 'has', 'remove'] as const) {
          try {
            await rejectionOf(() => blobs[method](digest as string), 'INVALID_ARGUMENT');
          } catch (error) {
            throw new Error(`${method}(${label}): ${(error as Error).message}`, { cause: error });
          }
        }
      }
      assertSameValue(await blobs.digests(), [stored], 'digests() after the refused calls');
      assertSameBytes(await blobs.get(stored), text('stored'), 'the stored blob');
    });

    test('bytes that are not a Uint8Array are an InvalidArgumentError, and nothing is stored', async (blobs) => {
      for (const bytes of BAD_BYTES) {
        try {
          await rejectionOf(() => blobs.put(bytes as Uint8Array), 'INVALID_ARGUMENT');
        } catch (error) {
          throw new Error(`put(${describeOutcome(bytes)}): ${(error as Error).message}`, { cause: error });
        }
      }
      assertSameValue(await blobs.digests(), [], 'digests() after the refused puts');
    });

    test('digests() lists every stored digest once, sorted', async (blobs) => {
      const all = [...Array.from({ length: 20 }, (_, i) => text(`blob ${i}`)), ...sharingPrefix()];
      // Each stored twice, in an order unrelated to the digests'.
      for (const bytes of [...all, ...[...all].reverse()]) await blobs.put(bytes);
      const expected = all.map(sha256).sort();
      assertSameValue(await blobs.digests(), expected, 'digests()');
    });

    test('digests come in pages: after, limit, and every page together is the listing', async (blobs) => {
      const all = [...Array.from({ length: 20 }, (_, i) => text(`page ${i}`)), ...sharingPrefix()];
      for (const bytes of all) await blobs.put(bytes);
      const sorted = all.map(sha256).sort();
      for (const limit of [1, 3, 7, 22, 1000]) {
        assertSameValue(await pageByPage(blobs, limit), sorted, `pages of ${limit}`);
      }
      assertSameValue(await blobs.digests({ limit: 5 }), sorted.slice(0, 5), 'first page');
      assertSameValue(
        await blobs.digests({ after: sorted[4]!, limit: 5 }),
        sorted.slice(5, 10),
        'second page',
      );
      assertSameValue(await blobs.digests({ after: sorted.at(-1)! }), [], 'after the last digest');
      assertSameValue(await blobs.digests({ limit: Number.POSITIVE_INFINITY }), sorted, 'limit Infinity');
      // `after` need not be a stored digest: the page starts at the next one in order.
      const between = `${sorted[8]!}0`;
      assertSameValue(
        await blobs.digests({ after: between, limit: 2 }),
        sorted.slice(9, 11),
        'after a longer string',
      );
      const prefix = sorted[12]!.slice(0, 7);
      assertSameValue(await blobs.digests({ after: prefix, limit: 1 }), [sorted[12]!], 'after a prefix');
      assertSameValue(
        await blobs.digests({ after: sorted[12]!.slice(0, 1), limit: 1 }),
        [sorted.find((digest) => digest > sorted[12]!.slice(0, 1))!],
        'after one hex digit',
      );
      assertSameValue(await blobs.digests({ after: '', limit: 1 }), [sorted[0]!], 'after the empty string');
      assertSameValue(await blobs.digests({ after: 'g' }), [], 'after every hex digit');
      for (const limit of [0, -1, 1.5, Number.NaN, '3']) {
        await rejectionOf(() => blobs.digests({ limit: limit as number }), 'INVALID_ARGUMENT');
      }
      await rejectionOf(() => blobs.digests({ after: 3 as unknown as string }), 'INVALID_ARGUMENT');
    });

    test.reopened(
      'another port over the same data sees every blob, and what it removes',
      async (blobs, reopen) => {
        const all = [new Uint8Array(0), text('one'), seededBytes(6, 100 * 1024)];
        const digests = [];
        for (const bytes of all) digests.push(await blobs.put(bytes));
        const again = await reopen();
        assertSameValue(await again.digests(), [...digests].sort(), 'digests() of the reopened port');
        for (const [i, bytes] of all.entries())
          assertSameBytes(await again.get(digests[i]!), bytes, `reopened blob ${i}`);
        check((await again.remove(digests[1]!)) === true, 'remove through the reopened port');
        check((await blobs.has(digests[1]!)) === false, 'the first port still has a blob the other removed');
        check((await again.put(text('two'))) === sha256(text('two')), 'put through the reopened port');
        assertSameBytes(
          await blobs.get(sha256(text('two'))),
          text('two'),
          'the first port reads what the other put',
        );
      },
    );
  });
}
